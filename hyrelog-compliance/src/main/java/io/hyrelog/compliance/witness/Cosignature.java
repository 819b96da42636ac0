package io.hyrelog.compliance.witness;

import io.hyrelog.integrity.NoteSignature;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One C2SP {@code tlog-cosignature} of the Ed25519 type ({@code cosignature/v1}): a cosigner's
 * statement that, as of {@link #timestamp()}, the checkpoint it signed is the largest consistent
 * tree it has seen for the log. On a note it is a signature line whose bytes are {@code key id
 * (4) || timestamp (8, big-endian seconds) || Ed25519 signature (64)}; see {@link
 * CosignatureVerifier} for what is signed.
 *
 * <p>This is a carrier: it says nothing about validity. Immutable and thread-safe; equality is by
 * content.
 */
public final class Cosignature {
  static final int SIGNATURE_LENGTH = 64;
  private static final int BODY_LENGTH = Long.BYTES + SIGNATURE_LENGTH;

  private final String keyName;
  private final int keyId;
  private final long timestamp;
  private final byte[] signature;

  /**
   * @param keyName the cosigner's key name
   * @param keyId the cosigner's key id (with the cosignature algorithm byte {@code 0x04})
   * @param timestamp POSIX seconds, 1 to 2^63 - 1
   * @param signature the 64-byte Ed25519 signature, copied
   * @throws IllegalArgumentException when the timestamp is not positive, the signature is not
   *     64 bytes, or the key name is not a valid note key name
   */
  public Cosignature(String keyName, int keyId, long timestamp, byte[] signature) {
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(signature, "signature");
    if (timestamp <= 0) {
      throw new IllegalArgumentException("a witness cosignature has a timestamp > 0, got "
          + timestamp);
    }
    if (signature.length != SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 cosignature has 64 signature bytes, got "
          + signature.length);
    }
    this.keyName = keyName;
    this.keyId = keyId;
    this.timestamp = timestamp;
    this.signature = signature.clone();
    toNoteSignature(); // validates the key name
  }

  /**
   * Reads a note signature line as a cosignature.
   *
   * @param line the signature line
   * @return the cosignature
   * @throws IllegalArgumentException when its bytes are not 72 long (8 bytes of timestamp and 64
   *     of signature after the key id) or its timestamp is zero or above 2^63 - 1
   */
  public static Cosignature from(NoteSignature line) {
    Objects.requireNonNull(line, "line");
    byte[] body = line.signature();
    if (body.length != BODY_LENGTH) {
      throw new IllegalArgumentException("signature line " + line.keyName()
          + " is not an Ed25519 cosignature (" + body.length + " bytes after the key id, expected "
          + BODY_LENGTH + ")");
    }
    long timestamp = ByteBuffer.wrap(body).getLong();
    if (timestamp <= 0) {
      throw new IllegalArgumentException("cosignature of " + line.keyName()
          + " has a zero or out-of-range timestamp");
    }
    return new Cosignature(line.keyName(), line.keyId(), timestamp,
        Arrays.copyOfRange(body, Long.BYTES, body.length));
  }

  /**
   * The cosigner's key name.
   *
   * @return the key name
   */
  public String keyName() {
    return keyName;
  }

  /**
   * The cosigner's key id; render with {@code %08x}.
   *
   * @return the key id
   */
  public int keyId() {
    return keyId;
  }

  /**
   * When it was made, in POSIX seconds.
   *
   * @return the timestamp in seconds
   */
  public long timestamp() {
    return timestamp;
  }

  /**
   * When it was made.
   *
   * @return the time
   */
  public Instant time() {
    return Instant.ofEpochSecond(timestamp);
  }

  /**
   * A copy of the 64-byte Ed25519 signature.
   *
   * @return a new array
   */
  public byte[] signature() {
    return signature.clone();
  }

  /**
   * As a signature line of a signed note.
   *
   * @return the signature line
   */
  public NoteSignature toNoteSignature() {
    byte[] body = ByteBuffer.allocate(BODY_LENGTH).putLong(timestamp).put(signature).array();
    return new NoteSignature(keyName, keyId, body);
  }

  /**
   * The signature line as a witness returns it: {@code — <name> <base64>} and a newline.
   *
   * @return the line
   */
  public String line() {
    byte[] raw = ByteBuffer.allocate(Integer.BYTES + BODY_LENGTH).putInt(keyId)
        .putLong(timestamp).put(signature).array();
    return "\u2014 " + keyName + " " + Base64.getEncoder().encodeToString(raw) + "\n";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cosignature c && keyId == c.keyId && timestamp == c.timestamp
        && keyName.equals(c.keyName) && Arrays.equals(signature, c.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyName, keyId, timestamp) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "Cosignature[" + keyName + "+" + String.format("%08x", keyId) + " at " + time() + "]";
  }
}
