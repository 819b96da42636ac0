package io.hyrelog.testkit;

import io.hyrelog.spi.CheckpointRecords;

/** The in-memory twin passes the same contract as the PostgreSQL adapter. */
class InMemoryCheckpointRecordsTest extends CheckpointRecordsContract {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }

  @Override
  protected CheckpointRecords createRecords(StoragePorts ports) {
    return new InMemoryCheckpointRecords((InMemoryEventStore) ports.events());
  }
}
