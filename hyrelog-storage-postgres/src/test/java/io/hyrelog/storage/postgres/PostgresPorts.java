package io.hyrelog.storage.postgres;

import io.hyrelog.testkit.StoragePorts;

/** Every PostgreSQL adapter of a port, over one fresh test database (for the contract suites). */
final class PostgresPorts {
  /** Rows per round trip of export reads: small, so a chain takes several. */
  static final int EXPORT_FETCH_SIZE = 7;

  private PostgresPorts() {}

  /** The adapters over {@code db}, as the application role; closing them closes {@code db}. */
  static StoragePorts of(PostgresFixture.Database db) {
    PostgresEventStore store = null;
    try {
      store = PostgresEventStore.builder(db.app()).build();
      PostgresEventStore events = store;
      return new StoragePorts(events, PostgresTenants.create(db.app()),
          PostgresArchiveCatalog.create(db.app()), PostgresSnapshots.create(db.app()),
          PostgresRestoreRequests.create(db.app()), PostgresExports.create(db.app(),
              PostgresMigrations.DEFAULT_SCHEMA, EXPORT_FETCH_SIZE),
          PostgresJobRuns.create(db.app()), PostgresAdminAuditLog.create(db.app()), () -> {
            events.close();
            db.close();
          });
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      db.close();
      throw e;
    }
  }
}
