package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.StoreOverloadedException;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * When the bounded append queue is full, appends fail at once with a retryable exception, and
 * nothing of a rejected append is stored; everything accepted commits once the writer moves on.
 */
class BackpressureIT {
  @Test
  void append_queueFull_failsFastWithRetryAfter_andStoresOnlyAccepted() throws Exception {
    WorkspaceRef ws = SampleEvents.workspace(51, DataRegion.UK);
    try (PostgresFixture.Database db = PostgresFixture.newDatabase();
        PostgresEventStore store = PostgresEventStore.builder(db.app()).queueCapacity(2)
            .retryAfter(Duration.ofMillis(1500)).build()) {
      EventLog log = EventLog.builder(store).build();
      log.append(ws, NewEvent.builder("user", "first").build()); // creates the chain head
      // The writer's next transaction now waits for this lock.
      Connection blocker = PostgresFixture.lockChainHead(db, ws.workspaceId());
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Future<AppendOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          int n = i;
          futures.add(pool.submit(() -> log.append(ws,
              NewEvent.builder("user", "e" + n).idempotencyKey("k" + n).build())));
        }
        // Rejections happen at once, while the writer is still blocked.
        int rejected = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (rejected == 0 && System.nanoTime() < deadline) {
          rejected = (int) futures.stream().filter(Future::isDone).count();
          Thread.sleep(20);
        }
        boolean blocked = PostgresFixture.waitingOnLock(db);
        while (!blocked && System.nanoTime() < deadline) {
          Thread.sleep(20);
          blocked = PostgresFixture.waitingOnLock(db);
        }
        assertThat(blocked).as("the writer is blocked on the head lock").isTrue();
        blocker.rollback();
        Set<String> accepted = new HashSet<>();
        int overloaded = 0;
        for (Future<AppendOutcome> f : futures) {
          try {
            accepted.add(f.get().event().idempotencyKey());
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreOverloadedException.class);
            assertThat(((StoreOverloadedException) e.getCause()).retryAfter())
                .isEqualTo(Duration.ofMillis(1500));
            overloaded++;
          }
        }
        assertThat(overloaded).as("rejected appends").isPositive();
        assertThat(accepted).hasSize(12 - overloaded);
        try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, 100)) {
          Set<String> stored = s.map(AuditEvent::idempotencyKey).filter(k -> k != null)
              .collect(Collectors.toSet());
          assertThat(stored).isEqualTo(accepted);
        }
        assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
      } finally {
        pool.shutdownNow();
        blocker.close();
      }
    }
  }
}
