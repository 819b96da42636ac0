package io.hyrelog.webhook;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One event to deliver to one endpoint. Its {@code id} is the Standard Webhooks {@code
 * webhook-id}: the same on every attempt, so receivers can drop duplicates.
 *
 * @param id the delivery's id
 * @param endpointId the endpoint
 * @param companyId the endpoint's company
 * @param workspaceId the event's chain
 * @param eventId the event's id
 * @param seq the event's seq in its chain (deliveries of one endpoint are attempted in seq order)
 * @param status where it stands
 * @param attempts how many attempts were made, 0 or more
 * @param nextAttemptAt when the next attempt is due (PENDING only)
 * @param lastAttemptAt when the last attempt was made, if any
 * @param lastStatusCode the HTTP status of the last attempt (0 when it had no HTTP answer), if any
 * @param createdAt when the event was appended (and the delivery written)
 */
public record WebhookDelivery(
    UUID id,
    UUID endpointId,
    UUID companyId,
    UUID workspaceId,
    UUID eventId,
    long seq,
    DeliveryStatus status,
    int attempts,
    Optional<Instant> nextAttemptAt,
    Optional<Instant> lastAttemptAt,
    Optional<Integer> lastStatusCode,
    Instant createdAt) {
  /**
   * Validates the delivery.
   *
   * @param id the delivery's id
   * @param endpointId the endpoint
   * @param companyId the endpoint's company
   * @param workspaceId the event's chain
   * @param eventId the event's id
   * @param seq the event's seq, at least 1
   * @param status where it stands
   * @param attempts 0 or more
   * @param nextAttemptAt present exactly when PENDING
   * @param lastAttemptAt present exactly when {@code attempts > 0}
   * @param lastStatusCode present exactly when {@code attempts > 0}
   * @param createdAt when it was written
   */
  public WebhookDelivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
    Objects.requireNonNull(lastStatusCode, "lastStatusCode");
    Objects.requireNonNull(createdAt, "createdAt");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
    }
    if (nextAttemptAt.isPresent() != (status == DeliveryStatus.PENDING)) {
      throw new IllegalArgumentException("nextAttemptAt is present exactly when PENDING");
    }
    if (lastAttemptAt.isPresent() != (attempts > 0)
        || lastStatusCode.isPresent() != (attempts > 0)) {
      throw new IllegalArgumentException("lastAttemptAt and lastStatusCode are present exactly"
          + " when attempts > 0");
    }
  }
}
