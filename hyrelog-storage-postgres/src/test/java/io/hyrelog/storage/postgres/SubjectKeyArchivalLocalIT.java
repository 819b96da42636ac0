package io.hyrelog.storage.postgres;

import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.testkit.LocalDirectorySubjectKeyArchivalScenarios;
import io.hyrelog.testkit.StoragePorts;
import java.time.Clock;

/**
 * Crypto-shredding on a real PostgreSQL (events, catalog and {@link PostgresSubjectKeys}) with
 * the local directory archive store; the scan reads every file of the archive directory.
 */
class SubjectKeyArchivalLocalIT extends LocalDirectorySubjectKeyArchivalScenarios {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Override
  protected SubjectKeyring newKeys(Clock clock) {
    return PostgresSubjectKeysIT.keys(db, clock);
  }
}
