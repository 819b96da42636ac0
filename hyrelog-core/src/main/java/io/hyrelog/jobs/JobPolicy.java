package io.hyrelog.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a job runs: how many attempts one run gets, how long each may take, how long to wait
 * before the first retry (doubling for each further retry), and its schedule, if it recurs.
 *
 * @param maxAttempts attempts per run, at least 1; a run that fails this many times is given up
 *     (a "poison" run: a recurring job then waits for its next scheduled time)
 * @param timeout how long one attempt may take before it is interrupted and counted as failed
 * @param retryDelay the wait before the first retry; each further retry waits twice as long
 * @param schedule when the job recurs; empty for jobs that only run on demand
 */
public record JobPolicy(int maxAttempts, Duration timeout, Duration retryDelay,
    Optional<JobSchedule> schedule) {
  /** The default wait before the first retry. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(30);

  /**
   * Validates the policy.
   *
   * @param maxAttempts attempts per run, at least 1; a run that fails this many times is given
   *     up (a "poison" run: a recurring job then waits for its next scheduled time)
   * @param timeout how long one attempt may take before it is interrupted and counted as failed
   * @param retryDelay the wait before the first retry; each further retry waits twice as long
   * @param schedule when the job recurs; empty for jobs that only run on demand
   */
  public JobPolicy {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("maxAttempts must be 1..100, got " + maxAttempts);
    }
    requirePositive("timeout", timeout);
    requirePositive("retryDelay", retryDelay);
    Objects.requireNonNull(schedule, "schedule");
  }

  /**
   * A policy without schedule and with the default retry delay.
   *
   * @param maxAttempts attempts in all, 1..100
   * @param timeout how long one attempt may run
   * @return the policy
   */
  public static JobPolicy of(int maxAttempts, Duration timeout) {
    return new JobPolicy(maxAttempts, timeout, DEFAULT_RETRY_DELAY, Optional.empty());
  }

  /**
   * A copy that recurs on {@code s}.
   *
   * @param s the schedule
   * @return the copy
   */
  public JobPolicy withSchedule(JobSchedule s) {
    return new JobPolicy(maxAttempts, timeout, retryDelay, Optional.of(
        Objects.requireNonNull(s, "schedule")));
  }

  /**
   * A copy with another first retry delay.
   *
   * @param d the delay
   * @return the copy
   */
  public JobPolicy withRetryDelay(Duration d) {
    return new JobPolicy(maxAttempts, timeout, d, schedule);
  }

  /**
   * The wait before attempt {@code nextAttempt} (2 or more): {@code retryDelay * 2^(n-2)}, at
   * most one day.
   *
   * @param nextAttempt the attempt's number, at least 2
   * @return the wait
   */
  public Duration backoff(int nextAttempt) {
    if (nextAttempt < 2) {
      throw new IllegalArgumentException("retries start at attempt 2, got " + nextAttempt);
    }
    Duration max = Duration.ofDays(1);
    int shift = Math.min(nextAttempt - 2, 30);
    Duration d = retryDelay;
    for (int i = 0; i < shift && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
