package io.hyrelog.testkit;

import io.hyrelog.integrity.Ed25519NoteSigner;
import java.util.Arrays;

/**
 * Deterministic signing keys for tests: the same name and seed always give the same key, and
 * different seeds different keys. Never use them outside tests.
 */
public final class SeededKeys {
  private SeededKeys() {}

  /**
   * An Ed25519 note signer named {@code name} whose 32-byte seed is {@code seed} repeated.
   *
   * @param name the key name
   * @param seed the seed byte (its low 8 bits), repeated 32 times
   * @return the signer; equal arguments give the same key
   * @throws IllegalArgumentException when {@code name} is not a valid key name
   */
  public static Ed25519NoteSigner signer(String name, int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    return Ed25519NoteSigner.fromSeed(name, b);
  }
}
