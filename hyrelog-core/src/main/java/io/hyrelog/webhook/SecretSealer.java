package io.hyrelog.webhook;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals webhook secrets for storage and opens them for delivery: AES-256-GCM under the
 * deployment's 32-byte webhook key ({@code HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY} in the server,
 * 64 hex characters). A sealed secret is a random 12-byte nonce, the ciphertext of the key bytes
 * and the 16-byte tag; the associated data is the endpoint's id (16 bytes, big-endian), so a
 * sealed secret copied to another endpoint does not open.
 *
 * <p>Immutable and thread-safe. Neither {@link #toString()} nor any error shows the key or a
 * secret.
 */
public final class SecretSealer {
  /** The key's length in bytes. */
  public static final int KEY_BYTES = 32;
  /** The nonce's length in bytes. */
  static final int NONCE_BYTES = 12;
  /** The tag's length in bytes. */
  static final int TAG_BYTES = 16;

  private final SecretKeySpec key;
  private final SecureRandom random;

  private SecretSealer(byte[] key, SecureRandom random) {
    this.key = new SecretKeySpec(key, "AES");
    this.random = random;
  }

  /**
   * A sealer under a key given as {@value #KEY_BYTES} bytes in hex (64 characters, either case).
   *
   * @param hex the key
   * @return the sealer
   * @throws IllegalArgumentException when it is not 64 hex characters (the message gives only
   *     the length)
   */
  public static SecretSealer fromHex(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * KEY_BYTES) {
      throw new IllegalArgumentException("the webhook secret encryption key must be "
          + 2 * KEY_BYTES + " hex characters, got " + hex.length() + " characters");
    }
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the webhook secret encryption key must be "
          + 2 * KEY_BYTES + " hex characters; it holds a character that is not hex");
    }
    try {
      return of(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * A sealer under {@code key} (copied), with nonces from a {@link SecureRandom}.
   *
   * @param key {@value #KEY_BYTES} bytes
   * @return the sealer
   * @throws IllegalArgumentException when the key is not {@value #KEY_BYTES} bytes
   */
  public static SecretSealer of(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the webhook secret encryption key must be "
          + KEY_BYTES + " bytes, got " + key.length);
    }
    return new SecretSealer(key.clone(), new SecureRandom());
  }

  /**
   * A new random key in hex, e.g. for an embedded deployment to keep in its data directory.
   *
   * @return 64 lowercase hex characters
   */
  public static String generateKeyHex() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    try {
      return HexFormat.of().formatHex(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Seals {@code secret} for {@code endpointId}.
   *
   * @param endpointId the endpoint the secret belongs to
   * @param secret the secret
   * @return nonce, ciphertext and tag
   */
  public SealedSecret seal(UUID endpointId, WebhookSecret secret) {
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(secret, "secret");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, endpointId);
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(secret.length())];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(secret.key(), 0, secret.length(), out, NONCE_BYTES);
      return SealedSecret.of(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal a webhook secret", e);
    }
  }

  /**
   * Opens a secret sealed for {@code endpointId}.
   *
   * @param endpointId the endpoint it was sealed for
   * @param sealed the sealed secret
   * @return the secret
   * @throws SealedSecretException when it does not open: another key, another endpoint, or
   *     changed bytes
   */
  public WebhookSecret open(UUID endpointId, SealedSecret sealed) {
    Objects.requireNonNull(endpointId, "endpointId");
    byte[] bytes = sealed.bytes();
    int keyBytes = bytes.length - NONCE_BYTES - TAG_BYTES;
    if (keyBytes < WebhookSecret.MIN_BYTES || keyBytes > WebhookSecret.MAX_BYTES) {
      throw new SealedSecretException("the sealed secret of endpoint " + endpointId + " has "
          + bytes.length + " bytes; a sealed secret has " + (NONCE_BYTES + TAG_BYTES
          + WebhookSecret.MIN_BYTES) + ".." + (NONCE_BYTES + TAG_BYTES + WebhookSecret.MAX_BYTES));
    }
    byte[] plain = null;
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), endpointId);
      plain = c.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return WebhookSecret.ofKey(plain);
    } catch (AEADBadTagException e) {
      throw new SealedSecretException("the sealed secret of endpoint " + endpointId
          + " does not open: it was sealed under another webhook key or for another endpoint,"
          + " or changed; check HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to open a webhook secret", e);
    } finally {
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  /**
   * The signer of a delivery at {@code now}: the current secret, and the previous one while its
   * rotation overlap lasts ({@code now} before {@code previousUntil}).
   *
   * @param endpointId the endpoint the secrets were sealed for
   * @param secrets its sealed secrets
   * @param now the attempt's time
   * @return the signer
   * @throws SealedSecretException when a secret does not open
   */
  public WebhookSigner signer(UUID endpointId, WebhookSecrets secrets, Instant now) {
    WebhookSecret current = open(endpointId, secrets.current());
    if (secrets.previous().isPresent() && now.isBefore(secrets.previousUntil().orElseThrow())) {
      return WebhookSigner.of(current, List.of(open(endpointId, secrets.previous().get())));
    }
    return WebhookSigner.of(current);
  }

  private Cipher cipher(int mode, byte[] nonce, UUID endpointId)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    c.updateAAD(ByteBuffer.allocate(16).putLong(endpointId.getMostSignificantBits())
        .putLong(endpointId.getLeastSignificantBits()).array());
    return c;
  }

  @Override
  public String toString() {
    return "SecretSealer[AES-256-GCM, key <masked>]";
  }
}
