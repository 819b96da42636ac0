package io.hyrelog;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The random 16-byte salt of a personal-data commitment. Immutable; equality by content.
 * Erasing a field deletes its salt, which makes the commitment unlinkable to the old value.
 */
public final class Salt {
  /** Length of a salt in bytes. */
  public static final int LENGTH = 16;

  private static final HexFormat HEX = HexFormat.of();
  private final byte[] bytes;

  private Salt(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of exactly 16 bytes. */
  public static Salt of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a salt has 16 bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new Salt(bytes.clone());
  }

  /**
   * Parses 32 lowercase hex characters.
   *
   * @throws IllegalArgumentException when the text is not exactly 32 lowercase hex digits
   */
  public static Salt parseHex(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("a salt is 32 lowercase hex characters");
    }
    return new Salt(Digest.decodeLowerHex(hex, "a salt"));
  }

  /** A copy of the 16 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Feeds the bytes into {@code md} without copying them. */
  public void updateInto(MessageDigest md) {
    md.update(bytes);
  }

  /** Lowercase hex, 32 characters. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Salt s && MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Masked: a salt is as sensitive as the value it protects. */
  @Override
  public String toString() {
    return "Salt<masked>";
  }
}
