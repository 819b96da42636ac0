package io.hyrelog;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The text form of an API key: {@code hlk_<region>_<type>_<secret>_<check>}, e.g.
 * {@code hlk_eu_ws_3kT9…_a81f2c}. The region and type let a server route a lookup to one
 * region's database without fanning out; the check (CRC-32 of everything before it, 6 base-36
 * digits) rejects mistyped or truncated keys before any lookup. The secret is 32 base-62
 * characters (about 190 bits). Keys are stored only as an HMAC under a server secret, never in
 * clear.
 *
 * @param region where the key's company lives
 * @param type workspace or company key
 * @param secret the random part
 */
public record ApiKeyToken(DataRegion region, ApiKeyType type, String secret) {
  private static final String PREFIX = "hlk_";
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int SECRET_LENGTH = 32;
  private static final int CHECK_LENGTH = 6;

  /**
   * Validates the secret's form.
   *
   * @param region where the key's company lives
   * @param type workspace or company key
   * @param secret the random part
   * @throws IllegalArgumentException when the secret is not 32 base-62 characters
   */
  public ApiKeyToken {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(secret, "secret");
    if (secret.length() != SECRET_LENGTH
        || !secret.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
      throw new IllegalArgumentException("an API key secret is 32 base-62 characters");
    }
  }

  /**
   * A new random key.
   *
   * @param region the region the key names
   * @param type the kind of key
   * @param random the source of the secret's characters
   * @return the new key
   */
  public static ApiKeyToken generate(DataRegion region, ApiKeyType type, Random random) {
    StringBuilder s = new StringBuilder(SECRET_LENGTH);
    for (int i = 0; i < SECRET_LENGTH; i++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return new ApiKeyToken(region, type, s.toString());
  }

  /**
   * A new key from a {@link SecureRandom}.
   *
   * @param region the region the key names
   * @param type the kind of key
   * @return the new key
   */
  public static ApiKeyToken generate(DataRegion region, ApiKeyType type) {
    return generate(region, type, new SecureRandom());
  }

  /**
   * Parses a key's text form, checking its checksum.
   *
   * @param text the key as a client sent it
   * @return the key
   * @throws IllegalArgumentException saying what is wrong, never echoing the key
   */
  public static ApiKeyToken parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a HyreLog API key (it starts with hlk_)");
    }
    String[] parts = text.split("_", -1);
    if (parts.length != 5) {
      throw new IllegalArgumentException(
          "malformed API key: expected hlk_<region>_<type>_<secret>_<check>");
    }
    DataRegion region = null;
    for (DataRegion r : DataRegion.values()) {
      if (r.code().equals(parts[1])) {
        region = r;
      }
    }
    ApiKeyType type = null;
    for (ApiKeyType t : ApiKeyType.values()) {
      if (t.code().equals(parts[2])) {
        type = t;
      }
    }
    if (region == null || type == null) {
      throw new IllegalArgumentException("malformed API key: unknown region or key type");
    }
    String body = text.substring(0, text.lastIndexOf('_'));
    if (!check(body).equals(parts[4])) {
      throw new IllegalArgumentException(
          "API key checksum does not match: the key was mistyped or truncated");
    }
    try {
      return new ApiKeyToken(region, type, parts[3]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed API key: " + e.getMessage());
    }
  }

  /**
   * The non-secret prefix shown in listings and logs, e.g. {@code hlk_eu_ws_3kT9}.
   *
   * @return the prefix: {@code hlk_}, region, type and the secret's first 4 characters
   */
  public String displayPrefix() {
    return PREFIX + region.code() + "_" + type.code() + "_" + secret.substring(0, 4);
  }

  /**
   * The full text form. Treat it as a secret.
   *
   * @return the key's text, {@code hlk_<region>_<type>_<secret>_<check>}
   */
  public String text() {
    String body = PREFIX + region.code() + "_" + type.code() + "_" + secret;
    return body + "_" + check(body);
  }

  private static String check(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    String s = Long.toString(crc.getValue(), 36);
    return "0".repeat(Math.max(0, CHECK_LENGTH - s.length())) + s;
  }

  /** Masked: never print a key. */
  @Override
  public String toString() {
    return displayPrefix() + "…<masked>";
  }
}
