package io.hyrelog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A SHA-256 digest (32 bytes): event hashes, Merkle roots, commitments. Immutable; equality
 * is by content. Rendered as lowercase hex in APIs and exports.
 */
public final class Digest extends FixedBytes implements Comparable<Digest> {
  /** Length of a SHA-256 digest in bytes. */
  public static final int LENGTH = 32;

  /** The all-zero digest: the {@code prevHash} of the first event of every chain. */
  public static final Digest ZERO = new Digest(new byte[LENGTH]);

  /** Cloning a prototype skips the provider lookup of getInstance, which dominates small hashes. */
  private static final MessageDigest PROTOTYPE = lookupSha256();

  private Digest(byte[] bytes) {
    super(bytes);
  }

  /**
   * Wraps a copy of {@code bytes}, which must be exactly 32 bytes long.
   *
   * @param bytes 32 bytes
   * @return the digest
   */
  public static Digest of(byte[] bytes) {
    return new Digest(copyOf(bytes, LENGTH, "a SHA-256 digest"));
  }

  /**
   * Parses 64 lowercase hex characters.
   *
   * @param hex 64 lowercase hex digits
   * @return the digest
   * @throws IllegalArgumentException when the text is not exactly 64 lowercase hex digits
   */
  public static Digest parseHex(String hex) {
    return new Digest(decodeLowerHex(hex, LENGTH, "a SHA-256 digest"));
  }

  /**
   * SHA-256 of {@code data}.
   *
   * @param data the bytes to hash
   * @return their SHA-256
   */
  public static Digest sha256(byte[] data) {
    return new Digest(newSha256().digest(data));
  }

  private static MessageDigest lookupSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }

  /**
   * A fresh SHA-256 {@link MessageDigest}; SHA-256 is present on every Java platform.
   *
   * @return a new digest, not shared
   */
  public static MessageDigest newSha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookupSha256();
    }
  }

  /**
   * Completes {@code md} and wraps its result.
   *
   * @param md a SHA-256 digest fed with the data
   * @return the digest
   */
  public static Digest finish(MessageDigest md) {
    return new Digest(md.digest());
  }

  /**
   * Whether every byte is zero.
   *
   * @return true for the all-zero digest
   */
  public boolean isZero() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
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
