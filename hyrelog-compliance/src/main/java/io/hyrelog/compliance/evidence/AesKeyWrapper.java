package io.hyrelog.compliance.evidence;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local master key: AES key wrap (RFC 3394, the JDK's {@code AESWrap}) with a configured
 * 256-bit key and its id. Thread-safe; the key never appears in {@link #toString()}.
 */
public final class AesKeyWrapper implements KeyWrapper {
  /** The algorithm recorded in envelopes. */
  public static final String ALGORITHM = "AESWrap (RFC 3394) AES-256";

  private final String keyId;
  private final SecretKeySpec master;

  /**
   * @param keyId the id recorded in envelopes, e.g. {@code local-1}
   * @param key32 the 32-byte master key (copied)
   */
  public AesKeyWrapper(String keyId, byte[] key32) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key32, "key32");
    if (keyId.isBlank()) {
      throw new IllegalArgumentException("keyId must not be blank");
    }
    if (key32.length != 32) {
      throw new IllegalArgumentException("an AES-256 master key has 32 bytes, got "
          + key32.length);
    }
    this.keyId = keyId;
    this.master = new SecretKeySpec(key32.clone(), "AES");
  }

  /**
   * The master key's id, recorded in every envelope it wraps a key for.
   *
   * @return the key id
   */
  public String keyId() {
    return keyId;
  }

  @Override
  public WrappedKey wrap(UUID bundleId, byte[] dataKey) {
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.WRAP_MODE, master);
      byte[] wrapped = c.wrap(new SecretKeySpec(dataKey, "AES"));
      return new WrappedKey(keyId, ALGORITHM, Base64.getEncoder().encodeToString(wrapped), null);
    } catch (GeneralSecurityException e) {
      throw new EvidenceException("AES key wrap failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Unwraps a data key wrapped by this master key.
   *
   * @param w the wrapped key
   * @return the 32-byte data key
   * @throws EvidenceException when the key id differs or the wrapped key does not unwrap
   *     (another master key, or tampered)
   */
  public byte[] unwrap(WrappedKey w) {
    if (!w.keyId().equals(keyId)) {
      throw new EvidenceException("the data key is wrapped by master key " + w.keyId()
          + ", not " + keyId);
    }
    try {
      Cipher c = Cipher.getInstance("AESWrap");
      c.init(Cipher.UNWRAP_MODE, master);
      Key k = c.unwrap(Base64.getDecoder().decode(w.wrappedKeyBase64()), "AES",
          Cipher.SECRET_KEY);
      byte[] out = k.getEncoded();
      if (out.length != 32) {
        Arrays.fill(out, (byte) 0);
        throw new EvidenceException("the unwrapped data key is not 32 bytes");
      }
      return out;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new EvidenceException("the wrapped data key does not unwrap with master key " + keyId
          + " (wrong key or tampered)");
    }
  }

  @Override
  public String toString() {
    return "AesKeyWrapper[" + keyId + ", key=<masked>]";
  }
}
