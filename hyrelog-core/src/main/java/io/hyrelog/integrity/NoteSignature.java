package io.hyrelog.integrity;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One signature line of a C2SP signed note: the signing key's name, its 32-bit key id and the
 * signature bytes. This says nothing about validity; see {@link SignedNote#verify}.
 *
 * <p>Immutable and thread-safe; the signature bytes are copied in and out. Equality is by content.
 */
public final class NoteSignature {
  private final String keyName;
  private final int keyId;
  private final byte[] signature;

  /**
   * @param keyName the key name: non-empty, without Unicode spaces or {@code +}
   * @param keyId the key id, the first four bytes (big-endian) of the key hash
   * @param signature the raw signature bytes (at least one byte), copied
   * @throws IllegalArgumentException when the name is not a valid key name or the signature is
   *     empty
   */
  public NoteSignature(String keyName, int keyId, byte[] signature) {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(signature, "signature");
    if (!isValidKeyName(keyName)) {
      throw new IllegalArgumentException(
          "a key name must be non-empty and contain neither Unicode spaces nor '+'");
    }
    if (signature.length == 0) {
      throw new IllegalArgumentException("a note signature has at least one byte");
    }
    this.keyName = keyName;
    this.keyId = keyId;
    this.signature = signature.clone();
  }

  /**
   * The name of the key that made this signature.
   *
   * @return the key name
   */
  public String keyName() {
    return keyName;
  }

  /**
   * The 32-bit key id; compare as unsigned, render with {@code %08x}.
   *
   * @return the key id
   */
  public int keyId() {
    return keyId;
  }

  /**
   * A copy of the raw signature bytes (without the key id).
   *
   * @return a new array
   */
  public byte[] signature() {
    return signature.clone();
  }

  /** Base64 of {@code keyId (big-endian) || signature}, as written on the signature line. */
  String encoded() {
    byte[] raw =
        ByteBuffer.allocate(Integer.BYTES + signature.length).putInt(keyId).put(signature).array();
    return Base64.getEncoder().encodeToString(raw);
  }

  /** {@code name+keyid} as Go's note package prints it, for messages. */
  String label() {
    return label(keyName, keyId);
  }

  static String label(String name, int keyId) {
    return name + "+" + String.format("%08x", keyId);
  }

  /**
   * Whether {@code name} is a valid signed-note key name: non-empty, without any Unicode space and
   * without {@code +}. Control characters below U+0020 and lone surrogates are rejected too, as no
   * signed note may contain them.
   */
  static boolean isValidKeyName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp == '+'
          || Character.isWhitespace(cp)
          || Character.isSpaceChar(cp)
          || cp == 0x85
          || cp < 0x20
          || Character.getType(cp) == Character.SURROGATE) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteSignature s
        && keyId == s.keyId
        && keyName.equals(s.keyName)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * keyName.hashCode() + keyId) + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "NoteSignature[" + label() + "]";
  }
}
