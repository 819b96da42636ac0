package io.hyrelog.storage.postgres;

import io.hyrelog.testkit.ExportJobsContract;
import io.hyrelog.testkit.StoragePorts;

/**
 * {@link PostgresExports} passes the export contract on a real PostgreSQL, as the application
 * role, with {@value PostgresPorts#EXPORT_FETCH_SIZE} rows per round trip so that every chain
 * read takes several (its snapshot is one REPEATABLE READ transaction).
 */
class PostgresExportsIT extends ExportJobsContract {
  @Override
  protected StoragePorts createPorts() {
    return PostgresPorts.of(PostgresFixture.newDatabase());
  }
}
