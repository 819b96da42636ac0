package io.hyrelog.spi;

import io.hyrelog.webhook.DeliveryStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A position in one endpoint's deliveries ({@link WebhookStore#deliveries}: seq descending),
 * for the stores' opaque {@code nextCursor}. It names the endpoint and the status filter of the
 * page it continues, so a cursor passed with another endpoint or filter is refused, and it
 * carries a check value, so an edited cursor is refused too. Like {@link EventCursor} it holds
 * no tenant: the company comes from the caller, so a forged cursor can at most move within the
 * caller's own deliveries.
 *
 * @param endpointId the endpoint whose deliveries are paged
 * @param status the page's status filter, or empty
 * @param seq the seq of the last delivery returned; the next page starts below it
 */
public record DeliveryCursor(UUID endpointId, Optional<DeliveryStatus> status, long seq) {
  private static final String VERSION = "d1";
  private static final int MAX_TEXT = 160;

  /**
   * Validates the position.
   *
   * @param endpointId the endpoint
   * @param status the status filter, or empty
   * @param seq at least 1
   */
  public DeliveryCursor {
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(status, "status");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
  }

  /**
   * The opaque text form.
   *
   * @return a URL-safe text of at most 160 characters
   */
  public String encode() {
    String body = body(endpointId, status, seq);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        (body + "." + check(body)).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Decodes {@link #encode()}'s output for a page of {@code endpointId} with {@code status}.
   *
   * @param text the text a client sent
   * @param endpointId the endpoint of the page asked for
   * @param status the status filter of the page asked for
   * @return the cursor
   * @throws InvalidCursorException when {@code text} is not a cursor this code issued, was
   *     changed, or belongs to another endpoint or filter
   */
  public static DeliveryCursor decode(String text, UUID endpointId,
      Optional<DeliveryStatus> status) {
    Objects.requireNonNull(text, "cursor");
    DeliveryCursor c;
    try {
      if (text.length() > MAX_TEXT) {
        throw new IllegalArgumentException("too long");
      }
      String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
      int dot = raw.lastIndexOf('.');
      String body = raw.substring(0, Math.max(dot, 0));
      if (dot < 0 || !MessageDigest.isEqual(check(body).getBytes(StandardCharsets.US_ASCII),
          raw.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
        throw new IllegalArgumentException("check value");
      }
      String[] parts = body.split("\\.", -1);
      if (parts.length != 4 || !parts[0].equals(VERSION)) {
        throw new IllegalArgumentException("wrong shape");
      }
      c = new DeliveryCursor(UUID.fromString(parts[1]), parts[2].equals("*")
          ? Optional.empty() : Optional.of(DeliveryStatus.valueOf(parts[2])),
          Long.parseLong(parts[3]));
      if (!body.equals(body(c.endpointId(), c.status(), c.seq()))) {
        throw new IllegalArgumentException("non-canonical");
      }
    } catch (RuntimeException e) {
      throw new InvalidCursorException("invalid cursor: pass back the nextCursor of a previous"
          + " page unchanged, or omit it");
    }
    if (!c.endpointId().equals(endpointId) || !c.status().equals(status)) {
      throw new InvalidCursorException("the cursor belongs to another endpoint or status"
          + " filter: pass it back with the request that returned it, or omit it");
    }
    return c;
  }

  private static String body(UUID endpointId, Optional<DeliveryStatus> status, long seq) {
    return VERSION + "." + endpointId + "." + status.map(Enum::name).orElse("*") + "." + seq;
  }

  // Catches edits, not forgery (the scope is the caller's anyway): 8 bytes of SHA-256.
  private static String check(String body) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(
          body.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
