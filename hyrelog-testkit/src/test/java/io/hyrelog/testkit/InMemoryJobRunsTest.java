package io.hyrelog.testkit;

/** The in-memory twin passes the same contract as the PostgreSQL adapter. */
class InMemoryJobRunsTest extends JobRunsContract {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }
}
