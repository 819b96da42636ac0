package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import java.util.List;

/**
 * One page of a query.
 *
 * @param events at most the query's limit, in query order
 * @param nextCursor where the next page starts, or {@code null} when this is the last page
 */
public record EventPage(List<AuditEvent> events, EventCursor nextCursor) {
  /**
   * Copies the events.
   *
   * @param events at most the query's limit, in query order
   * @param nextCursor where the next page starts, or {@code null} when this is the last page
   */
  public EventPage {
    events = List.copyOf(events);
  }
}
