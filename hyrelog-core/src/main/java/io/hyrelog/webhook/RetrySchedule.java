package io.hyrelog.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a failed delivery is tried again, exactly as the seed: attempt 1 at once, then 1 minute,
 * 5 minutes, 30 minutes and 6 hours after the previous attempt failed; after the {@value
 * #MAX_ATTEMPTS}th failed attempt the delivery is {@link DeliveryStatus#FAILED} for good (unless
 * retried by hand, which gives it one more attempt). An endpoint failing continuously for {@link
 * #DISABLE_AFTER} is disabled.
 */
public final class RetrySchedule {
  /** How many attempts a delivery gets. */
  public static final int MAX_ATTEMPTS = 5;
  /** The wait after failed attempt 1, 2, 3 and 4. */
  public static final List<Duration> DELAYS = List.of(Duration.ofMinutes(1),
      Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(6));
  /** How long an endpoint may fail without a success before it is disabled. */
  public static final Duration DISABLE_AFTER = Duration.ofDays(5);

  private RetrySchedule() {}

  /**
   * The time of the next attempt after attempt {@code attempt} failed at {@code failedAt}.
   *
   * @param attempt the failed attempt's number, at least 1
   * @param failedAt when it failed
   * @return the next attempt's time, or empty when the delivery has had its attempts
   */
  public static Optional<Instant> nextAttempt(int attempt, Instant failedAt) {
    Objects.requireNonNull(failedAt, "failedAt");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    if (attempt >= MAX_ATTEMPTS) {
      return Optional.empty();
    }
    return Optional.of(failedAt.plus(DELAYS.get(attempt - 1)));
  }
}
