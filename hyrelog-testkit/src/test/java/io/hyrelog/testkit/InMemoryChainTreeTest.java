package io.hyrelog.testkit;

import io.hyrelog.spi.EventStore;

class InMemoryChainTreeTest extends ChainTreeContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
