package io.hyrelog.spi;

import io.hyrelog.HyrelogException;
import java.time.Duration;
import java.util.Objects;

/**
 * The store is saturated — its bounded queue is full, or an append waited longer than the store
 * allows without being written: nothing was appended, and the same call may be retried
 * after {@link #retryAfter()} (HTTP 503 with {@code Retry-After}). Retrying with the same
 * idempotency keys is always safe.
 */
public final class StoreOverloadedException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** How long the caller should wait before retrying. */
  private final Duration retryAfter;

  /**
   * A store that is saturated; nothing was stored.
   *
   * @param message what was refused, with chain and batch size
   * @param retryAfter how long the caller should wait before retrying
   */
  public StoreOverloadedException(String message, Duration retryAfter) {
    super(message);
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
