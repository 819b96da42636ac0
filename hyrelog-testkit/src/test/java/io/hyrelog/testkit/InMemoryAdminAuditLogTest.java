package io.hyrelog.testkit;

/** The in-memory twin passes the same contract as the PostgreSQL adapter. */
class InMemoryAdminAuditLogTest extends AdminAuditLogContract {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }
}
