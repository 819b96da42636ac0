package io.hyrelog.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.DataRegion;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.RestoreTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreRequests;
import io.hyrelog.testkit.ForwardingArchiveStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.StoragePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore workflow without a database: the in-memory twins, cold segments made by the
 * archival workflow itself, and a local directory store whose restores are simulated on the
 * same virtual clock (STANDARD readable after 2 minutes). The store is wrapped to count restore
 * calls and, where a test says so, fail them: a store refusal cannot be provoked otherwise.
 */
class RestoreWorkflowTest {
  private static final Instant START = Instant.parse("2026-01-10T10:00:00Z");
  private static final CostEstimate COST = new CostEstimate(new BigDecimal("0.000051"), "USD");
  private static final Plan PLAN = Plan.defaults(PlanTier.GROWTH);
  private static final WorkspaceRef WS = SampleEvents.workspace(3, DataRegion.US);

  private final MutableClock clock = new MutableClock(START);
  private final AtomicInteger restoreCalls = new AtomicInteger();
  private volatile RuntimeException restoreFailure;
  @TempDir
  Path dir;
  private StoragePorts ports;
  private ArchiveStore store;
  private Archival archival;
  private RestoreRequests requests;
  private RestoreWorkflow workflow;
  private List<ArchiveSegment> cold;

  @BeforeEach
  void setUp() {
    ports = StoragePorts.inMemory();
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
    archival = Archival.create(ports.events(), ports.archive(), store, clock);
    requests = ports.restores();
    workflow = new RestoreWorkflow(requests, archival, store);
    // Three UTC days of events, archived after the hot window and cold after the plan's days.
    EventLog log = EventLog.builder(ports.events()).clock(clock).build();
    SampleEvents sample = new SampleEvents(4);
    for (int day = 0; day < 3; day++) {
      clock.set(START.plus(Duration.ofDays(day)));
      log.append(WS, sample.next(null));
    }
    clock.set(START.plus(Duration.ofDays(100)));
    archival.markRetention(WS.companyId(), PLAN, clock.instant());
    assertThat(archival.archive(WS.companyId()).errors()).isEmpty();
    clock.set(START.plus(Duration.ofDays(400)));
    assertThat(archival.markCold(WS.companyId(), PLAN, clock.instant())).isEqualTo(3);
    cold = archival.segments(WS.companyId());
  }

  @AfterEach
  void tearDown() throws Exception {
    ports.close();
  }

  private RestoreRequest approved(ArchiveSegment segment) {
    RestoreRequest r = RestoreRequest.create(UUID.randomUUID(), WS.companyId(), segment.id(),
        RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, clock.instant());
    requests.insert(r);
    return requests.update(r, r.approve("admin-1", clock.instant()));
  }

  private RestoreRequest stored(RestoreRequest r) {
    return requests.find(r.id()).orElseThrow();
  }

  private ArchiveSegment segment(ArchiveSegment s) {
    return archival.segment(s.id()).orElseThrow();
  }

  @Test
  void steps_approvedToExpired_setAndClearTheSegmentsRestoredUntil() {
    ArchiveSegment seg = cold.get(0);
    Instant t0 = clock.instant();
    assertThat(seg.coldAndNotRestoredAt(t0)).isTrue();
    RestoreRequest r = approved(seg);

    assertThat(workflow.initiate(t0).advanced()).isEqualTo(1);
    assertThat(stored(r).status()).isEqualTo(RestoreStatus.IN_PROGRESS);
    assertThat(workflow.initiate(t0).advanced()).isZero();
    assertThat(restoreCalls).hasValue(1);

    clock.advance(Duration.ofMinutes(1));
    RestoreWorkflow.Summary waiting = workflow.checkStatus(clock.instant());
    assertThat(waiting.waiting()).isEqualTo(1);
    assertThat(waiting.advanced()).isZero();

    clock.advance(Duration.ofMinutes(2));
    assertThat(workflow.checkStatus(clock.instant()).advanced()).isEqualTo(1);
    Instant until = t0.plus(Duration.ofMinutes(2)).plus(Duration.ofDays(7));
    assertThat(stored(r).status()).isEqualTo(RestoreStatus.COMPLETED);
    assertThat(stored(r).restoredUntil()).contains(until);
    assertThat(segment(seg).restoredUntil()).contains(until);
    assertThat(segment(seg).coldAndNotRestoredAt(clock.instant())).isFalse();

    assertThat(workflow.expire(until.minusSeconds(1)).advanced()).isZero();
    assertThat(workflow.expire(until).advanced()).isEqualTo(1);
    assertThat(stored(r).status()).isEqualTo(RestoreStatus.EXPIRED);
    assertThat(segment(seg).restoredUntil()).isEmpty();
    assertThat(segment(seg).coldAndNotRestoredAt(until)).isTrue();
    assertThat(workflow.expire(until.plusSeconds(60)).advanced()).isZero();
  }

  @Test
  void initiate_storeFailure_failsTheRequestWithItsMessageOnce() {
    RestoreRequest r = approved(cold.get(0));
    restoreFailure = new UncheckedIOException(new IOException("bucket unreachable"));

    assertThat(workflow.initiate(clock.instant()).failed()).isEqualTo(1);

    assertThat(stored(r).status()).isEqualTo(RestoreStatus.FAILED);
    assertThat(stored(r).failure().orElseThrow()).contains("bucket unreachable");
    restoreFailure = null;
    assertThat(workflow.initiate(clock.instant()).advanced()).isZero();
    assertThat(restoreCalls).hasValue(1);
  }

  @Test
  void checkStatus_objectGone_failsTheRequest() throws IOException {
    ArchiveSegment seg = cold.get(1);
    RestoreRequest r = approved(seg);
    workflow.initiate(clock.instant());
    Path object = dir.resolve(seg.key());
    object.toFile().setWritable(true);
    Files.delete(object);
    clock.advance(Duration.ofMinutes(5));

    assertThat(workflow.checkStatus(clock.instant()).failed()).isEqualTo(1);

    assertThat(stored(r).failure().orElseThrow()).contains("missing from the store");
  }

  @Test
  void initiate_requestLeftInitiating_isDrivenOnOnlyWhenStale() {
    Instant t0 = clock.instant();
    RestoreRequest r = approved(cold.get(2));
    requests.update(r, r.initiating(t0));

    assertThat(workflow.initiate(t0.plus(Duration.ofMinutes(5))).advanced()).isZero();
    assertThat(stored(r).status()).isEqualTo(RestoreStatus.INITIATING);
    assertThat(workflow.initiate(t0.plus(Duration.ofMinutes(RestoreWorkflow.STALE_MINUTES + 1)))
        .advanced()).isEqualTo(1);
    assertThat(stored(r).status()).isEqualTo(RestoreStatus.IN_PROGRESS);
    assertThat(restoreCalls).hasValue(1);
  }

  @Test
  void initiate_anotherWorkerMovedTheRequestFirst_countsAConflict() {
    RestoreRequest r = approved(cold.get(0));
    // Another process claims it between this worker's read and its update.
    RestoreRequests racing = new RacingRequests(requests, r);
    RestoreWorkflow.Summary s = new RestoreWorkflow(racing, archival, store)
        .initiate(clock.instant());

    assertThat(s.conflicts()).isEqualTo(1);
    assertThat(s.advanced()).isZero();
    assertThat(restoreCalls).hasValue(0);
  }

  /** Requests whose first approved read is followed by another worker's claim. */
  private static final class RacingRequests implements RestoreRequests {
    private final RestoreRequests delegate;
    private final RestoreRequest target;

    RacingRequests(RestoreRequests delegate, RestoreRequest target) {
      this.delegate = delegate;
      this.target = target;
    }

    @Override
    public void insert(RestoreRequest r) {
      delegate.insert(r);
    }

    @Override
    public RestoreRequest update(RestoreRequest from, RestoreRequest to) {
      return delegate.update(from, to);
    }

    @Override
    public java.util.Optional<RestoreRequest> find(UUID id) {
      return delegate.find(id);
    }

    @Override
    public List<RestoreRequest> list(java.util.Optional<UUID> companyId,
        java.util.Optional<RestoreStatus> status, int limit) {
      return delegate.list(companyId, status, limit);
    }

    @Override
    public List<RestoreRequest> inStatus(RestoreStatus status, Instant updatedBefore,
        int limit) {
      List<RestoreRequest> out = delegate.inStatus(status, updatedBefore, limit);
      if (status == RestoreStatus.APPROVED) {
        delegate.update(target, target.initiating(target.updatedAt()));
      }
      return out;
    }

    @Override
    public List<RestoreRequest> expiring(Instant now, int limit) {
      return delegate.expiring(now, limit);
    }
  }
}
