package io.hyrelog.webhook;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An attempt of a claimed delivery and the delivery's state after it, as a worker records it
 * ({@link io.hyrelog.spi.WebhookStore#completeRun}).
 *
 * @param deliveryId the delivery
 * @param attempt the attempt (its number is the delivery's attempts + 1)
 * @param next SUCCEEDED exactly when the attempt succeeded (a 2xx answer); else FAILED, or
 *     PENDING with {@code nextAttemptAt}
 * @param nextAttemptAt the next attempt's time when {@code next} is PENDING, else empty
 */
public record DeliveryOutcome(UUID deliveryId, DeliveryAttempt attempt, DeliveryStatus next,
    Optional<Instant> nextAttemptAt) {
  /** The longest error class of an attempt, in characters. */
  public static final int MAX_ERROR_CLASS = 100;

  /**
   * Validates the outcome.
   *
   * @param deliveryId the delivery
   * @param attempt the attempt
   * @param next the next status
   * @param nextAttemptAt the next attempt's time
   * @throws IllegalArgumentException when {@code next} does not fit the attempt's outcome or
   *     {@code nextAttemptAt}, or the error class is longer than {@value
   *     #MAX_ERROR_CLASS} characters
   */
  public DeliveryOutcome {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    if ((next == DeliveryStatus.PENDING) != nextAttemptAt.isPresent()) {
      throw new IllegalArgumentException("nextAttemptAt is given exactly when next is PENDING");
    }
    if (attempt.response().errorClass().length() > MAX_ERROR_CLASS) {
      throw new IllegalArgumentException("the attempt's errorClass must be at most "
          + MAX_ERROR_CLASS + " characters, got "
          + attempt.response().errorClass().length());
    }
    if ((next == DeliveryStatus.SUCCEEDED) != attempt.response().succeeded()) {
      throw new IllegalArgumentException("next is SUCCEEDED exactly when the attempt got a 2xx"
          + " answer (status " + attempt.response().statusCode() + ", next " + next + ")");
    }
  }
}
