package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.ForwardingEventStore;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.SampleEvents;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Paged reads: the same events as one read, with no store stream open while the caller holds
 * an event (so a slow client holds no connection), and a purge between pages fails the read
 * instead of skipping events.
 */
class PagedEventStoreTest {
  private final WorkspaceRef ws = SampleEvents.workspace(8, DataRegion.US);
  private final EventScope chain = EventScope.of(ws);
  private final InMemoryEventStore memory = new InMemoryEventStore();
  private final Tracking store = new Tracking(memory);

  private void append(int n) {
    SampleEvents samples = new SampleEvents(8);
    EventLog log = EventLog.builder(memory).build();
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(samples.next(null));
    }
    log.appendBatch(ws, batch);
  }

  @Test
  void read_manyPages_sameEventsAsOneRead_withNoStoreStreamOpenBetweenEvents() {
    append(300);
    PagedEventStore paged = new PagedEventStore(store, 128);
    List<Long> seqs = new ArrayList<>();
    try (Stream<AuditEvent> s = paged.read(chain, 5, Long.MAX_VALUE)) {
      for (Iterator<AuditEvent> it = s.iterator(); it.hasNext(); ) {
        seqs.add(it.next().seq());
        assertThat(store.open.get()).as("store streams open while the caller holds an event")
            .isZero();
      }
    }
    assertThat(seqs).hasSize(296).first().isEqualTo(5L);
    assertThat(seqs).last().isEqualTo(300L);
    assertThat(store.reads.get()).isEqualTo(3); // 5.., 133..260, 261..388 (short: the end)
  }

  @Test
  void read_boundedRange_stopsAtToSeq() {
    append(300);
    try (Stream<AuditEvent> s = new PagedEventStore(store, 100).read(chain, 1, 250)) {
      assertThat(s.map(AuditEvent::seq).toList()).hasSize(250).last().isEqualTo(250L);
    }
  }

  @Test
  void read_prefixPurgedBetweenPages_failsInsteadOfSkipping() {
    append(300);
    PagedEventStore paged = new PagedEventStore(store, 100);
    try (Stream<AuditEvent> s = paged.read(chain, 1, Long.MAX_VALUE)) {
      Iterator<AuditEvent> it = s.iterator();
      for (int i = 0; i < 100; i++) {
        it.next();
      }
      store.purgedThrough.set(150); // archival purges 1..150 while the client reads page 1
      assertThatThrownBy(it::next).isInstanceOf(PagedEventStore.ChainPurgedException.class)
          .hasMessageContaining("seqs from 101");
    }
  }

  @Test
  void read_purgedThroughTheHeadBetweenPages_fails() {
    append(200);
    try (Stream<AuditEvent> s = new PagedEventStore(store, 100).read(chain, 1, 1000)) {
      Iterator<AuditEvent> it = s.iterator();
      for (int i = 0; i < 100; i++) {
        it.next();
      }
      store.purgedThrough.set(200);
      assertThatThrownBy(it::hasNext).isInstanceOf(PagedEventStore.ChainPurgedException.class);
    }
  }

  @Test
  void read_purgedPrefixBeforeTheRead_startsAtTheFirstStoredSeq() {
    append(300);
    store.purgedThrough.set(120);
    try (Stream<AuditEvent> s = new PagedEventStore(store, 100).read(chain, 1, 1000)) {
      assertThat(s.map(AuditEvent::seq).toList()).hasSize(180).first().isEqualTo(121L);
    }
  }

  @Test
  void tree_isTheStoresStoredTree() {
    append(3);
    assertThat(memory.tree()).isPresent();
    assertThat(new PagedEventStore(store, 2).tree()).containsSame(memory.tree().get());
  }

  @Test
  void webhooks_isTheStoresWebhookStore() {
    assertThat(memory.webhooks()).isPresent();
    assertThat(new PagedEventStore(store, 2).webhooks()).containsSame(memory.webhooks().get());
  }

  /** A store that counts its open streams and reads, and can hide a purged prefix. */
  private static final class Tracking extends ForwardingEventStore {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicLong purgedThrough = new AtomicLong();

    Tracking(EventStore store) {
      super(store);
    }

    @Override
    public Stream<AuditEvent> read(EventScope c, long fromSeq, long toSeq) {
      open.incrementAndGet();
      reads.incrementAndGet();
      long purged = purgedThrough.get();
      return delegate().read(c, fromSeq, toSeq).filter(e -> e.seq() > purged)
          .onClose(open::decrementAndGet);
    }
  }
}
