package io.hyrelog.storage.postgres;

import io.hyrelog.testkit.StoragePorts;
import io.hyrelog.testkit.TenantDirectoryContract;

/** {@link PostgresTenants} passes the directory's contract on a real PostgreSQL. */
class PostgresTenantsIT extends TenantDirectoryContract {
  @Override
  protected StoragePorts createPorts() {
    return PostgresPorts.of(PostgresFixture.newDatabase());
  }
}
