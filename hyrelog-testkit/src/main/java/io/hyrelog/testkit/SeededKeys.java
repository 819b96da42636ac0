package io.hyrelog.testkit;

import io.hyrelog.integrity.Ed25519NoteSigner;
import java.util.Arrays;

/**
 * Deterministic signing keys for tests: the same name and seed always give the same key, and
 * different seeds different keys. Never use them outside tests.
 */
public final class SeededKeys {
  private SeededKeys() {}

  /** An Ed25519 note signer named {@code name} whose 32-byte seed is {@code seed} repeated. */
  public static Ed25519NoteSigner signer(String name, int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    return Ed25519NoteSigner.fromSeed(name, b);
  }
}
