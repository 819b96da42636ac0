package io.hyrelog.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A second, independent implementation of the Standard Webhooks signature (and of the seed's
 * {@code x-hyrelog-signature}), written for tests from the specification's text and sharing no
 * code with {@code io.hyrelog.webhook}: tests check what the library sends against it. Plain and
 * slow on purpose; never use it in production.
 */
public final class StandardWebhooksReference {
  private StandardWebhooksReference() {}

  /**
   * The signature {@code v1,<base64 HMAC-SHA256(key, id "." timestamp "." body)>}, the key being
   * the base64 after {@code whsec_}.
   *
   * @param secret the secret, {@code whsec_…}
   * @param id the {@code webhook-id}
   * @param timestamp the {@code webhook-timestamp} text
   * @param body the body
   * @return the signature entry
   */
  public static String sign(String secret, String id, String timestamp, byte[] body) {
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(id.getBytes(StandardCharsets.UTF_8));
    signed.write('.');
    signed.writeBytes(timestamp.getBytes(StandardCharsets.UTF_8));
    signed.write('.');
    signed.writeBytes(body);
    return "v1," + Base64.getEncoder().encodeToString(hmac(secret, signed.toByteArray()));
  }

  /**
   * The seed's header value, {@code v1=<hex HMAC-SHA256(key, timestamp "." body)>}.
   *
   * @param secret the secret, {@code whsec_…}
   * @param timestamp the {@code x-hyrelog-timestamp} text
   * @param body the body
   * @return the header value
   */
  public static String seedSign(String secret, String timestamp, byte[] body) {
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(timestamp.getBytes(StandardCharsets.UTF_8));
    signed.write('.');
    signed.writeBytes(body);
    return "v1=" + HexFormat.of().formatHex(hmac(secret, signed.toByteArray()));
  }

  /**
   * Whether one of the space-separated entries of {@code webhook-signature} is the signature of
   * the id, timestamp and body under {@code secret} (no time window: tests check it apart).
   *
   * @param secret the secret, {@code whsec_…}
   * @param headers the received headers (names in any case)
   * @param body the received body
   * @return true when an entry matches
   */
  public static boolean verifies(String secret, Map<String, String> headers, byte[] body) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    String id = h.get("webhook-id");
    String ts = h.get("webhook-timestamp");
    String sigs = h.get("webhook-signature");
    if (id == null || ts == null || sigs == null) {
      return false;
    }
    String expected = sign(secret, id, ts, body);
    for (String entry : sigs.split(" ")) {
      if (entry.equals(expected)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hmac(String secret, byte[] data) {
    if (!secret.startsWith("whsec_")) {
      throw new IllegalArgumentException("not a whsec_ secret");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)),
          "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
