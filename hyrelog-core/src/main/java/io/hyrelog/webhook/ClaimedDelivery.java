package io.hyrelog.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * A due delivery a worker holds a lease on, with what it needs to send it.
 *
 * @param delivery the delivery, as claimed
 * @param endpoint its endpoint
 * @param secrets the endpoint's secrets, sealed
 * @param leaseUntil until when no other worker claims it
 */
public record ClaimedDelivery(WebhookDelivery delivery, WebhookEndpoint endpoint,
    WebhookSecrets secrets, Instant leaseUntil) {
  /**
   * Validates the claim.
   *
   * @param delivery the delivery
   * @param endpoint its endpoint (same id as the delivery's)
   * @param secrets the endpoint's secrets
   * @param leaseUntil the end of the lease
   */
  public ClaimedDelivery {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    if (!delivery.endpointId().equals(endpoint.id())) {
      throw new IllegalArgumentException("the delivery is not of this endpoint");
    }
  }
}
