package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.AppendOutcomeUnknownException;
import io.hyrelog.spi.StoreOverloadedException;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An append's wait is bounded: requests the stalled writer never took are refused (nothing of
 * them stored), the one it took answers "outcome unknown" and is stored or not as a whole; and
 * writers on their own data source commit while readers hold every read connection.
 */
class AppendTimeoutIT {
  private static final Duration TIMEOUT = Duration.ofMillis(800);

  @Test
  void append_writerStalled_queuedAreRefusedInTime_andNoRefusedEventIsStored() throws Exception {
    WorkspaceRef ws = SampleEvents.workspace(61, DataRegion.US);
    try (PostgresFixture.Database db = PostgresFixture.newDatabase();
        PostgresEventStore store = PostgresEventStore.builder(db.app()).writers(1)
            .appendTimeout(TIMEOUT).retryAfter(Duration.ofSeconds(2)).build()) {
      EventLog log = EventLog.builder(store).build();
      log.append(ws, NewEvent.builder("user", "first").build()); // creates the chain head
      // The writer's next transaction waits for this lock.
      Connection blocker = PostgresFixture.lockChainHead(db, ws.workspaceId());
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<AppendOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          int n = i;
          futures.add(pool.submit(() -> log.append(ws,
              NewEvent.builder("user", "e" + n).idempotencyKey("k" + n).build())));
          if (i == 0) {
            awaitWriterOnLock(db); // k0 is taken; the others queue behind it
          }
        }
        Set<String> refused = new HashSet<>();
        Set<String> unknown = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
          try {
            // Without a bound every one of them waits for the lock, i.e. forever.
            futures.get(i).get(10, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreOverloadedException o) {
              assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(2));
              assertThat(o.getMessage()).contains("nothing of it was stored");
              refused.add("k" + i);
            } else {
              assertThat(e.getCause()).isInstanceOf(AppendOutcomeUnknownException.class);
              unknown.add("k" + i);
            }
          }
        }
        assertThat(unknown).as("taken by the stalled writer").containsExactly("k0");
        assertThat(refused).as("refused while queued")
            .containsExactlyInAnyOrder("k1", "k2", "k3", "k4", "k5");
        blocker.rollback();
        // The writer finishes what it took; the refused ones are never written.
        AppendOutcome after = log.append(ws, NewEvent.builder("user", "after").build());
        try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, after.event().seq())) {
          Set<String> stored = s.map(AuditEvent::idempotencyKey).filter(k -> k != null)
              .collect(Collectors.toSet());
          assertThat(stored).doesNotContainAnyElementsOf(refused);
          assertThat(unknown).containsAll(stored);
        }
        assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
      } finally {
        pool.shutdownNow();
        blocker.close();
      }
    }
  }

  @Test
  void append_readersHoldEveryReadConnection_writersOnTheirOwnPoolStillCommit() {
    WorkspaceRef ws = SampleEvents.workspace(62, DataRegion.US);
    try (PostgresFixture.Database db = PostgresFixture.newDatabase();
        HikariDataSource reads = pool(db, 2, "reads");
        HikariDataSource writes = pool(db, 1, "writes");
        PostgresEventStore store = PostgresEventStore.builder(reads).writerDataSource(writes)
            .writers(1).appendTimeout(Duration.ofSeconds(5)).build()) {
      EventLog log = EventLog.builder(store).build();
      log.append(ws, NewEvent.builder("user", "first").build());
      // Two slow readers, each holding a read connection for as long as its stream is open.
      try (Stream<AuditEvent> r1 = store.read(EventScope.of(ws), 1, 10);
          Stream<AuditEvent> r2 = store.read(EventScope.of(ws), 1, 10)) {
        assertThat(reads.getHikariPoolMXBean().getActiveConnections()).isEqualTo(2);
        AppendOutcome o = log.append(ws, NewEvent.builder("user", "second").build());
        assertThat(o.event().seq()).isEqualTo(2);
        assertThat(r1.count() + r2.count()).isEqualTo(2); // each saw the chain as it began
      }
    }
  }

  private static void awaitWriterOnLock(PostgresFixture.Database db) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!PostgresFixture.waitingOnLock(db)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the writer never waited for the head lock");
      }
      Thread.sleep(10);
    }
  }

  private static HikariDataSource pool(PostgresFixture.Database db, int size, String name) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(db.appUrl());
    cfg.setUsername(db.appUser());
    cfg.setPassword(db.appPassword());
    cfg.setMaximumPoolSize(size);
    cfg.setConnectionTimeout(3_000);
    cfg.setPoolName("append-timeout-" + name);
    return new HikariDataSource(cfg);
  }
}
