package io.hyrelog.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * What one delivery attempt got back.
 *
 * @param statusCode the HTTP status, or 0 when there was no HTTP answer (refused address,
 *     connection, TLS or timeout failure)
 * @param duration how long the attempt took
 * @param errorClass a short stable name of the failure when there was no HTTP answer (e.g.
 *     {@code ADDRESS_REFUSED}, {@code CONNECT_TIMEOUT}, {@code TIMEOUT}, {@code TLS},
 *     {@code CONNECTION}, {@code DNS}), else empty
 * @param excerpt at most {@value #MAX_EXCERPT} characters of the response body (no headers),
 *     else empty
 */
public record WebhookResponse(int statusCode, Duration duration, String errorClass,
    String excerpt) {
  /** The most characters of a response body kept. */
  public static final int MAX_EXCERPT = 1024;

  /**
   * Validates the response and cuts the excerpt to {@value #MAX_EXCERPT} characters.
   *
   * @param statusCode the HTTP status (100..599), or 0 when there was no HTTP answer
   * @param duration how long the attempt took, not negative
   * @param errorClass the failure's name when {@code statusCode} is 0, else empty
   * @param excerpt the start of the response body, or empty
   */
  public WebhookResponse {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(errorClass, "errorClass");
    Objects.requireNonNull(excerpt, "excerpt");
    if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException("statusCode must be 0 or 100..599, got " + statusCode);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative");
    }
    if ((statusCode == 0) == errorClass.isEmpty()) {
      throw new IllegalArgumentException("an errorClass is given exactly when there was no"
          + " HTTP answer (statusCode 0)");
    }
    if (excerpt.length() > MAX_EXCERPT) {
      excerpt = excerpt.substring(0, MAX_EXCERPT);
    }
  }

  /**
   * Whether the attempt succeeded: a 2xx answer.
   *
   * @return true for 200..299
   */
  public boolean succeeded() {
    return statusCode >= 200 && statusCode <= 299;
  }
}
