package io.hyrelog.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs one delivery attempt: the headers sent with its body.
 *
 * <ul>
 *   <li>Standard Webhooks: {@code webhook-id} (the delivery's id), {@code webhook-timestamp}
 *       (Unix seconds) and {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256(key,
 *       "{id}.{timestamp}.{body}")>} for each secret, current first, space-separated;
 *   <li>the seed's headers: {@code x-hyrelog-timestamp} (the same seconds) and {@code
 *       x-hyrelog-signature: v1=<hex HMAC-SHA256(key, "{timestamp}.{body}")>} with the current
 *       secret only. Unlike the seed's, this signature covers the timestamp.
 * </ul>
 * The key is the secret's decoded bytes. Immutable and thread-safe.
 */
public final class WebhookSigner {
  /** The Standard Webhooks id header. */
  public static final String ID = "webhook-id";
  /** The Standard Webhooks timestamp header (Unix seconds). */
  public static final String TIMESTAMP = "webhook-timestamp";
  /** The Standard Webhooks signature header. */
  public static final String SIGNATURE = "webhook-signature";
  /** The seed's timestamp header (Unix seconds). */
  public static final String SEED_TIMESTAMP = "x-hyrelog-timestamp";
  /** The seed's signature header. */
  public static final String SEED_SIGNATURE = "x-hyrelog-signature";
  /** The most secrets that sign one delivery (a rotation has two). */
  public static final int MAX_SECRETS = 8;
  /** The longest delivery id accepted, in characters. */
  public static final int MAX_ID = 256;

  private final List<WebhookSecret> secrets;

  private WebhookSigner(List<WebhookSecret> secrets) {
    this.secrets = secrets;
  }

  /**
   * A signer with the current secret and, during a rotation, the previous ones.
   *
   * @param current the current secret (also signs the seed's header)
   * @param previous secrets that still sign, in order
   * @return the signer
   * @throws IllegalArgumentException when more than {@value #MAX_SECRETS} secrets are given
   */
  public static WebhookSigner of(WebhookSecret current, List<WebhookSecret> previous) {
    Objects.requireNonNull(current, "current");
    if (previous.size() + 1 > MAX_SECRETS) {
      throw new IllegalArgumentException("at most " + MAX_SECRETS + " secrets sign a delivery,"
          + " got " + (previous.size() + 1));
    }
    List<WebhookSecret> all = new java.util.ArrayList<>(previous.size() + 1);
    all.add(current);
    all.addAll(previous);
    return new WebhookSigner(List.copyOf(all));
  }

  /**
   * A signer with one secret.
   *
   * @param current the secret
   * @return the signer
   */
  public static WebhookSigner of(WebhookSecret current) {
    return of(current, List.of());
  }

  /**
   * The headers of one attempt, in a fixed order, names in lower case.
   *
   * @param id the delivery's id: 1..{@value #MAX_ID} printable ASCII characters, no {@code .}
   * @param timestamp the attempt's time in Unix seconds, not negative
   * @param body the exact body sent
   * @return the five headers (unmodifiable)
   * @throws IllegalArgumentException when the id or timestamp is out of range
   */
  public Map<String, String> headers(String id, long timestamp, byte[] body) {
    requireId(id);
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0, got " + timestamp);
    }
    Objects.requireNonNull(body, "body");
    StringBuilder sig = new StringBuilder();
    for (WebhookSecret s : secrets) {
      if (!sig.isEmpty()) {
        sig.append(' ');
      }
      sig.append("v1,").append(Base64.getEncoder().encodeToString(
          mac(s, id + "." + timestamp + ".", body)));
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put(ID, id);
    h.put(TIMESTAMP, Long.toString(timestamp));
    h.put(SIGNATURE, sig.toString());
    h.put(SEED_TIMESTAMP, Long.toString(timestamp));
    h.put(SEED_SIGNATURE, "v1=" + HexFormat.of().formatHex(
        mac(secrets.get(0), timestamp + ".", body)));
    return java.util.Collections.unmodifiableMap(h);
  }

  /** HMAC-SHA256 under {@code secret}'s key of {@code prefix} (ASCII) then {@code body}. */
  static byte[] mac(WebhookSecret secret, String prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
      mac.update(prefix.getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("the JDK has no usable HmacSHA256", e);
    }
  }

  /** Checks a delivery id: what Standard Webhooks receivers can read back unambiguously. */
  static void requireId(String id) {
    Objects.requireNonNull(id, "id");
    if (!validId(id)) {
      throw new IllegalArgumentException("id must be 1.." + MAX_ID + " printable ASCII"
          + " characters without '.', got " + id.length() + " characters");
    }
  }

  static boolean validId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '.') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "WebhookSigner[" + secrets.size() + " secrets]";
  }
}
