package io.hyrelog.testkit;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Deterministic randomness for tests of code that takes a {@link SecureRandom} (key pairs,
 * nonces, salts): the same seed always gives the same bytes, so keys and ciphertexts are
 * reproducible. Never use it outside tests.
 */
public final class SeededRandom {
  private SeededRandom() {}

  /**
   * A {@link SecureRandom} whose output depends only on {@code seed} (SHA1PRNG, seeded first).
   *
   * @param seed the seed
   * @return the random
   */
  public static SecureRandom secure(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      // Seeding before the first use replaces the system entropy: the output is the seed's.
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1PRNG is required of every Java platform", e);
    }
  }
}
