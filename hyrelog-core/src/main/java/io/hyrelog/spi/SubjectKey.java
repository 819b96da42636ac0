package io.hyrelog.spi;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One data subject's key in one workspace: a random id, written into archived segments beside
 * the values sealed under it, and 32 random bytes of key material that only the key store holds.
 * The id is random, so a segment names no subject: once the material is destroyed, nothing in
 * the segment links its ciphertexts to the person.
 *
 * <p>Neither {@link #toString()} nor an error shows the material.
 *
 * @param id the key's random id
 * @param material the {@value #BYTES} key bytes (copied in and out)
 */
public record SubjectKey(UUID id, byte[] material) {
  /** The key material's length in bytes (AES-256). */
  public static final int BYTES = 32;

  /**
   * Validates and copies the material.
   *
   * @param id the key's random id
   * @param material the {@value #BYTES} key bytes
   */
  public SubjectKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(material, "material");
    if (material.length != BYTES) {
      throw new IllegalArgumentException("subject key material must be " + BYTES
          + " bytes, got " + material.length);
    }
    material = material.clone();
  }

  /**
   * A new key: a random (version 4) id and random material.
   *
   * @param random the source (a {@link java.security.SecureRandom}; seeded only in tests)
   * @return the key
   */
  public static SubjectKey generate(java.security.SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
    byte[] material = new byte[BYTES];
    random.nextBytes(material);
    try {
      return new SubjectKey(new UUID(bb.getLong(), bb.getLong()), material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /**
   * The key bytes.
   *
   * @return a copy of the {@value #BYTES} bytes
   */
  @Override
  public byte[] material() {
    return material.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubjectKey k && id.equals(k.id) && Arrays.equals(material, k.material);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Never shows the material. */
  @Override
  public String toString() {
    return "SubjectKey[" + id + ", material <masked>]";
  }
}
