package io.hyrelog.webhook;

import java.util.List;
import java.util.Optional;

/**
 * One page of an endpoint's deliveries, newest first.
 *
 * @param deliveries at most the page's limit
 * @param nextCursor an opaque cursor for the next page, or empty on the last page
 */
public record DeliveryPage(List<WebhookDelivery> deliveries, Optional<String> nextCursor) {
  /**
   * Copies the deliveries.
   *
   * @param deliveries the page's deliveries
   * @param nextCursor the next page's cursor, or empty
   */
  public DeliveryPage {
    deliveries = List.copyOf(deliveries);
    java.util.Objects.requireNonNull(nextCursor, "nextCursor");
  }
}
