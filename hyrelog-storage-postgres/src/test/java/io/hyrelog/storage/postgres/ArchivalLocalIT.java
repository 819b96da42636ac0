package io.hyrelog.storage.postgres;

import io.hyrelog.testkit.LocalDirectoryArchivalScenarios;
import io.hyrelog.testkit.StoragePorts;

/**
 * The archival scenarios on a real PostgreSQL with the local directory store (the embedded
 * default). A real process kill is in {@link ArchivalKillIT}.
 */
class ArchivalLocalIT extends LocalDirectoryArchivalScenarios {
  @Override
  protected StoragePorts createPorts() {
    return PostgresPorts.of(PostgresFixture.newDatabase());
  }
}
