package io.hyrelog.webhook;

import io.hyrelog.webhook.WebhookVerificationException.Reason;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a received delivery, receiver side: the Standard Webhooks headers {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature} against the body, with one or more
 * secrets (during a rotation, the new and the old one). A delivery verifies when its timestamp
 * lies within the tolerance of the clock (so an old delivery cannot be replayed) and one of its
 * {@code v1} signatures matches one of the secrets, compared in constant time. Entries of other
 * versions are ignored, as the specification asks.
 *
 * <p>Header values are bounded: at most {@value #MAX_SIGNATURE_HEADER} characters and {@value
 * #MAX_SIGNATURES} entries in {@code webhook-signature}. Receivers should also drop duplicates by
 * {@code webhook-id}: deliveries are at least once.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookVerifier {
  /** The default tolerance: five minutes either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  /** The longest {@code webhook-signature} value read, in characters. */
  public static final int MAX_SIGNATURE_HEADER = 4096;
  /** The most space-separated entries read from {@code webhook-signature}. */
  public static final int MAX_SIGNATURES = 16;
  /** The longest {@code webhook-timestamp} value read, in characters. */
  static final int MAX_TIMESTAMP = 12;
  private static final int MAC_BYTES = 32;
  private static final int MAC_BASE64 = 44;

  private final List<WebhookSecret> secrets;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(Builder b) {
    this.secrets = List.copyOf(b.secrets);
    this.tolerance = b.tolerance;
    this.clock = b.clock;
  }

  /**
   * A new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What a verified delivery said about itself.
   *
   * @param id its {@code webhook-id}
   * @param timestamp its {@code webhook-timestamp}
   */
  public record Verified(String id, Instant timestamp) {
    /**
     * Validates the values.
     *
     * @param id the {@code webhook-id}
     * @param timestamp the {@code webhook-timestamp}
     */
    public Verified {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(timestamp, "timestamp");
    }
  }

  /**
   * Verifies one received delivery.
   *
   * @param headers the request's headers; names are matched case-insensitively (two names that
   *     differ only in case must carry the same value)
   * @param body the exact body received
   * @return the delivery's id and timestamp
   * @throws WebhookVerificationException when it does not verify (see its reason)
   */
  public Verified verify(Map<String, String> headers, byte[] body) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    String id = header(headers, WebhookSigner.ID, Reason.BAD_ID);
    String ts = header(headers, WebhookSigner.TIMESTAMP, Reason.BAD_TIMESTAMP);
    String sig = header(headers, WebhookSigner.SIGNATURE, Reason.MALFORMED_SIGNATURE);
    if (!WebhookSigner.validId(id)) {
      throw new WebhookVerificationException(Reason.BAD_ID, WebhookSigner.ID + " must be 1.."
          + WebhookSigner.MAX_ID + " printable ASCII characters without '.', got "
          + id.length() + " characters");
    }
    long seconds = seconds(ts);
    Instant at = Instant.ofEpochSecond(seconds);
    Instant now = clock.instant();
    if (at.isBefore(now.minus(tolerance))) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_OLD, "the delivery was"
          + " signed at " + seconds + ", " + Duration.between(at, now).toSeconds()
          + " s before now (" + now.getEpochSecond() + "), beyond the tolerance of "
          + tolerance.toSeconds() + " s");
    }
    if (at.isAfter(now.plus(tolerance))) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_NEW, "the delivery was"
          + " signed at " + seconds + ", " + Duration.between(now, at).toSeconds()
          + " s after now (" + now.getEpochSecond() + "), beyond the tolerance of "
          + tolerance.toSeconds() + " s");
    }
    List<byte[]> candidates = v1Signatures(sig);
    String prefix = id + "." + seconds + ".";
    boolean match = false;
    for (WebhookSecret s : secrets) {
      byte[] expected = WebhookSigner.mac(s, prefix, body);
      for (byte[] c : candidates) {
        match |= MessageDigest.isEqual(expected, c);
      }
    }
    if (!match) {
      throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE, "none of the "
          + candidates.size() + " v1 signatures matches any of the " + secrets.size()
          + " secrets: a wrong secret, or the id, timestamp or body was changed");
    }
    return new Verified(id, at);
  }

  /** The header's value; two spellings with different values are refused with {@code dup}. */
  private static String header(Map<String, String> headers, String name, Reason dup) {
    String found = null;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name)
          && e.getValue() != null) {
        if (found != null && !found.equals(e.getValue())) {
          throw new WebhookVerificationException(dup, name + " is given twice with different"
              + " values");
        }
        found = e.getValue();
      }
    }
    if (found == null || found.isEmpty()) {
      throw new WebhookVerificationException(Reason.MISSING_HEADER, "the delivery has no "
          + name + " header");
    }
    return found;
  }

  private static long seconds(String ts) {
    if (ts.length() > MAX_TIMESTAMP) {
      throw new WebhookVerificationException(Reason.BAD_TIMESTAMP, WebhookSigner.TIMESTAMP
          + " must be Unix seconds of at most " + MAX_TIMESTAMP + " digits, got "
          + ts.length() + " characters");
    }
    for (int i = 0; i < ts.length(); i++) {
      char c = ts.charAt(i);
      if (c < '0' || c > '9') {
        throw new WebhookVerificationException(Reason.BAD_TIMESTAMP, WebhookSigner.TIMESTAMP
            + " must be Unix seconds (digits only)");
      }
    }
    return Long.parseLong(ts);
  }

  /** The decoded {@code v1} entries; other versions are skipped. */
  private static List<byte[]> v1Signatures(String header) {
    if (header.length() > MAX_SIGNATURE_HEADER) {
      throw malformed("is " + header.length() + " characters, more than "
          + MAX_SIGNATURE_HEADER);
    }
    String[] entries = header.trim().split(" +");
    if (entries.length > MAX_SIGNATURES) {
      throw malformed("has " + entries.length + " entries, more than " + MAX_SIGNATURES);
    }
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i];
      int comma = e.indexOf(',');
      if (comma < 1 || comma == e.length() - 1) {
        throw malformed("entry " + (i + 1) + " is not <version>,<signature>");
      }
      if (!e.startsWith("v1,")) {
        continue;
      }
      if (e.length() != 3 + MAC_BASE64) {
        throw malformed("entry " + (i + 1) + " is not the padded base64 of " + MAC_BYTES
            + " bytes");
      }
      byte[] mac;
      try {
        mac = Base64.getDecoder().decode(e.substring(3));
      } catch (IllegalArgumentException x) {
        throw malformed("entry " + (i + 1) + " is not base64");
      }
      if (mac.length != MAC_BYTES) {
        throw malformed("entry " + (i + 1) + " has " + mac.length + " bytes, not "
            + MAC_BYTES);
      }
      out.add(mac);
    }
    if (out.isEmpty()) {
      throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE,
          WebhookSigner.SIGNATURE + " has no v1 signature");
    }
    return out;
  }

  private static WebhookVerificationException malformed(String what) {
    return new WebhookVerificationException(Reason.MALFORMED_SIGNATURE,
        WebhookSigner.SIGNATURE + " " + what);
  }

  @Override
  public String toString() {
    return "WebhookVerifier[" + secrets.size() + " secrets, tolerance " + tolerance + "]";
  }

  /** Builds a {@link WebhookVerifier}; not thread-safe. */
  public static final class Builder {
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private Duration tolerance = DEFAULT_TOLERANCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Adds a secret a delivery may be signed with (repeat for a rotation: new and old).
     *
     * @param secret the secret
     * @return this builder
     * @throws IllegalArgumentException when {@value WebhookSigner#MAX_SECRETS} are given already
     */
    public Builder secret(WebhookSecret secret) {
      Objects.requireNonNull(secret, "secret");
      if (secrets.size() == WebhookSigner.MAX_SECRETS) {
        throw new IllegalArgumentException("secret: at most " + WebhookSigner.MAX_SECRETS
            + " secrets");
      }
      secrets.add(secret);
      return this;
    }

    /**
     * How far a delivery's timestamp may lie from the clock, either way.
     *
     * @param tolerance 1 second to 1 day
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder tolerance(Duration tolerance) {
      Objects.requireNonNull(tolerance, "tolerance");
      if (tolerance.compareTo(Duration.ofSeconds(1)) < 0
          || tolerance.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("tolerance must be 1 s..1 day, got " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /**
     * The clock the timestamp is compared with (default: the system's UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The verifier.
     *
     * @return the verifier
     * @throws IllegalStateException when no secret was given
     */
    public WebhookVerifier build() {
      if (secrets.isEmpty()) {
        throw new IllegalStateException("a webhook verifier needs at least one secret");
      }
      return new WebhookVerifier(this);
    }
  }
}
