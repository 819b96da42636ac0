package io.hyrelog.server.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.RestoreTier;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.archive.RestoreWorkflow;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.server.internal.jobs.JobsDatabase;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.storage.postgres.PostgresArchiveCatalog;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.PostgresRestoreRequests;
import io.hyrelog.testkit.ForwardingArchiveStore;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The restore workflow on a virtual clock, a real PostgreSQL and a real {@link
 * LocalDirectoryArchiveStore} (restores simulated on the same clock: STANDARD becomes readable
 * after 2 minutes). The store is wrapped in a {@link ForwardingArchiveStore} that counts restore
 * calls and, where a test says so, fails them: a store refusal cannot be provoked otherwise.
 * Segments are inserted with SQL and marked cold there (archival itself is tested elsewhere).
 */
class RestoreWorkflowIT {
  private static final Instant T0 = Instant.parse("2026-09-01T10:00:00Z");
  private static final CostEstimate COST = new CostEstimate(new BigDecimal("0.000051"), "USD");
  private final UUID company = UUID.randomUUID();
  private final MutableClock clock = new MutableClock(T0);
  private final AtomicInteger restoreCalls = new AtomicInteger();
  private volatile RuntimeException restoreFailure;
  private JobsDatabase db;
  private PostgresEventStore events;
  private Path dir;
  private ArchiveStore store;
  private Archival archival;
  private PostgresRestoreRequests requests;
  private RestoreWorkflow workflow;

  @BeforeEach
  void setUp() throws Exception {
    db = JobsDatabase.create();
    dir = Files.createTempDirectory("restore-workflow");
    store = new ForwardingArchiveStore(LocalDirectoryArchiveStore.builder(dir).clock(clock)
        .build()) {
      @Override
      public void restore(String key, int days, RestoreTier tier) {
        restoreCalls.incrementAndGet();
        if (restoreFailure != null) {
          throw restoreFailure;
        }
        super.restore(key, days, tier);
      }
    };
    // The jobs database runs without fsync; this test appends no events.
    events = PostgresEventStore.builder(db.dataSource()).requireDurableCommits(false).build();
    archival = Archival.create(events, PostgresArchiveCatalog.create(db.dataSource()), store,
        clock);
    requests = PostgresRestoreRequests.create(db.dataSource());
    workflow = new RestoreWorkflow(requests, archival, store);
    sql("INSERT INTO hyrelog.companies (id, name, region, plan_tier) VALUES (?, 'Acme', 'US',"
        + " 'GROWTH')", company);
  }

  @AfterEach
  void tearDown() throws IOException {
    events.close();
    db.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void sql(String statement, Object... args) {
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A verified, cold segment whose object is really in the store. */
  private UUID coldSegment() {
    UUID id = UUID.randomUUID();
    String key = Archival.key(company, java.time.LocalDate.of(2026, 1, 10), id);
    ArchiveObject o = store.put(key, new ByteArrayInputStream(
        "segment".getBytes(StandardCharsets.UTF_8)));
    var old = T0.minus(Duration.ofDays(200)).atOffset(ZoneOffset.UTC);
    sql("INSERT INTO hyrelog.archive_segments (id, company_id, day, object_key, status, events,"
        + " min_recorded_at, max_recorded_at, size_bytes, sha256, created_at, uploaded_at,"
        + " verified_at, cold_at) VALUES (?, ?, DATE '2026-01-10', ?, 'VERIFIED', 1, ?, ?, ?, ?,"
        + " ?, ?, ?, ?)", id, company, key, old, old, o.size(), o.sha256().bytes(), old, old,
        old, old);
    sql("INSERT INTO hyrelog.archive_segment_ranges (segment_id, workspace_id, from_seq, to_seq,"
        + " first_prev_hash, last_hash) VALUES (?, ?, 1, 1, ?, ?)", id, UUID.randomUUID(),
        new byte[32], new byte[32]);
    return id;
  }

  private RestoreRequest approved(UUID segment) {
    RestoreRequest r = RestoreRequest.create(UUID.randomUUID(), company, segment,
        RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, clock.instant());
    requests.insert(r);
    return requests.update(r, r.approve("admin-1", clock.instant()));
  }

  private RestoreStatus status(RestoreRequest r) {
    return requests.find(r.id()).orElseThrow().status();
  }

  private ArchiveSegment segment(UUID id) {
    return archival.segment(id).orElseThrow();
  }

  @Test
  void happyPath_approvedToExpired_setsAndClearsTheSegmentsRestoredUntil() {
    UUID seg = coldSegment();
    assertThat(segment(seg).coldAndNotRestoredAt(clock.instant())).isTrue();
    RestoreRequest r = approved(seg);

    RestoreWorkflow.Summary init = workflow.initiate(clock.instant());
    assertThat(init.advanced()).isEqualTo(1);
    assertThat(status(r)).isEqualTo(RestoreStatus.IN_PROGRESS);
    assertThat(store.restoreState(segment(seg).key()).phase())
        .isEqualTo(RestoreState.Phase.IN_PROGRESS);
    assertThat(workflow.initiate(clock.instant()).advanced()).isZero();
    assertThat(restoreCalls).hasValue(1);

    // STANDARD takes 2 minutes in the simulated store: one minute in, still in progress.
    clock.advance(Duration.ofMinutes(1));
    RestoreWorkflow.Summary waiting = workflow.checkStatus(clock.instant());
    assertThat(waiting.waiting()).isEqualTo(1);
    assertThat(waiting.advanced()).isZero();
    assertThat(status(r)).isEqualTo(RestoreStatus.IN_PROGRESS);

    clock.advance(Duration.ofMinutes(2));
    assertThat(workflow.checkStatus(clock.instant()).advanced()).isEqualTo(1);
    RestoreRequest done = requests.find(r.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(RestoreStatus.COMPLETED);
    Instant until = T0.plus(Duration.ofMinutes(2)).plus(Duration.ofDays(7));
    assertThat(done.restoredUntil()).contains(until);
    assertThat(segment(seg).restoredUntil()).contains(until);
    assertThat(segment(seg).coldAndNotRestoredAt(clock.instant())).isFalse();
    assertThat(workflow.checkStatus(clock.instant()).advanced()).isZero();

    assertThat(workflow.expire(until.minusSeconds(1)).advanced()).isZero();
    assertThat(status(r)).isEqualTo(RestoreStatus.COMPLETED);
    clock.set(until);
    assertThat(workflow.expire(until).advanced()).isEqualTo(1);
    RestoreRequest expired = requests.find(r.id()).orElseThrow();
    assertThat(expired.status()).isEqualTo(RestoreStatus.EXPIRED);
    assertThat(expired.expiredAt()).contains(until);
    assertThat(segment(seg).restoredUntil()).isEmpty();
    assertThat(segment(seg).coldAndNotRestoredAt(until)).isTrue();
    assertThat(workflow.expire(until.plusSeconds(60)).advanced()).isZero();
  }

  @Test
  void rejectedAndCancelledRequests_neverReachTheStore() {
    RestoreRequest pending = RestoreRequest.create(UUID.randomUUID(), company, coldSegment(),
        RestoreTier.BULK, 3, "user-1", "user@example.com", COST, T0);
    requests.insert(pending);
    requests.update(pending, pending.reject("admin-1", "not needed", T0));
    RestoreRequest customerCancelled = RestoreRequest.create(UUID.randomUUID(), company,
        coldSegment(), RestoreTier.BULK, 3, "user-1", "user@example.com", COST, T0);
    requests.insert(customerCancelled);
    requests.update(customerCancelled, customerCancelled.cancel("user-1", T0));
    RestoreRequest adminCancelled = approved(coldSegment());
    requests.update(adminCancelled, adminCancelled.cancel("admin-1", T0));

    RestoreWorkflow.Summary s = workflow.initiate(T0.plusSeconds(60));
    assertThat(s.advanced()).isZero();
    assertThat(restoreCalls).hasValue(0);
    assertThat(status(pending)).isEqualTo(RestoreStatus.REJECTED);
    assertThat(status(customerCancelled)).isEqualTo(RestoreStatus.CANCELLED);
    assertThat(status(adminCancelled)).isEqualTo(RestoreStatus.CANCELLED);
  }

  @Test
  void storeFailure_failsTheRequestWithItsMessage() {
    RestoreRequest r = approved(coldSegment());
    restoreFailure = new UncheckedIOException(new IOException("bucket unreachable"));
    RestoreWorkflow.Summary s = workflow.initiate(clock.instant());
    assertThat(s.failed()).isEqualTo(1);
    RestoreRequest failed = requests.find(r.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(RestoreStatus.FAILED);
    assertThat(failed.failure().orElseThrow()).contains("bucket unreachable");
    // FAILED is final: the next run leaves it alone.
    restoreFailure = null;
    assertThat(workflow.initiate(clock.instant()).advanced()).isZero();
  }

  @Test
  void checkStatus_objectGone_failsTheRequest() throws IOException {
    UUID seg = coldSegment();
    RestoreRequest r = approved(seg);
    workflow.initiate(clock.instant());
    Path object = dir.resolve(segment(seg).key());
    object.toFile().setWritable(true);
    Files.delete(object);
    clock.advance(Duration.ofMinutes(5));
    assertThat(workflow.checkStatus(clock.instant()).failed()).isEqualTo(1);
    assertThat(requests.find(r.id()).orElseThrow().failure().orElseThrow())
        .contains("missing from the store");
  }

  @Test
  void initiate_requestLeftInitiating_isDrivenOnOnlyWhenStale() {
    RestoreRequest r = approved(coldSegment());
    requests.update(r, r.initiating(T0));
    assertThat(workflow.initiate(T0.plus(Duration.ofMinutes(5))).advanced()).isZero();
    assertThat(status(r)).isEqualTo(RestoreStatus.INITIATING);
    assertThat(workflow.initiate(T0.plus(Duration.ofMinutes(11))).advanced()).isEqualTo(1);
    assertThat(status(r)).isEqualTo(RestoreStatus.IN_PROGRESS);
    assertThat(restoreCalls).hasValue(1);
  }

  /** Two workers (as two server processes would) initiating at once: each request once. */
  @Test
  void initiate_twoWorkersAtOnce_eachRequestStartedOnce() throws Exception {
    List<RestoreRequest> rs = Stream.generate(this::coldSegment).limit(20).map(this::approved)
        .toList();
    RestoreWorkflow other = new RestoreWorkflow(PostgresRestoreRequests.create(db.dataSource()),
        archival, store);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<RestoreWorkflow.Summary> a = pool.submit(() -> {
        go.await();
        return workflow.initiate(clock.instant());
      });
      Future<RestoreWorkflow.Summary> b = pool.submit(() -> {
        go.await();
        return other.initiate(clock.instant());
      });
      go.countDown();
      RestoreWorkflow.Summary sa = a.get();
      RestoreWorkflow.Summary sb = b.get();
      assertThat(sa.advanced() + sb.advanced()).isEqualTo(rs.size());
      assertThat(sa.failed() + sb.failed()).isZero();
    } finally {
      pool.shutdownNow();
    }
    assertThat(restoreCalls).hasValue(rs.size());
    assertThat(rs).allSatisfy(r -> assertThat(status(r)).isEqualTo(RestoreStatus.IN_PROGRESS));
  }
}
