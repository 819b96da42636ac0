package io.hyrelog.compliance.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PeriodEventsTest {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryEventStore store = new InMemoryEventStore();
  private final EventLog log = EventLog.builder(store).clock(clock).build();
  private final SampleEvents sample = new SampleEvents(5);
  private final WorkspaceRef a = SampleEvents.workspace(1, DataRegion.US);
  private final WorkspaceRef b = SampleEvents.workspace(2, DataRegion.US);

  /** Appends one event to {@code ws} at minute {@code minute} after T0. */
  private void at(WorkspaceRef ws, int minute) {
    clock.set(T0.plus(Duration.ofMinutes(minute)));
    log.append(ws, sample.next(clock.instant()));
  }

  private List<AuditEvent> chain(WorkspaceRef ws) {
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.toList();
    }
  }

  private static List<AuditEvent> drain(PeriodEvents p) {
    List<AuditEvent> out = new ArrayList<>();
    p.forEachRemaining(out::add);
    return out;
  }

  private static Instant minute(int m) {
    return T0.plus(Duration.ofMinutes(m));
  }

  @Test
  void events_ofThePeriodOnly_withTheRootOfEachChainAtItsLastSeq() {
    for (int m = 0; m < 10; m++) {
      at(a, m);
      at(b, m);
    }
    List<AuditEvent> chainA = chain(a);
    try (PeriodEvents p = PeriodEvents.of(minute(3), minute(7), List.of(
        () -> chain(a).stream(), () -> chain(b).stream()))) {
      List<AuditEvent> got = drain(p);
      assertThat(got).extracting(AuditEvent::seq).containsExactly(4L, 5L, 6L, 7L, 4L, 5L, 6L,
          7L);
      MerkleTree t = new MerkleTree();
      chainA.subList(0, 7).forEach(e -> t.append(e.hash()));
      assertThat(p.root(a.workspaceId(), 7)).isEqualTo(t.root());
      assertThatThrownBy(() -> p.root(a.workspaceId(), 6))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 7");
    }
  }

  @Test
  void clockStepBack_eventCountsAtTheLatestTimeBeforeIt_rangeStaysContiguous() {
    at(a, 1);
    at(a, 5);
    at(a, 2); // a writer whose clock is behind: recorded before the period's start
    at(a, 6);
    at(a, 9);
    try (PeriodEvents p = PeriodEvents.of(minute(4), minute(8), List.of(
        () -> chain(a).stream()))) {
      assertThat(drain(p)).extracting(AuditEvent::seq).containsExactly(2L, 3L, 4L);
    }
  }

  @Test
  void chainWithoutEventsInThePeriod_givesNothingAndNoRoot() {
    at(a, 1);
    at(a, 9);
    try (PeriodEvents p = PeriodEvents.of(minute(3), minute(7), List.of(
        () -> chain(a).stream()))) {
      assertThat(drain(p)).isEmpty();
      assertThatThrownBy(() -> p.root(a.workspaceId(), 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readingStopsAtThePeriodsEnd_andClosesTheChainsStream() {
    for (int m = 0; m < 50; m++) {
      at(a, m);
    }
    AtomicInteger read = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    Supplier<Stream<AuditEvent>> counting = () -> chain(a).stream()
        .peek(e -> read.incrementAndGet()).onClose(closed::incrementAndGet);
    try (PeriodEvents p = PeriodEvents.of(minute(0), minute(10), List.of(counting))) {
      assertThat(drain(p)).hasSize(10);
      assertThat(closed).hasValue(1);
    }
    assertThat(read).hasValue(11);
  }

  @Test
  void aSeqGapInTheSource_fails() {
    for (int m = 0; m < 5; m++) {
      at(a, m);
    }
    List<AuditEvent> holed = new ArrayList<>(chain(a));
    holed.remove(2);
    try (PeriodEvents p = PeriodEvents.of(minute(0), minute(10), List.of(holed::stream))) {
      assertThatThrownBy(() -> drain(p)).isInstanceOf(HyrelogException.class)
          .hasMessageContaining("seq 4 where 3 was expected");
    }
  }

  @Test
  void chainReadFromALaterSeq_sameEventsNoRoot() {
    for (int m = 0; m < 10; m++) {
      at(a, m);
    }
    List<AuditEvent> all = chain(a);
    try (PeriodEvents p = PeriodEvents.ofChains(minute(5), minute(8), List.of(
        new PeriodEvents.Chain(4, () -> all.subList(3, 10).stream())))) {
      assertThat(drain(p)).extracting(AuditEvent::seq).containsExactly(6L, 7L, 8L);
      assertThatThrownBy(() -> p.root(a.workspaceId(), 8))
          .isInstanceOf(IllegalArgumentException.class);
    }
    try (PeriodEvents p = PeriodEvents.ofChains(minute(5), minute(8), List.of(
        new PeriodEvents.Chain(4, () -> all.subList(4, 10).stream())))) {
      assertThatThrownBy(() -> drain(p)).isInstanceOf(HyrelogException.class)
          .hasMessageContaining("seq 5 where 4 was expected");
    }
  }

  @Test
  void emptyOrReversedPeriod_isRejected() {
    assertThatThrownBy(() -> PeriodEvents.of(T0, T0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
