package io.hyrelog.webhook;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A webhook signing secret: {@code whsec_} followed by the standard, padded base64 of its key
 * bytes (the Standard Webhooks form). {@link #generate()} makes 32 random bytes; {@link #parse}
 * also accepts the other lengths the Standard Webhooks specification allows (24 to 64 bytes), so
 * a receiver can use {@link WebhookVerifier} with secrets of other senders.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the secret; only {@link
 * #reveal()} does, for the one answer that hands a new secret to its owner.
 */
public final class WebhookSecret {
  /** The prefix of a secret's text form. */
  public static final String PREFIX = "whsec_";
  /** How many key bytes {@link #generate()} makes. */
  public static final int GENERATED_BYTES = 32;
  /** The fewest key bytes accepted (Standard Webhooks). */
  public static final int MIN_BYTES = 24;
  /** The most key bytes accepted (Standard Webhooks). */
  public static final int MAX_BYTES = 64;
  /** How long a rotated-out secret keeps signing beside the new one. */
  public static final java.time.Duration ROTATION_OVERLAP = java.time.Duration.ofHours(24);
  /** The longest text form accepted, in characters. */
  static final int MAX_TEXT = PREFIX.length() + (MAX_BYTES + 2) / 3 * 4;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /**
   * A new secret of {@value #GENERATED_BYTES} bytes from a shared {@link SecureRandom}.
   *
   * @return the secret
   */
  public static WebhookSecret generate() {
    return generate(RANDOM);
  }

  /**
   * A new secret of {@value #GENERATED_BYTES} bytes from {@code random}.
   *
   * @param random the source of the key bytes
   * @return the secret
   */
  public static WebhookSecret generate(SecureRandom random) {
    byte[] key = new byte[GENERATED_BYTES];
    random.nextBytes(key);
    return new WebhookSecret(key);
  }

  /**
   * Reads a secret's text form strictly: the {@value #PREFIX} prefix, then the canonical standard
   * base64 (with its padding) of {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes.
   *
   * @param text the secret's text form
   * @return the secret
   * @throws InvalidWebhookSecretException saying what is wrong (never repeating the text)
   */
  public static WebhookSecret parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_TEXT) {
      throw new InvalidWebhookSecretException("a webhook secret has at most " + MAX_TEXT
          + " characters, got " + text.length());
    }
    if (!text.startsWith(PREFIX)) {
      throw new InvalidWebhookSecretException("a webhook secret starts with " + PREFIX);
    }
    String b64 = text.substring(PREFIX.length());
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new InvalidWebhookSecretException("a webhook secret is " + PREFIX
          + " followed by standard base64; this one is not base64");
    }
    if (!Base64.getEncoder().encodeToString(key).equals(b64)) {
      Arrays.fill(key, (byte) 0);
      throw new InvalidWebhookSecretException("a webhook secret's base64 must be canonical"
          + " (padded, no spare bits)");
    }
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      int n = key.length;
      Arrays.fill(key, (byte) 0);
      throw new InvalidWebhookSecretException("a webhook secret has " + MIN_BYTES + ".."
          + MAX_BYTES + " key bytes, got " + n);
    }
    return new WebhookSecret(key);
  }

  /**
   * A secret of the given key bytes (copied), e.g. as opened from its sealed form.
   *
   * @param key {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes
   * @return the secret
   * @throws InvalidWebhookSecretException when the length is out of range
   */
  public static WebhookSecret ofKey(byte[] key) {
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      throw new InvalidWebhookSecretException("a webhook secret has " + MIN_BYTES + ".."
          + MAX_BYTES + " key bytes, got " + key.length);
    }
    return new WebhookSecret(key.clone());
  }

  /**
   * The secret's text form, {@code whsec_…}: show it to its owner once, never log it.
   *
   * @return the text form
   */
  public String reveal() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The key bytes, not copied: callers in this package never change or keep them. */
  byte[] key() {
    return key;
  }

  /**
   * How many key bytes the secret has.
   *
   * @return 24..64
   */
  public int length() {
    return key.length;
  }

  /**
   * Content equality, compared in constant time.
   *
   * @param o another object
   * @return whether it is a secret of the same key bytes
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret s && MessageDigest.isEqual(key, s.key);
  }

  @Override
  public int hashCode() {
    return key.length;
  }

  @Override
  public String toString() {
    return "WebhookSecret[<masked>]";
  }
}
