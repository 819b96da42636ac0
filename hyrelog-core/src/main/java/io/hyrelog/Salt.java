package io.hyrelog;

/**
 * The random 16-byte salt of a personal-data commitment. Immutable; equality by content.
 * Erasing a field deletes its salt, which makes the commitment unlinkable to the old value.
 */
public final class Salt extends FixedBytes {
  /** Length of a salt in bytes. */
  public static final int LENGTH = 16;

  private Salt(byte[] bytes) {
    super(bytes);
  }

  /**
   * Wraps a copy of exactly 16 bytes.
   *
   * @param bytes 16 bytes
   * @return the salt
   */
  public static Salt of(byte[] bytes) {
    return new Salt(copyOf(bytes, LENGTH, "a salt"));
  }

  /**
   * Parses 32 lowercase hex characters.
   *
   * @param hex 32 lowercase hex digits
   * @return the salt
   * @throws IllegalArgumentException when the text is not exactly 32 lowercase hex digits
   */
  public static Salt parseHex(String hex) {
    return new Salt(decodeLowerHex(hex, LENGTH, "a salt"));
  }

  /** Masked: a salt is as sensitive as the value it protects. */
  @Override
  public String toString() {
    return "Salt<masked>";
  }
}
