package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import java.util.Objects;

/**
 * What happened to one event of an append.
 *
 * @param event the stored event: the new one, or the original for an idempotent replay
 * @param created {@code true} when this call appended it; {@code false} when an earlier call
 *     with the same idempotency key and body already had
 */
public record AppendOutcome(AuditEvent event, boolean created) {
  /**
   * Validates the outcome.
   *
   * @param event the stored event: the new one, or the original for an idempotent replay
   * @param created {@code true} when this call appended it; {@code false} when an earlier call
   *     with the same idempotency key and body already had
   */
  public AppendOutcome {
    Objects.requireNonNull(event, "event");
  }
}
