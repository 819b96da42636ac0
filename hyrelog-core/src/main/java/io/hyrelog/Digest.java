package io.hyrelog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 digest (32 bytes): event hashes, Merkle roots, commitments. Immutable; equality
 * is by content. Rendered as lowercase hex in APIs and exports.
 */
public final class Digest implements Comparable<Digest> {
  /** Length of a SHA-256 digest in bytes. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();

  /** The all-zero digest: the {@code prevHash} of the first event of every chain. */
  public static final Digest ZERO = new Digest(new byte[LENGTH]);

  private final byte[] bytes;

  private Digest(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of {@code bytes}, which must be exactly 32 bytes long. */
  public static Digest of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a SHA-256 digest has 32 bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new Digest(bytes.clone());
  }

  /** Wraps {@code bytes} without copying; callers must not keep a reference. */
  static Digest wrap(byte[] bytes) {
    return new Digest(bytes);
  }

  /**
   * Parses 64 lowercase hex characters.
   *
   * @throws IllegalArgumentException when the text is not exactly 64 lowercase hex digits
   */
  public static Digest parseHex(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException(
          "a SHA-256 digest is 64 lowercase hex characters, got "
              + (hex == null ? "null" : hex.length() + " characters"));
    }
    return new Digest(decodeLowerHex(hex, "a SHA-256 digest"));
  }

  /** Value of each ASCII character as a lowercase hex digit, or -1. */
  private static final byte[] HEX_VALUE = new byte[128];

  static {
    java.util.Arrays.fill(HEX_VALUE, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX_VALUE[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX_VALUE[c] = (byte) (c - 'a' + 10);
    }
  }

  /** Decodes lowercase hex strictly (no uppercase: the format has one spelling per value). */
  static byte[] decodeLowerHex(String hex, String what) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
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

  /** SHA-256 of {@code data}. */
  public static Digest sha256(byte[] data) {
    return new Digest(newSha256().digest(data));
  }

  /** Cloning a prototype skips the provider lookup of getInstance, which dominates small hashes. */
  private static final MessageDigest PROTOTYPE = lookupSha256();

  private static MessageDigest lookupSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }

  /** A fresh SHA-256 {@link MessageDigest}; SHA-256 is present on every Java platform. */
  public static MessageDigest newSha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookupSha256();
    }
  }

  /** Completes {@code md} and wraps its result. */
  public static Digest finish(MessageDigest md) {
    return new Digest(md.digest());
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Feeds the 32 bytes into {@code md} without copying them. */
  public void updateInto(MessageDigest md) {
    md.update(bytes);
  }

  /** Lowercase hex, 64 characters. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** Whether every byte is zero. */
  public boolean isZero() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Digest o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
