package io.hyrelog.webhook;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * A delivery did not verify: refuse it (answer 400) and do not act on its body. {@link #reason()}
 * is stable, for programs; the message is for people and never shows a secret or the body.
 */
public final class WebhookVerificationException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** Why a delivery did not verify. The names are stable. */
  public enum Reason {
    /** {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} is missing. */
    MISSING_HEADER,
    /** {@code webhook-id} is not 1..256 printable ASCII characters without {@code .}. */
    BAD_ID,
    /** {@code webhook-timestamp} is not Unix seconds (digits only). */
    BAD_TIMESTAMP,
    /** The timestamp is older than the tolerance: a replay, or a clock far behind. */
    TIMESTAMP_TOO_OLD,
    /** The timestamp is further in the future than the tolerance. */
    TIMESTAMP_TOO_NEW,
    /** {@code webhook-signature} cannot be read (empty, too long, too many entries, a {@code
     * v1} entry that is not base64 of 32 bytes). */
    MALFORMED_SIGNATURE,
    /** No {@code v1} signature matches any of the verifier's secrets: a wrong secret, or the
     * id, timestamp or body was changed. */
    NO_MATCHING_SIGNATURE
  }

  /** Why the delivery did not verify. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason why
   * @param message the details, without secrets or body
   */
  public WebhookVerificationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the delivery did not verify.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
