package io.hyrelog;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string of fixed length with content equality, the shared shape of {@link
 * Digest} and {@link Salt} (records must not hold raw arrays). Equality is constant-time and
 * never equates values of different types.
 */
abstract class FixedBytes {
  private static final HexFormat HEX = HexFormat.of();

  /** Value of each ASCII character as a lowercase hex digit, or -1. */
  private static final byte[] HEX_VALUE = new byte[128];

  static {
    Arrays.fill(HEX_VALUE, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX_VALUE[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX_VALUE[c] = (byte) (c - 'a' + 10);
    }
  }

  final byte[] bytes;

  FixedBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array holding the bytes
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Feeds the bytes into {@code md} without copying them.
   *
   * @param md the digest to update
   */
  public void updateInto(MessageDigest md) {
    md.update(bytes);
  }

  /**
   * Lowercase hex, two characters per byte.
   *
   * @return the hex text
   */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass()
        && MessageDigest.isEqual(bytes, ((FixedBytes) o).bytes);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Copies exactly {@code length} bytes, or says what {@code what} needs. */
  static byte[] copyOf(byte[] bytes, int length, String what) {
    if (bytes == null || bytes.length != length) {
      throw new IllegalArgumentException(what + " has " + length + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return bytes.clone();
  }

  /** Decodes exactly {@code length} bytes of lowercase hex (the format has one spelling). */
  static byte[] decodeLowerHex(String hex, int length, String what) {
    if (hex == null || hex.length() != 2 * length) {
      throw new IllegalArgumentException(what + " is " + 2 * length
          + " lowercase hex characters, got " + (hex == null ? "null" : hex.length()));
    }
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      char c1 = hex.charAt(2 * i);
      char c2 = hex.charAt(2 * i + 1);
      int hi = c1 < 128 ? HEX_VALUE[c1] : -1;
      int lo = c2 < 128 ? HEX_VALUE[c2] : -1;
      if ((hi | lo) < 0) {
        throw new IllegalArgumentException(
            what + " is lowercase hex; character " + (hi < 0 ? 2 * i : 2 * i + 1) + " is not");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }
}
