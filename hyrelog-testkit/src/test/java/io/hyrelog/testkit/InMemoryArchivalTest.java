package io.hyrelog.testkit;

/**
 * The core archival workflow without a database: {@link ArchivalScenarios} on the in-memory
 * event store and archive catalog, with the local directory archive store.
 */
class InMemoryArchivalTest extends LocalDirectoryArchivalScenarios {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }
}
