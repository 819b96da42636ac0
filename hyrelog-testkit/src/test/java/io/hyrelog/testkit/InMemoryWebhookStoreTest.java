package io.hyrelog.testkit;

import io.hyrelog.spi.EventStore;

class InMemoryWebhookStoreTest extends WebhookStoreContract {
  @Override
  protected EventStore createStore() {
    return new InMemoryEventStore();
  }
}
