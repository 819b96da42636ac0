package io.hyrelog.testkit;

/** The in-memory twin passes the same contract as the PostgreSQL adapter. */
class InMemoryRestoreRequestsTest extends RestoreRequestsContract {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }
}
