package io.hyrelog.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A run of one endpoint's deliveries a worker holds a lease on: consecutive PENDING deliveries
 * from the endpoint's lowest pending seq, in seq order, each due and unleased when claimed.
 *
 * @param endpoint the endpoint
 * @param secrets the endpoint's secrets, sealed
 * @param deliveries the run, seq ascending, at least one
 * @param leaseUntil until when no other worker claims any of them
 */
public record ClaimedRun(WebhookEndpoint endpoint, WebhookSecrets secrets,
    List<WebhookDelivery> deliveries, Instant leaseUntil) {
  /**
   * Validates the run.
   *
   * @param endpoint the endpoint
   * @param secrets its secrets
   * @param deliveries one or more of the endpoint's deliveries, seq strictly ascending
   * @param leaseUntil the end of the lease
   */
  public ClaimedRun {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    deliveries = List.copyOf(deliveries);
    if (deliveries.isEmpty()) {
      throw new IllegalArgumentException("a run has at least one delivery");
    }
    long seq = 0;
    for (WebhookDelivery d : deliveries) {
      if (!d.endpointId().equals(endpoint.id())) {
        throw new IllegalArgumentException("delivery " + d.id() + " is not of endpoint "
            + endpoint.id());
      }
      if (d.seq() <= seq) {
        throw new IllegalArgumentException("a run's seqs ascend strictly, got " + d.seq()
            + " after " + seq);
      }
      seq = d.seq();
    }
  }

  /**
   * The run's deliveries one by one, as single claims.
   *
   * @return one claim per delivery, in seq order
   */
  public List<ClaimedDelivery> claims() {
    return deliveries.stream().map(d -> new ClaimedDelivery(d, endpoint, secrets, leaseUntil))
        .toList();
  }
}
