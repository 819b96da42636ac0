package io.hyrelog.testkit;

import io.hyrelog.spi.SubjectKeyring;

class InMemorySubjectKeysTest extends SubjectKeysContract {
  @Override
  protected SubjectKeyring newKeys(MutableClock clock) {
    return new InMemorySubjectKeys(clock, SeededRandom.secure(17));
  }
}
