package io.hyrelog.storage.postgres;

import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.EventStoreContract;

/** The store passes the same contract as every adapter, against a real PostgreSQL. */
class PostgresEventStoreIT extends EventStoreContract {
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
