package io.hyrelog.storage.postgres;

import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.WebhookStoreContract;

/** The {@link io.hyrelog.spi.WebhookStore} contract, outbox included, on a real PostgreSQL. */
class PostgresWebhookStoreIT extends WebhookStoreContract {
  private PostgresFixture.Database db;

  @Override
  protected EventStore createStore() {
    db = PostgresFixture.newDatabase();
    try {
      return PostgresEventStore.builder(db.app()).build();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  protected void closeStore(EventStore s) {
    ((PostgresEventStore) s).close();
    db.close();
  }
}
