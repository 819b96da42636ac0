package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.testkit.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Closing drains what was queued; appends racing with close end either stored or refused. */
class CloseIT {
  @Test
  void close_whileAppending_everyCallEndsAndEveryAcknowledgedEventIsStored() throws Exception {
    WorkspaceRef ws = SampleEvents.workspace(61, DataRegion.EU);
    try (PostgresFixture.Database db = PostgresFixture.newDatabase()) {
      PostgresEventStore store = PostgresEventStore.builder(db.app()).build();
      EventLog log = EventLog.builder(store).build();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<AppendOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int n = i;
        calls.add(pool.submit(() -> log.append(ws, NewEvent.builder("user", "e" + n).build())));
      }
      store.close();
      int acked = 0;
      int refused = 0;
      for (Future<AppendOutcome> f : calls) {
        try {
          f.get();
          acked++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("closed");
          refused++;
        }
      }
      pool.shutdownNow();
      assertThat(acked + refused).isEqualTo(400);
      try (PostgresEventStore reopened = PostgresEventStore.builder(db.app()).build()) {
        long stored = reopened.head(EventScope.of(ws)).map(h -> h.seq()).orElse(0L);
        assertThat(stored).isEqualTo(acked);
        assertThat(EventLog.builder(reopened).build()
            .verify(EventScope.of(ws), java.util.Optional.empty()).ok()).isTrue();
      }
      assertThatThrownBy(() -> log.append(ws, NewEvent.builder("user", "late").build()))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
