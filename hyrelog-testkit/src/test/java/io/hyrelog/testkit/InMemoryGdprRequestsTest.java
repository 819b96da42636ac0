package io.hyrelog.testkit;

import io.hyrelog.spi.GdprRequests;

/** The in-memory twin passes the same contract as the PostgreSQL adapter. */
class InMemoryGdprRequestsTest extends GdprRequestsContract {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }

  @Override
  protected GdprRequests gdprRequests() {
    return new InMemoryGdprRequests();
  }
}
