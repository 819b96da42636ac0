package io.hyrelog.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * The record of one attempt of a delivery.
 *
 * @param number 1 for the first attempt, then 2, 3, …
 * @param at when it started
 * @param response what it got back
 */
public record DeliveryAttempt(int number, Instant at, WebhookResponse response) {
  /**
   * Validates the attempt.
   *
   * @param number at least 1
   * @param at when it started
   * @param response what it got back
   */
  public DeliveryAttempt {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(response, "response");
    if (number < 1) {
      throw new IllegalArgumentException("number must be >= 1, got " + number);
    }
  }
}
