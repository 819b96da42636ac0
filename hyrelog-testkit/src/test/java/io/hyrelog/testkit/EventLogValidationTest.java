package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.InvalidEventException;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** {@link EventLog}'s validation of a batch reports a bounded list of violations. */
class EventLogValidationTest {
  @Test
  void appendBatch_thousandInvalidEvents_twentyViolationsAndTheirTotal() {
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog log = EventLog.builder(store)
        .clock(new MutableClock(Instant.parse("2026-11-26T12:00:00Z"))).build();
    WorkspaceRef ws = SampleEvents.workspace(9, DataRegion.EU);
    NewEvent bad = NewEvent.builder("", "").build();

    assertThatThrownBy(() -> log.appendBatch(ws, Collections.nCopies(1000, bad)))
        .isInstanceOfSatisfying(InvalidEventException.class, e -> {
          assertThat(e.violations()).hasSize(20);
          assertThat(e.violations().get(0).field()).isEqualTo("/events/0/category");
          assertThat(e.violations().get(19).field()).isEqualTo("/events/9/action");
          assertThat(e.violationCount()).isEqualTo(2000);
          assertThat(e.getMessage()).hasSizeLessThan(2_000);
        });
    assertThat(store.head(EventScope.of(ws))).isEmpty();
  }
}
