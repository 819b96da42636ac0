package io.hyrelog.testkit;

import io.hyrelog.spi.SubjectKeyring;
import java.time.Clock;

/**
 * Crypto-shredding without a database: {@link SubjectKeyArchivalScenarios} on the in-memory
 * ports and subject keys, with the local directory archive store.
 */
class InMemorySubjectKeyArchivalTest extends LocalDirectorySubjectKeyArchivalScenarios {
  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }

  @Override
  protected SubjectKeyring newKeys(Clock clock) {
    return new InMemorySubjectKeys(clock, SeededRandom.secure(5));
  }
}
