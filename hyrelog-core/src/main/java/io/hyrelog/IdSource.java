package io.hyrelog;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.UUID;

/**
 * The seam through which HyreLog gets identifiers and randomness, so tests can be
 * deterministic. Implementations MUST be thread-safe.
 */
public interface IdSource {
  /**
   * A new event id: a UUIDv7 (RFC 9562), time-ordered by the source's clock. Ids from one source
   * MUST be unique and SHOULD increase.
   *
   * @return a new id
   */
  UUID newEventId();

  /**
   * A new personal-data salt: 16 bytes that MUST be unpredictable in production.
   *
   * @return a new salt
   */
  Salt newSalt();

  /**
   * The production source: {@link SecureRandom} and the given clock.
   *
   * @param clock the clock of the ids' timestamps
   * @return the source
   */
  static IdSource secure(Clock clock) {
    return new UuidV7Source(clock, new SecureRandom());
  }

  /**
   * A reproducible source for tests: the same seed and clock readings give the same ids and
   * salts. Never use it in production: its salts are predictable.
   *
   * @param clock the clock of the ids' timestamps
   * @param seed the seed of the ids' random bits and the salts
   * @return the source
   */
  static IdSource seeded(Clock clock, long seed) {
    return new UuidV7Source(clock, new Random(seed));
  }
}
