package io.hyrelog.spi;

import io.hyrelog.HyrelogException;
import java.time.Duration;
import java.util.Objects;

/**
 * The store cannot tell whether an append committed: the connection failed during its commit,
 * or the commit was not confirmed in time. The batch is either wholly stored or not at all
 * (never in part); retrying with the same idempotency keys answers which, without duplicates
 * (HTTP 504 with {@code Retry-After}). Events sent without a key cannot be recognized on retry.
 */
public final class AppendOutcomeUnknownException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** How long the caller should wait before retrying. */
  private final Duration retryAfter;

  /**
   * An append whose result is unknown (for example the connection broke at commit).
   *
   * @param message what happened, with chain and batch size
   * @param retryAfter how long the caller should wait before retrying (with the same
   *     idempotency keys)
   * @param cause the storage's own failure
   */
  public AppendOutcomeUnknownException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /**
   * How long the caller should wait before retrying.
   *
   * @return the wait, not negative
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
