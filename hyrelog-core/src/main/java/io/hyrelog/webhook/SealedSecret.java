package io.hyrelog.webhook;

import java.util.Arrays;

/**
 * A webhook signing secret as stored: encrypted (AES-256-GCM, nonce and tag included) under the
 * deployment's webhook key. Opaque to stores; only the workflow that holds the key opens it.
 * {@link #toString()} shows the length only.
 */
public final class SealedSecret {
  /** The most bytes a sealed secret may have. */
  public static final int MAX_BYTES = 256;
  private final byte[] bytes;

  private SealedSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps sealed bytes (copied).
   *
   * @param bytes 1..{@value #MAX_BYTES} bytes
   * @return the sealed secret
   * @throws IllegalArgumentException when the length is out of range
   */
  public static SealedSecret of(byte[] bytes) {
    if (bytes.length < 1 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("a sealed secret has 1.." + MAX_BYTES + " bytes, got "
          + bytes.length);
    }
    return new SealedSecret(bytes.clone());
  }

  /**
   * A copy of the sealed bytes.
   *
   * @return the bytes
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealedSecret s && Arrays.equals(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SealedSecret[" + bytes.length + " bytes]";
  }
}
