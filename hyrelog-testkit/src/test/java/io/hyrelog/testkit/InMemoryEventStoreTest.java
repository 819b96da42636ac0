package io.hyrelog.testkit;

import io.hyrelog.spi.EventStore;

class InMemoryEventStoreTest extends EventStoreContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
