package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSecrets;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two "processes" fanning out and claiming webhook deliveries from one database: each has its own JDBC pool and
 * its own store, as two server instances would. Time is a virtual clock passed as {@code now};
 * nothing sleeps. A process "dies" by closing its pool (its connections, and with them any open
 * transaction, end, while the leases it wrote stay in the rows).
 */
class PostgresWebhookClaimsIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int ENDPOINTS = 20;

  private final WorkspaceRef ws = SampleEvents.workspace(151, DataRegion.EU);
  private PostgresFixture.Database db;
  private HikariDataSource poolA;
  private HikariDataSource poolB;
  private PostgresEventStore storeA;
  private PostgresEventStore storeB;
  private WebhookStore hooksA;
  private WebhookStore hooksB;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T09:00:00Z"));
  private final List<UUID> endpoints = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    poolA = pool("a");
    poolB = pool("b");
    storeA = PostgresEventStore.builder(poolA).writers(1).build();
    storeB = PostgresEventStore.builder(poolB).writers(1).build();
    hooksA = storeA.webhooks().orElseThrow();
    hooksB = storeB.webhooks().orElseThrow();
    for (int i = 0; i < ENDPOINTS; i++) {
      Instant now = clock.instant();
      WebhookEndpoint e = new WebhookEndpoint(new UUID(151, i), ws.companyId(),
          ws.workspaceId(), Optional.empty(), URI.create("https://hooks.example.com/" + i),
          Set.of(WebhookEventType.AUDIT_EVENT_CREATED), "", true, Optional.empty(),
          Optional.empty(), now, now);
      hooksA.create(e, WebhookSecrets.of(SealedSecret.of(new byte[] {(byte) i, 1, 2})),
          WebhookStore.MAX_ENDPOINTS);
      endpoints.add(e.id());
    }
  }

  @AfterEach
  void tearDown() {
    storeA.close();
    storeB.close();
    poolA.close();
    poolB.close();
    db.close();
  }

  @Test
  void claimDue_twoPoolsAtOnceWithRetries_neverClaimOneDeliveryTwiceInTheSameAttempt()
      throws Exception {
    int events = 5;
    append(events);
    Instant now = clock.instant();
    int total = ENDPOINTS * events;
    // Every odd seq fails its first attempt and is due again at once: claimed twice in all,
    // once per attempt.
    int attemptsExpected = total + ENDPOINTS * ((events + 1) / 2);
    Map<String, Integer> claims = new ConcurrentHashMap<>();
    Map<UUID, List<Long>> order = new ConcurrentHashMap<>();
    AtomicInteger succeeded = new AtomicInteger();
    List<WebhookStore> stores = List.of(hooksA, hooksB);
    int threads = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        WebhookStore hooks = stores.get(t % 2);
        String worker = (t % 2 == 0 ? "a-" : "b-") + t;
        int max = 1 + t % 4;
        Callable<Void> task = () -> {
          start.await();
          for (int round = 0; round < 20_000 && succeeded.get() < total; round++) {
            for (ClaimedDelivery c : hooks.claimDue(now, max, LEASE, worker)) {
              WebhookDelivery d = c.delivery();
              int number = d.attempts() + 1;
              claims.merge(d.id() + "#" + number, 1, Integer::sum);
              order.computeIfAbsent(d.endpointId(), k -> Collections.synchronizedList(
                  new ArrayList<>())).add(d.seq());
              boolean fail = number == 1 && d.seq() % 2 == 1;
              DeliveryAttempt attempt = new DeliveryAttempt(number, now, new WebhookResponse(
                  fail ? 502 : 204, Duration.ofMillis(3), "", ""));
              assertThat(hooks.complete(d.id(), worker, attempt, fail ? DeliveryStatus.PENDING
                  : DeliveryStatus.SUCCEEDED, fail ? Optional.of(now) : Optional.empty()))
                  .isTrue();
              if (!fail) {
                succeeded.incrementAndGet();
              }
            }
          }
          return null;
        };
        futures.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(succeeded.get()).isEqualTo(total);
    assertThat(claims).hasSize(attemptsExpected);
    assertThat(claims.values()).containsOnly(1);
    for (List<Long> seqs : order.values()) {
      // Per endpoint, in seq order; an odd seq twice in a row (its retry), never overtaken.
      assertThat(seqs).containsExactly(1L, 1L, 2L, 3L, 3L, 4L, 5L, 5L);
    }
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_attempts"))
        .isEqualTo(attemptsExpected);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"
        + " WHERE status <> 'SUCCEEDED' OR lease_owner IS NOT NULL")).isZero();
  }

  @Test
  void claimDue_processDiedHoldingLeases_claimedByTheOtherAfterTheLeaseEnds() {
    append(2);
    Instant now = clock.instant();
    List<ClaimedDelivery> held = hooksA.claimDue(now, WebhookStore.MAX_CLAIM, LEASE, "a");
    assertThat(held).hasSize(ENDPOINTS);
    // Process A dies: its pool and writer go, its leases stay in the rows.
    storeA.close();
    poolA.close();

    assertThat(hooksB.claimDue(now.plus(LEASE).minusNanos(1000), WebhookStore.MAX_CLAIM,
        LEASE, "b")).isEmpty();
    List<ClaimedDelivery> taken = hooksB.claimDue(now.plus(LEASE), WebhookStore.MAX_CLAIM,
        LEASE, "b");
    assertThat(taken).extracting(c -> c.delivery().id())
        .containsExactlyInAnyOrderElementsOf(held.stream().map(c -> c.delivery().id())
            .toList());
    assertThat(taken).extracting(c -> c.delivery().seq()).containsOnly(1L);
    for (ClaimedDelivery c : taken) {
      // A's completion, had it come back, would be refused: the lease is B's now.
      assertThat(hooksB.complete(c.delivery().id(), "a", ok(now), DeliveryStatus.SUCCEEDED,
          Optional.empty())).isFalse();
      assertThat(hooksB.complete(c.delivery().id(), "b", ok(now.plus(LEASE)),
          DeliveryStatus.SUCCEEDED, Optional.empty())).isTrue();
    }
    assertThat(hooksB.claimDue(now.plus(LEASE), WebhookStore.MAX_CLAIM, LEASE, "b"))
        .extracting(c -> c.delivery().seq()).hasSize(ENDPOINTS).containsOnly(2L);
  }

  @Test
  void claimDue_aHeadLockedByAnotherProcess_isSkippedWithoutWaitingAndClaimedWhenItDies()
      throws Exception {
    append(2);
    Instant now = clock.instant();
    UUID lockedEndpoint = endpoints.get(0);
    UUID lockedHead;
    // Process A stalls mid-claim: it holds the row lock of one endpoint's head.
    Connection stalled = poolA.getConnection();
    stalled.setAutoCommit(false);
    try (PreparedStatement ps = stalled.prepareStatement("SELECT id FROM"
        + " hyrelog.webhook_deliveries WHERE endpoint_id = ? AND seq = 1 FOR UPDATE")) {
      ps.setObject(1, lockedEndpoint);
      try (var rs = ps.executeQuery()) {
        rs.next();
        lockedHead = rs.getObject(1, UUID.class);
      }
    }
    // Pool B has a lock_timeout: a claim that waited for the lock would fail, not hang.
    List<ClaimedDelivery> others = hooksB.claimDue(now, WebhookStore.MAX_CLAIM, LEASE, "b");
    assertThat(others).hasSize(ENDPOINTS - 1);
    assertThat(others).extracting(c -> c.endpoint().id()).doesNotContain(lockedEndpoint);
    assertThat(others).extracting(c -> c.delivery().seq()).containsOnly(1L);

    // A dies: its backend ends, and with it the transaction and its lock.
    long pid;
    try (var s = stalled.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getLong(1);
    }
    assertThat(count("SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(" + pid
        + ") AS t WHERE pid = " + pid + " AND t")).isEqualTo(1);
    for (int i = 0; i < 1000 && count("SELECT count(*) FROM pg_stat_activity WHERE pid = "
        + pid) > 0; i++) {
      Thread.sleep(10); // until PostgreSQL has ended the backend (bounded)
    }
    poolA.evictConnection(stalled);
    storeA.close();
    poolA.close();
    List<ClaimedDelivery> late = hooksB.claimDue(now, WebhookStore.MAX_CLAIM, LEASE, "b");
    assertThat(late).extracting(c -> c.delivery().id()).containsExactly(lockedHead);
  }

  @Test
  void append_writesNoDeliveryRowsTheFanOutDoes() {
    appendOnly(3);
    // The append wrote the events and nothing per endpoint (20 endpoints here).
    assertThat(count("SELECT count(*) FROM hyrelog.events")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries")).isZero();
    assertThat(hooksB.fanOut(WebhookStore.MAX_FAN_OUT)).isFalse();
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"))
        .isEqualTo(3L * ENDPOINTS);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_endpoints WHERE fanned_seq = 3"))
        .isEqualTo(ENDPOINTS);
  }

  @Test
  void fanOut_failsAtCommit_nothingCreatedNothingMovedAndTheNextOneCreatesAll()
      throws Exception {
    appendOnly(2);
    try (Connection c = db.owner().getConnection(); var s = c.createStatement()) {
      s.execute("CREATE FUNCTION hyrelog.test_fail_commit() RETURNS trigger LANGUAGE plpgsql"
          + " AS $$ BEGIN RAISE EXCEPTION 'test: failing the commit'; END $$");
      s.execute("CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT"
          + " ON hyrelog.webhook_deliveries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
          + " EXECUTE FUNCTION hyrelog.test_fail_commit()");
    }
    try {
      hooksA.fanOut(WebhookStore.MAX_FAN_OUT);
      throw new AssertionError("the fan-out should have failed at COMMIT");
    } catch (RuntimeException expected) {
      // PostgresStorageException: the commit failed
    }
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries")).isZero();
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_endpoints WHERE fanned_seq = 0"))
        .isEqualTo(ENDPOINTS);
    try (Connection c = db.owner().getConnection(); var s = c.createStatement()) {
      s.execute("DROP TRIGGER test_fail_commit ON hyrelog.webhook_deliveries");
    }
    assertThat(hooksB.fanOut(WebhookStore.MAX_FAN_OUT)).isFalse();
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"))
        .isEqualTo(2L * ENDPOINTS);
  }

  @Test
  void fanOut_twoPoolsRacingWhileAppending_createEveryDeliveryOnce() throws Exception {
    int batches = 15;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    AtomicInteger appended = new AtomicInteger();
    try {
      List<Future<Void>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < batches; i++) {
          appendOnly(1 + i % 3);
          appended.addAndGet(1 + i % 3);
        }
        return null;
      }));
      for (int t = 0; t < 4; t++) {
        WebhookStore hooks = t % 2 == 0 ? hooksA : hooksB;
        int max = 1 + t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < 200; round++) {
            hooks.fanOut(max);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    while (hooksA.fanOut(WebhookStore.MAX_FAN_OUT)) {
      // the rest
    }
    long events = appended.get();
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"))
        .isEqualTo(events * ENDPOINTS);
    assertThat(count("SELECT count(DISTINCT (endpoint_id, event_id))"
        + " FROM hyrelog.webhook_deliveries")).isEqualTo(events * ENDPOINTS);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries d JOIN hyrelog.events e"
        + " ON e.id = d.event_id AND e.seq = d.seq")).isEqualTo(events * ENDPOINTS);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_endpoints WHERE fanned_seq = "
        + events)).isEqualTo(ENDPOINTS);
  }

  @Test
  void fanOut_anEndpointLockedByAnotherProcess_isSkippedWithoutWaitingAndServedLater()
      throws Exception {
    appendOnly(2);
    UUID locked = endpoints.get(0);
    try (Connection stalled = poolA.getConnection()) {
      stalled.setAutoCommit(false);
      try (PreparedStatement ps = stalled.prepareStatement("SELECT id FROM"
          + " hyrelog.webhook_endpoints WHERE id = ? FOR UPDATE")) {
        ps.setObject(1, locked);
        ps.executeQuery().close();
      }
      // Pool B has a lock_timeout: a fan-out that waited for the lock would fail, not hang.
      hooksB.fanOut(WebhookStore.MAX_FAN_OUT);
      assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries WHERE endpoint_id = '"
          + locked + "'")).isZero();
      assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"))
          .isEqualTo(2L * (ENDPOINTS - 1));
      stalled.rollback();
    }
    hooksB.fanOut(WebhookStore.MAX_FAN_OUT);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries"))
        .isEqualTo(2L * ENDPOINTS);
  }

  /** Appends {@code n} events in one batch, then fans out (as a dispatcher's claim does). */
  private void append(int n) {
    appendOnly(n);
    hooksA.fanOut(WebhookStore.MAX_FAN_OUT);
  }

  private synchronized void appendOnly(int n) {
    EventLog log = EventLog.builder(storeA).clock(clock)
        .idSource(IdSource.seeded(clock, 151 + count("SELECT count(*) FROM hyrelog.events")))
        .build();
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(NewEvent.builder("webhook.test", "e" + i).build());
    }
    log.appendBatch(ws, batch);
    clock.advance(Duration.ofMillis(10));
  }

  private long count(String sql) {
    try (Connection c = db.owner().getConnection(); var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DeliveryAttempt ok(Instant at) {
    return new DeliveryAttempt(1, at, new WebhookResponse(200, Duration.ofMillis(5), "", ""));
  }

  private HikariDataSource pool(String name) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(db.appUrl());
    cfg.setUsername(db.appUser());
    cfg.setPassword(db.appPassword());
    cfg.setMaximumPoolSize(5);
    cfg.setConnectionTimeout(10_000);
    cfg.setConnectionInitSql("SET lock_timeout = '5s'");
    cfg.setPoolName("webhook-claims-" + name);
    return new HikariDataSource(cfg);
  }
}
