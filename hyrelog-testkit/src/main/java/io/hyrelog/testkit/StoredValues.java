package io.hyrelog.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;

/**
 * How the in-memory twins keep values the way the ports' contracts (and PostgreSQL) do:
 * instants at microsecond precision, ids ordered as PostgreSQL orders {@code uuid}.
 */
final class StoredValues {
  /** Ids in PostgreSQL's {@code uuid} order: their text's ({@link UUID#compareTo} differs). */
  static final Comparator<UUID> ID_ORDER = Comparator.comparing(UUID::toString);

  private StoredValues() {}

  /** {@code t} at microsecond precision; null stays null. */
  static Instant instant(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  /** {@code t} at microsecond precision. */
  static Optional<Instant> instant(Optional<Instant> t) {
    return t.map(StoredValues::instant);
  }
}
