package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.InvalidCursorException;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.ClaimedRun;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryOutcome;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookLimitException;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSecrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
 * The contract of {@link WebhookStore} and of the fan-out of an {@link EventStore}'s chains
 * into deliveries ({@link EventStore#webhooks()}): every store that offers webhooks runs it with a test class
 * that extends this one and supplies a fresh, empty store. Events are appended through {@link
 * EventLog} on a virtual clock; every {@code now} is an argument, so nothing here sleeps.
 * Deterministic apart from thread interleavings, whose outcome it checks.
 */
public abstract class WebhookStoreContract {
  protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  protected EventStore store;
  protected WebhookStore hooks;
  protected MutableClock clock;
  protected EventLog log;
  protected WorkspaceRef ws;
  private final Random random = new Random(15);

  /** A fresh store, no events, no endpoints, whose {@link EventStore#webhooks()} is present. */
  protected abstract EventStore createStore() throws Exception;

  /** Releases the store; called after each test. */
  protected void closeStore(EventStore s) throws Exception {}

  @BeforeEach
  void setUpWebhookContract() throws Exception {
    store = createStore();
    hooks = store.webhooks().orElseThrow(() -> new AssertionError(
        "the store under test offers no WebhookStore (EventStore.webhooks() is empty)"));
    clock = new MutableClock(T0);
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 15)).build();
    ws = SampleEvents.workspace(15, DataRegion.EU);
  }

  @AfterEach
  void tearDownWebhookContract() throws Exception {
    if (store != null) {
      closeStore(store);
    }
  }

  // ---- fan-out ----

  @Test
  void append_matchingEnabledEndpoints_writesOneDueDeliveryPerCreatedEventAndEndpoint() {
    UUID project = uuid();
    UUID otherProject = uuid();
    WebhookEndpoint all = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint onlyProject = create(ws.companyId(), ws.workspaceId(), Optional.of(project));
    WebhookEndpoint otherProjectOnly = create(ws.companyId(), ws.workspaceId(),
        Optional.of(otherProject));
    WebhookEndpoint disabled = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    hooks.setEnabled(ws.companyId(), disabled.id(), false, "by a user", T0);
    WebhookEndpoint otherWorkspace = create(ws.companyId(), uuid(), Optional.empty());
    // Another company's endpoint naming this workspace: not this company's events.
    WebhookEndpoint otherCompany = create(uuid(), ws.workspaceId(), Optional.empty());

    clock.advance(Duration.ofSeconds(5));
    List<AuditEvent> events = new ArrayList<>();
    events.add(append(ws, event("a", null)));
    clock.advance(Duration.ofMillis(1500));
    events.add(append(ws, event("b", project)));
    events.add(append(ws, event("c", null)));

    List<WebhookDelivery> toAll = all(all);
    assertThat(toAll).extracting(WebhookDelivery::seq).containsExactly(3L, 2L, 1L);
    for (WebhookDelivery d : toAll) {
      AuditEvent e = events.get((int) d.seq() - 1);
      assertThat(d.eventId()).isEqualTo(e.id());
      assertThat(d.endpointId()).isEqualTo(all.id());
      assertThat(d.companyId()).isEqualTo(ws.companyId());
      assertThat(d.workspaceId()).isEqualTo(ws.workspaceId());
      assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(d.attempts()).isZero();
      assertThat(d.nextAttemptAt()).contains(e.recordedAt());
      assertThat(d.createdAt()).isEqualTo(e.recordedAt());
      assertThat(d.lastAttemptAt()).isEmpty();
      assertThat(d.lastStatusCode()).isEmpty();
    }
    assertThat(toAll).extracting(WebhookDelivery::id).doesNotHaveDuplicates();
    assertThat(all(onlyProject)).extracting(WebhookDelivery::eventId)
        .containsExactly(events.get(1).id());
    assertThat(all(otherProjectOnly)).isEmpty();
    assertThat(all(disabled)).isEmpty();
    assertThat(all(otherWorkspace)).isEmpty();
    assertThat(hooks.deliveries(otherCompany.companyId(), otherCompany.id(), Optional.empty(),
        Optional.empty(), WebhookStore.MAX_PAGE).deliveries()).isEmpty();
  }

  @Test
  void append_idempotentReplay_writesNoDelivery() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    NewEvent keyed = event("keyed", null).withIdempotencyKey("k-1");
    List<NewEvent> batch = List.of(keyed, event("plain", null));
    log.appendBatch(ws, batch);
    assertThat(log.appendBatch(ws, List.of(keyed)).get(0).created()).isFalse();
    log.appendBatch(ws, List.of(keyed, event("new", null)));
    fanOut();

    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(3L, 2L, 1L);
  }

  @Test
  void append_beforeTheEndpointExistedOrWhileDisabled_getsNoDeliveryLaterEventsDo() {
    append(ws, event("before", null));
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    hooks.setEnabled(ws.companyId(), e.id(), false, "paused", T0);
    append(ws, event("while-disabled", null));
    hooks.setEnabled(ws.companyId(), e.id(), true, null, T0);
    append(ws, event("after", null));

    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(3L);
  }

  @Test
  void append_writesNoDeliveryTheFanOutCreatesThem() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendOnly(ws, 3);
    assertThat(all(e)).as("the append wrote no delivery").isEmpty();
    assertThat(hooks.claimDue(clock.instant(), 10, LEASE, "w")).isEmpty();

    assertThat(hooks.fanOut(WebhookStore.MAX_FAN_OUT)).isFalse();
    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(3L, 2L, 1L);
    // Fanned out: a second fan-out creates nothing.
    assertThat(hooks.fanOut(WebhookStore.MAX_FAN_OUT)).isFalse();
    assertThat(all(e)).hasSize(3);
  }

  @Test
  void fanOut_moreEventsThanTheBatch_takesThemInSeqOrderBatchByBatch() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendOnly(ws, 5);
    assertThat(hooks.fanOut(2)).isTrue();
    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(2L, 1L);
    assertThat(hooks.fanOut(2)).isTrue();
    assertThat(hooks.fanOut(2)).isFalse();
    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.fanOut(0));
    assertThatIllegalArgumentException().isThrownBy(
        () -> hooks.fanOut(WebhookStore.MAX_FAN_OUT + 1));
  }

  @Test
  void fanOut_endpointCreatedLater_startsAtTheChainsHead() {
    appendOnly(ws, 3);
    WebhookEndpoint late = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    fanOut();
    assertThat(all(late)).isEmpty();
    appendN(ws, 2);
    assertThat(all(late)).extracting(WebhookDelivery::seq).containsExactly(5L, 4L);
  }

  @Test
  void setEnabled_disabledBeforeTheFanOut_stillGetsTheEventsAppendedWhileEnabled() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendOnly(ws, 2); // not fanned out yet
    hooks.setEnabled(ws.companyId(), e.id(), false, "paused", clock.instant());
    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(2L, 1L);
    appendOnly(ws, 2); // while disabled
    fanOut();
    assertThat(all(e)).hasSize(2);
    hooks.setEnabled(ws.companyId(), e.id(), true, null, clock.instant());
    // Enabling an enabled endpoint moves nothing: seq 5 is not skipped.
    appendOnly(ws, 1);
    hooks.setEnabled(ws.companyId(), e.id(), true, null, clock.instant());
    fanOut();
    assertThat(all(e)).extracting(WebhookDelivery::seq).containsExactly(5L, 2L, 1L);
  }

  @Test
  void fanOut_manyThreadsWhileAppending_createEachDeliveryOnce() throws Exception {
    List<WebhookEndpoint> eps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      eps.add(create(ws.companyId(), ws.workspaceId(), Optional.empty()));
    }
    int threads = 4;
    int rounds = 20;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      futures.add(pool.submit(() -> {
        start.await();
        for (int r = 0; r < rounds; r++) {
          appendOnly(ws, 3);
        }
        return null;
      }));
      for (int t = 0; t < threads; t++) {
        int max = 1 + t * 2;
        futures.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < rounds * 3; r++) {
            hooks.fanOut(max);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    fanOut();
    for (WebhookEndpoint e : eps) {
      List<WebhookDelivery> got = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      do {
        DeliveryPage page = hooks.deliveries(e.companyId(), e.id(), Optional.empty(), cursor,
            WebhookStore.MAX_PAGE);
        got.addAll(page.deliveries());
        cursor = page.nextCursor();
      } while (cursor.isPresent());
      assertThat(got).extracting(WebhookDelivery::seq).as("endpoint " + e.id())
          .doesNotHaveDuplicates().hasSize(rounds * 3);
      assertThat(got).extracting(WebhookDelivery::eventId).doesNotHaveDuplicates();
    }
  }

  // ---- claims ----

  @Test
  void claimRuns_oneEndpoint_consecutiveDueDeliveriesUpToTheRunLengthAndAFailureHoldsTheRest() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 5);
    Instant now = clock.instant();

    List<ClaimedRun> runs = hooks.claimRuns(now, 10, 3, LEASE, "w1");
    assertThat(runs).hasSize(1);
    ClaimedRun run = runs.get(0);
    assertThat(run.endpoint()).isEqualTo(e);
    assertThat(run.secrets()).isEqualTo(secretsOf(e));
    assertThat(run.leaseUntil()).isEqualTo(now.plus(LEASE));
    assertThat(run.deliveries()).extracting(WebhookDelivery::seq).containsExactly(1L, 2L, 3L);
    // The run holds the endpoint: nothing of it is claimable by anyone.
    assertThat(hooks.claimRuns(now, 10, 3, LEASE, "w2")).isEmpty();

    // Seq 1 succeeds, seq 2 fails and waits a minute, seq 3 was not attempted.
    Instant retryAt = now.plus(Duration.ofMinutes(1));
    List<WebhookDelivery> ds = run.deliveries();
    Set<UUID> recorded = hooks.completeRun("w1", List.of(
        new DeliveryOutcome(ds.get(0).id(), ok(1, now), DeliveryStatus.SUCCEEDED,
            Optional.empty()),
        new DeliveryOutcome(ds.get(1).id(), failed(1, now), DeliveryStatus.PENDING,
            Optional.of(retryAt))), List.of(ds.get(2).id()));
    assertThat(recorded).containsExactlyInAnyOrder(ds.get(0).id(), ds.get(1).id());
    assertThat(hooks.attempts(ws.companyId(), ds.get(0).id())).containsExactly(ok(1, now));
    assertThat(hooks.attempts(ws.companyId(), ds.get(2).id())).isEmpty();
    assertThat(endpoint(e).failingSince()).contains(now);
    // Seq 3 is released but waits behind seq 2's retry.
    assertThat(hooks.claimRuns(now.plusSeconds(59), 10, 3, LEASE, "w2")).isEmpty();
    ClaimedRun again = hooks.claimRuns(retryAt, 10, 3, LEASE, "w2").get(0);
    assertThat(again.deliveries()).extracting(WebhookDelivery::seq)
        .containsExactly(2L, 3L, 4L);
    assertThat(again.deliveries().get(0).attempts()).isEqualTo(1);
    // A completion by the first worker, whose lease is gone, is refused.
    assertThat(hooks.completeRun("w1", List.of(new DeliveryOutcome(ds.get(2).id(),
        ok(1, retryAt), DeliveryStatus.SUCCEEDED, Optional.empty())), List.of())).isEmpty();
    assertThat(hooks.completeRun("w2", List.of(
        new DeliveryOutcome(again.deliveries().get(0).id(), ok(2, retryAt),
            DeliveryStatus.SUCCEEDED, Optional.empty())), List.of())).hasSize(1);
    assertThat(endpoint(e).failingSince()).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.claimRuns(now, 1, 0, LEASE,
        "w"));
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.completeRun("w",
        List.of(), List.of(ds.get(0).id(), ds.get(0).id())));
  }

  @Test
  void claimRuns_manyThreadsAtOnce_neverHandTheSameDeliveryTwiceAndKeepSeqOrderPerEndpoint()
      throws Exception {
    int endpoints = 6;
    int perEndpoint = 9;
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      ids.add(create(ws.companyId(), ws.workspaceId(), Optional.empty()).id());
    }
    appendN(ws, perEndpoint);
    Instant now = clock.instant();
    int total = endpoints * perEndpoint;
    Map<UUID, Integer> claims = new ConcurrentHashMap<>();
    Map<UUID, List<Long>> order = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    int threads = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String worker = "worker-" + t;
        int max = 1 + t % 3;
        int runLength = 1 + t % 4; // runs of one too: claimDue's
        futures.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < 10_000 && done.get() < total; round++) {
            for (ClaimedRun run : hooks.claimRuns(now, max, runLength, LEASE, worker)) {
              List<DeliveryOutcome> outcomes = new ArrayList<>();
              for (WebhookDelivery d : run.deliveries()) {
                claims.merge(d.id(), 1, Integer::sum);
                order.computeIfAbsent(d.endpointId(), k -> Collections.synchronizedList(
                    new ArrayList<>())).add(d.seq());
                outcomes.add(new DeliveryOutcome(d.id(), ok(1, now), DeliveryStatus.SUCCEEDED,
                    Optional.empty()));
              }
              assertThat(hooks.completeRun(worker, outcomes, List.of()))
                  .hasSize(outcomes.size());
              done.addAndGet(outcomes.size());
            }
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
    assertThat(claims).hasSize(total);
    assertThat(claims.values()).containsOnly(1);
    assertThat(order.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    for (List<Long> seqs : order.values()) {
      assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  @Test
  void claimDue_oneEndpoint_onlyItsLowestPendingSeqAndInSeqOrder() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 3);
    Instant now = clock.instant();

    List<ClaimedDelivery> first = hooks.claimDue(now, 10, LEASE, "w1");
    assertThat(first).hasSize(1);
    ClaimedDelivery c1 = first.get(0);
    assertThat(c1.delivery().seq()).isEqualTo(1);
    assertThat(c1.endpoint()).isEqualTo(e);
    assertThat(c1.secrets()).isEqualTo(secretsOf(e));
    assertThat(c1.leaseUntil()).isEqualTo(now.plus(LEASE));
    // Seq 1 is leased: nothing else of this endpoint is claimable, by anyone.
    assertThat(hooks.claimDue(now, 10, LEASE, "w2")).isEmpty();

    assertThat(complete(c1, "w1", ok(1, now), DeliveryStatus.SUCCEEDED, null)).isTrue();
    ClaimedDelivery c2 = single(hooks.claimDue(now, 10, LEASE, "w2"));
    assertThat(c2.delivery().seq()).isEqualTo(2);
    // Seq 2 fails and waits a minute: seq 3 waits behind it.
    Instant retryAt = now.plus(Duration.ofMinutes(1));
    assertThat(complete(c2, "w2", failed(1, now), DeliveryStatus.PENDING, retryAt)).isTrue();
    assertThat(hooks.claimDue(now.plusSeconds(59), 10, LEASE, "w1")).isEmpty();

    ClaimedDelivery again = single(hooks.claimDue(retryAt, 10, LEASE, "w1"));
    assertThat(again.delivery().seq()).isEqualTo(2);
    assertThat(again.delivery().attempts()).isEqualTo(1);
    assertThat(again.delivery().id()).isEqualTo(c2.delivery().id());
    assertThat(complete(again, "w1", failed(2, retryAt), DeliveryStatus.FAILED, null)).isTrue();
    // A FAILED delivery no longer holds the endpoint back.
    assertThat(single(hooks.claimDue(retryAt, 10, LEASE, "w1")).delivery().seq()).isEqualTo(3);
  }

  @Test
  void claimDue_notYetDue_claimsNothingUntilItsTime() {
    create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    Instant recorded = clock.instant();
    assertThat(hooks.claimDue(recorded.minusNanos(1000), 10, LEASE, "w")).isEmpty();
    assertThat(hooks.claimDue(recorded, 10, LEASE, "w")).hasSize(1);
  }

  @Test
  void claimDue_severalEndpoints_eachGivesItsHeadOldestDueFirstAndMaxBounds() {
    WebhookEndpoint a = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint b = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WorkspaceRef other = new WorkspaceRef(ws.companyId(), uuid(), DataRegion.EU);
    WebhookEndpoint c = create(ws.companyId(), other.workspaceId(), Optional.empty());
    appendN(ws, 2);
    clock.advance(Duration.ofSeconds(1));
    appendN(other, 2);
    Instant now = clock.instant();

    List<ClaimedDelivery> one = hooks.claimDue(now, 1, LEASE, "w1");
    assertThat(one).hasSize(1);
    assertThat(one.get(0).delivery().workspaceId()).isEqualTo(ws.workspaceId());
    List<ClaimedDelivery> rest = hooks.claimDue(now, 10, LEASE, "w2");
    List<ClaimedDelivery> claimed = new ArrayList<>(one);
    claimed.addAll(rest);
    assertThat(claimed).extracting(x -> x.endpoint().id())
        .containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    assertThat(claimed).extracting(x -> x.delivery().seq()).containsOnly(1L);
    assertThat(rest.get(rest.size() - 1).endpoint().id()).isEqualTo(c.id());
  }

  @Test
  void claimDue_disabledEndpoint_claimsNothingUntilEnabledAgain() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 2);
    hooks.setEnabled(ws.companyId(), e.id(), false, "plan downgraded", clock.instant());
    assertThat(hooks.claimDue(clock.instant(), 10, LEASE, "w")).isEmpty();
    assertThat(all(e)).extracting(WebhookDelivery::status).containsOnly(DeliveryStatus.PENDING);

    hooks.setEnabled(ws.companyId(), e.id(), true, null, clock.instant());
    assertThat(single(hooks.claimDue(clock.instant(), 10, LEASE, "w")).delivery().seq())
        .isEqualTo(1);
  }

  @Test
  void claimDue_afterTheLeaseExpired_claimedAgainAndTheFirstWorkersCompleteIsRefused() {
    create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    Instant now = clock.instant();
    ClaimedDelivery dead = single(hooks.claimDue(now, 10, LEASE, "worker-a"));

    assertThat(hooks.claimDue(now.plus(LEASE).minusSeconds(1), 10, LEASE, "worker-b")).isEmpty();
    Instant later = now.plus(LEASE);
    ClaimedDelivery taken = single(hooks.claimDue(later, 10, LEASE, "worker-b"));
    assertThat(taken.delivery().id()).isEqualTo(dead.delivery().id());
    assertThat(taken.leaseUntil()).isEqualTo(later.plus(LEASE));

    assertThat(complete(dead, "worker-a", ok(1, now), DeliveryStatus.SUCCEEDED, null)).isFalse();
    assertThat(hooks.attempts(ws.companyId(), dead.delivery().id())).isEmpty();
    assertThat(complete(taken, "worker-b", ok(1, later), DeliveryStatus.SUCCEEDED, null))
        .isTrue();
    assertThat(hooks.attempts(ws.companyId(), dead.delivery().id()))
        .containsExactly(ok(1, later));
    // Completed: the lease is gone, a second completion is refused.
    assertThat(complete(taken, "worker-b", ok(1, later), DeliveryStatus.SUCCEEDED, null))
        .isFalse();
  }

  @Test
  void complete_attemptNumberNotNext_isRefusedAndWritesNothing() {
    create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    ClaimedDelivery c = single(hooks.claimDue(clock.instant(), 10, LEASE, "w"));
    assertThat(complete(c, "w", ok(2, clock.instant()), DeliveryStatus.SUCCEEDED, null))
        .isFalse();
    assertThat(hooks.attempts(ws.companyId(), c.delivery().id())).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> complete(c, "w",
        ok(1, clock.instant()), DeliveryStatus.FAILED, null));
    assertThatIllegalArgumentException().isThrownBy(() -> complete(c, "w",
        failed(1, clock.instant()), DeliveryStatus.PENDING, null));
    assertThatIllegalArgumentException().isThrownBy(() -> complete(c, "w",
        failed(1, clock.instant()), DeliveryStatus.SUCCEEDED, null));
  }

  @Test
  void complete_recordsTheAttemptAndTheDeliverysLastAttempt() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    Instant now = clock.instant();
    ClaimedDelivery c = single(hooks.claimDue(now, 10, LEASE, "w"));
    DeliveryAttempt timeout = new DeliveryAttempt(1, now.plusMillis(3), new WebhookResponse(0,
        Duration.ofMillis(15_000), "TIMEOUT", ""));
    Instant next = now.plus(Duration.ofMinutes(1));
    assertThat(hooks.complete(c.delivery().id(), "w", timeout, DeliveryStatus.PENDING,
        Optional.of(next))).isTrue();
    WebhookDelivery d = all(e).get(0);
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.lastAttemptAt()).contains(timeout.at());
    assertThat(d.lastStatusCode()).contains(0);
    assertThat(d.nextAttemptAt()).contains(next);

    String excerpt = "x".repeat(WebhookResponse.MAX_EXCERPT);
    DeliveryAttempt answered = new DeliveryAttempt(2, next, new WebhookResponse(503,
        Duration.ofNanos(1_234_567), "", excerpt));
    ClaimedDelivery again = single(hooks.claimDue(next, 10, LEASE, "w"));
    assertThat(hooks.complete(again.delivery().id(), "w", answered, DeliveryStatus.FAILED,
        Optional.empty())).isTrue();
    assertThat(hooks.attempts(ws.companyId(), c.delivery().id()))
        .containsExactly(timeout, answered);
    assertThat(all(e).get(0)).satisfies(x -> {
      assertThat(x.status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(x.nextAttemptAt()).isEmpty();
      assertThat(x.lastStatusCode()).contains(503);
    });
  }

  // ---- endpoints: limits, scope, changes ----

  @Test
  void create_concurrentlyForOneCompany_neverExceedsTheLimit() throws Exception {
    int limit = 3;
    int threads = 8;
    // Several rounds, each a company of its own: more chances for a race to show.
    for (int round = 0; round < 8; round++) {
      UUID company = uuid();
      List<WebhookEndpoint> candidates = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        candidates.add(endpoint(company, ws.workspaceId(), Optional.empty()));
      }
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      AtomicInteger refused = new AtomicInteger();
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (WebhookEndpoint e : candidates) {
          futures.add(pool.submit(() -> {
            start.await();
            try {
              hooks.create(e, secrets(), limit);
            } catch (WebhookLimitException x) {
              assertThat(x.limit()).isEqualTo(limit);
              refused.incrementAndGet();
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(hooks.endpoints(company, Optional.empty())).as("round " + round)
          .hasSize(limit);
      assertThat(refused.get()).isEqualTo(threads - limit);
    }
  }

  @Test
  void create_badArgumentsOrTakenId_refusedAndNothingStored() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    assertThatThrownBy(() -> hooks.create(e, secrets(), 10))
        .isInstanceOf(AlreadyStoredException.class);
    WebhookEndpoint fresh = endpoint(ws.companyId(), ws.workspaceId(), Optional.empty());
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.create(fresh, secrets(), 0));
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.create(fresh, secrets(),
        WebhookStore.MAX_ENDPOINTS + 1));
    WebhookEndpoint off = new WebhookEndpoint(fresh.id(), fresh.companyId(),
        fresh.workspaceId(), fresh.projectId(), fresh.url(), fresh.events(),
        fresh.description(), false, Optional.of("no"), Optional.empty(), fresh.createdAt(),
        fresh.updatedAt());
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.create(off, secrets(), 10));
    assertThatThrownBy(() -> hooks.create(fresh, secrets(), 1))
        .isInstanceOf(WebhookLimitException.class);
    assertThat(hooks.endpoints(ws.companyId(), Optional.empty())).containsExactly(e);
  }

  @Test
  void endpoints_oldestFirstAndByWorkspace() {
    WebhookEndpoint a = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    clock.advance(Duration.ofSeconds(1));
    UUID otherWs = uuid();
    WebhookEndpoint b = create(ws.companyId(), otherWs, Optional.of(uuid()));
    clock.advance(Duration.ofSeconds(1));
    WebhookEndpoint c = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    create(uuid(), ws.workspaceId(), Optional.empty());

    assertThat(hooks.endpoints(ws.companyId(), Optional.empty())).containsExactly(a, b, c);
    assertThat(hooks.endpoints(ws.companyId(), Optional.of(ws.workspaceId())))
        .containsExactly(a, c);
    assertThat(hooks.endpoint(ws.companyId(), b.id())).contains(b);
  }

  @Test
  void everyMethod_anotherCompanysIds_areUnknownAndChangeNothing() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    Instant now = clock.instant();
    ClaimedDelivery c = single(hooks.claimDue(now, 10, LEASE, "w"));
    complete(c, "w", failed(1, now), DeliveryStatus.FAILED, null);
    UUID intruder = uuid();
    UUID deliveryId = c.delivery().id();

    assertThat(hooks.endpoint(intruder, e.id())).isEmpty();
    assertThat(hooks.endpoints(intruder, Optional.empty())).isEmpty();
    assertThat(hooks.endpoints(intruder, Optional.of(ws.workspaceId()))).isEmpty();
    assertThat(hooks.setEnabled(intruder, e.id(), false, "x", now)).isEmpty();
    assertThat(hooks.rotateSecret(intruder, e.id(), sealed(), now, now)).isEmpty();
    DeliveryPage page = hooks.deliveries(intruder, e.id(), Optional.empty(), Optional.empty(),
        10);
    assertThat(page.deliveries()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
    assertThat(hooks.attempts(intruder, deliveryId)).isEmpty();
    assertThat(hooks.retry(intruder, e.id(), deliveryId, now)).isEmpty();

    assertThat(hooks.endpoint(ws.companyId(), e.id()).orElseThrow().enabled()).isTrue();
    assertThat(hooks.claimDue(now, 10, LEASE, "w")).isEmpty(); // still FAILED
    assertThat(hooks.attempts(ws.companyId(), deliveryId)).hasSize(1);
    assertThat(hooks.claimDue(now, 10, LEASE, "w")).isEmpty();
    assertThat(hooks.endpoint(ws.companyId(), uuid())).isEmpty();
  }

  @Test
  void rotateSecret_oldSecretBecomesPreviousUntilTheGivenTime() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookSecrets original = secretsOf(e);
    SealedSecret next = sealed();
    Instant at = T0.plus(Duration.ofHours(1));
    Instant until = at.plus(Duration.ofHours(24));

    WebhookEndpoint rotated = hooks.rotateSecret(ws.companyId(), e.id(), next, until, at)
        .orElseThrow();
    assertThat(rotated.updatedAt()).isEqualTo(at);
    appendN(ws, 1);
    ClaimedDelivery c = single(hooks.claimDue(clock.instant().plus(Duration.ofHours(2)), 1,
        LEASE, "w"));
    assertThat(c.secrets()).isEqualTo(new WebhookSecrets(next, Optional.of(original.current()),
        Optional.of(until)));
    assertThat(c.endpoint()).isEqualTo(rotated);

    // Rotating again drops the oldest secret; the claim after the lease shows the change.
    SealedSecret third = sealed();
    hooks.rotateSecret(ws.companyId(), e.id(), third, until.plusSeconds(60), at.plusSeconds(60));
    ClaimedDelivery later = single(hooks.claimDue(clock.instant().plus(Duration.ofHours(3)), 1,
        LEASE, "w"));
    assertThat(later.delivery().id()).isEqualTo(c.delivery().id());
    assertThat(later.secrets()).isEqualTo(new WebhookSecrets(third, Optional.of(next),
        Optional.of(until.plusSeconds(60))));
    assertThat(hooks.rotateSecret(ws.companyId(), uuid(), third, until, at)).isEmpty();
  }

  @Test
  void setEnabled_disableNeedsAReasonEnableClearsReasonAndFailingSince() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 1);
    Instant now = clock.instant();
    complete(single(hooks.claimDue(now, 1, LEASE, "w")), "w", failed(1, now),
        DeliveryStatus.PENDING, now.plusSeconds(60));
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.setEnabled(ws.companyId(),
        e.id(), false, " ", now));
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.setEnabled(ws.companyId(),
        e.id(), false, "r".repeat(WebhookStore.MAX_REASON + 1), now));

    WebhookEndpoint off = hooks.setEnabled(ws.companyId(), e.id(), false, "by a user",
        now.plusSeconds(1)).orElseThrow();
    assertThat(off.enabled()).isFalse();
    assertThat(off.disabledReason()).contains("by a user");
    assertThat(off.failingSince()).contains(now);
    assertThat(off.updatedAt()).isEqualTo(now.plusSeconds(1));
    // An earlier time never moves updatedAt back.
    WebhookEndpoint on = hooks.setEnabled(ws.companyId(), e.id(), true, null, T0)
        .orElseThrow();
    assertThat(on.enabled()).isTrue();
    assertThat(on.disabledReason()).isEmpty();
    assertThat(on.failingSince()).isEmpty();
    assertThat(on.updatedAt()).isEqualTo(now.plusSeconds(1));
    assertThat(hooks.endpoint(ws.companyId(), e.id())).contains(on);
  }

  @Test
  void retry_failedDelivery_isDueAgainWithItsAttemptsSucceededIsNot() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 2);
    Instant now = clock.instant();
    ClaimedDelivery first = single(hooks.claimDue(now, 1, LEASE, "w"));
    complete(first, "w", failed(1, now), DeliveryStatus.FAILED, null);
    ClaimedDelivery second = single(hooks.claimDue(now, 1, LEASE, "w"));
    complete(second, "w", ok(1, now), DeliveryStatus.SUCCEEDED, null);

    Instant later = now.plus(Duration.ofHours(7));
    assertThat(hooks.retry(ws.companyId(), e.id(), second.delivery().id(), later)).isEmpty();
    assertThat(hooks.retry(ws.companyId(), uuid(), first.delivery().id(), later)).isEmpty();
    assertThat(hooks.retry(ws.companyId(), e.id(), uuid(), later)).isEmpty();
    WebhookDelivery retried = hooks.retry(ws.companyId(), e.id(), first.delivery().id(), later)
        .orElseThrow();
    assertThat(retried.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(retried.nextAttemptAt()).contains(later);
    assertThat(retried.lastStatusCode()).contains(500);

    assertThat(hooks.claimDue(later.minusSeconds(1), 1, LEASE, "w")).isEmpty();
    ClaimedDelivery again = single(hooks.claimDue(later, 1, LEASE, "w"));
    assertThat(again.delivery()).isEqualTo(retried);
    assertThat(complete(again, "w", ok(2, later), DeliveryStatus.SUCCEEDED, null)).isTrue();
    assertThat(hooks.attempts(ws.companyId(), first.delivery().id()))
        .containsExactly(failed(1, now), ok(2, later));
  }

  @Test
  void disableFailing_endpointsFailingSinceTheCutoff_disabledWithTheReason() {
    WebhookEndpoint failingLong = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint failingShort = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint recovered = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint healthy = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 3);
    Instant t1 = clock.instant();
    Map<UUID, ClaimedDelivery> byEndpoint = claimAll(t1);
    complete(byEndpoint.get(failingLong.id()), "w", failed(1, t1), DeliveryStatus.PENDING,
        t1.plusSeconds(60));
    complete(byEndpoint.get(recovered.id()), "w", failed(1, t1), DeliveryStatus.FAILED, null);
    complete(byEndpoint.get(healthy.id()), "w", ok(1, t1), DeliveryStatus.SUCCEEDED, null);
    complete(byEndpoint.get(failingShort.id()), "w", ok(1, t1), DeliveryStatus.SUCCEEDED, null);
    assertThat(endpoint(failingLong).failingSince()).contains(t1);

    Instant t2 = t1.plus(Duration.ofDays(3));
    byEndpoint = claimAll(t2);
    // A second failure keeps the start of the run.
    complete(byEndpoint.get(failingLong.id()), "w", failed(2, t2), DeliveryStatus.FAILED, null);
    complete(byEndpoint.get(recovered.id()), "w", ok(1, t2), DeliveryStatus.SUCCEEDED, null);
    complete(byEndpoint.get(failingShort.id()), "w", failed(1, t2), DeliveryStatus.FAILED,
        null);
    assertThat(endpoint(failingLong).failingSince()).contains(t1);
    assertThat(endpoint(recovered).failingSince()).isEmpty();
    assertThat(endpoint(failingShort).failingSince()).contains(t2);

    Instant t3 = t1.plus(Duration.ofDays(5));
    List<WebhookEndpoint> disabled = hooks.disableFailing(t3.minus(Duration.ofDays(5)),
        "failing for 5 days", t3);
    assertThat(disabled).extracting(WebhookEndpoint::id).containsExactly(failingLong.id());
    WebhookEndpoint off = endpoint(failingLong);
    assertThat(disabled).containsExactly(off);
    assertThat(off.enabled()).isFalse();
    assertThat(off.disabledReason()).contains("failing for 5 days");
    assertThat(off.updatedAt()).isEqualTo(t3);
    assertThat(endpoint(failingShort).enabled()).isTrue();
    assertThat(hooks.disableFailing(t3, "again", t3)).extracting(WebhookEndpoint::id)
        .containsExactly(failingShort.id());
    assertThat(endpoint(healthy).enabled()).isTrue();
    assertThat(endpoint(recovered).enabled()).isTrue();
  }

  // ---- pages ----

  @Test
  void deliveries_pagesNewestFirstWithoutGapsOrRepeatsAndByStatus() {
    WebhookEndpoint e = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    WebhookEndpoint other = create(ws.companyId(), ws.workspaceId(), Optional.empty());
    appendN(ws, 230);
    Instant now = clock.instant();
    // Seqs 1..3 of e: SUCCEEDED, FAILED, SUCCEEDED; the rest PENDING.
    DeliveryStatus[] outcomes = {DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED,
        DeliveryStatus.SUCCEEDED};
    for (DeliveryStatus s : outcomes) {
      ClaimedDelivery c = hooks.claimDue(now, 10, LEASE, "w").stream()
          .filter(x -> x.endpoint().id().equals(e.id())).findFirst().orElseThrow();
      complete(c, "w", s == DeliveryStatus.SUCCEEDED ? ok(1, now) : failed(1, now), s, null);
    }

    List<Long> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      DeliveryPage p = hooks.deliveries(ws.companyId(), e.id(), Optional.empty(), cursor, 100);
      assertThat(p.deliveries()).allSatisfy(d -> assertThat(d.endpointId()).isEqualTo(e.id()));
      p.deliveries().forEach(d -> seen.add(d.seq()));
      cursor = p.nextCursor();
      pages++;
    } while (cursor.isPresent());
    assertThat(pages).isEqualTo(3);
    List<Long> expected = new ArrayList<>();
    for (long s = 230; s >= 1; s--) {
      expected.add(s);
    }
    assertThat(seen).isEqualTo(expected);

    DeliveryPage succeeded = hooks.deliveries(ws.companyId(), e.id(),
        Optional.of(DeliveryStatus.SUCCEEDED), Optional.empty(), 1);
    assertThat(succeeded.deliveries()).extracting(WebhookDelivery::seq).containsExactly(3L);
    DeliveryPage rest = hooks.deliveries(ws.companyId(), e.id(),
        Optional.of(DeliveryStatus.SUCCEEDED), succeeded.nextCursor(), 1);
    assertThat(rest.deliveries()).extracting(WebhookDelivery::seq).containsExactly(1L);
    assertThat(rest.nextCursor()).isEmpty();
    assertThat(hooks.deliveries(ws.companyId(), e.id(), Optional.of(DeliveryStatus.FAILED),
        Optional.empty(), 100).deliveries()).extracting(WebhookDelivery::seq)
        .containsExactly(2L);
    assertThat(hooks.deliveries(ws.companyId(), e.id(), Optional.of(DeliveryStatus.PENDING),
        Optional.empty(), 100).nextCursor()).isPresent();

    // A cursor is bound to its endpoint and filter, and any edit is caught.
    String c = hooks.deliveries(ws.companyId(), e.id(), Optional.empty(), Optional.empty(), 10)
        .nextCursor().orElseThrow();
    assertThatThrownBy(() -> hooks.deliveries(ws.companyId(), other.id(), Optional.empty(),
        Optional.of(c), 10)).isInstanceOf(InvalidCursorException.class);
    assertThatThrownBy(() -> hooks.deliveries(ws.companyId(), e.id(),
        Optional.of(DeliveryStatus.PENDING), Optional.of(c), 10))
        .isInstanceOf(InvalidCursorException.class);
    for (String bad : tampered(c)) {
      assertThatThrownBy(() -> hooks.deliveries(ws.companyId(), e.id(), Optional.empty(),
          Optional.of(bad), 10)).as(bad).isInstanceOf(InvalidCursorException.class);
    }
    assertThatIllegalArgumentException().isThrownBy(() -> hooks.deliveries(ws.companyId(),
        e.id(), Optional.empty(), Optional.empty(), WebhookStore.MAX_PAGE + 1));
  }

  /** Cursors that differ from {@code c}: an edited seq, edited characters, cut, garbage. */
  private static List<String> tampered(String c) {
    List<String> out = new ArrayList<>();
    String raw = new String(Base64.getUrlDecoder().decode(c), StandardCharsets.US_ASCII);
    String[] parts = raw.split("\\.");
    parts[3] = "999999";
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(".", parts)
        .getBytes(StandardCharsets.US_ASCII)));
    for (int i = 0; i < c.length(); i += 7) {
      char ch = c.charAt(i);
      out.add(c.substring(0, i) + (ch == 'A' ? 'B' : 'A') + c.substring(i + 1));
    }
    out.add(c.substring(0, c.length() - 2));
    out.add("");
    out.add("!!!");
    out.add("x".repeat(500));
    return out;
  }

  // ---- helpers ----

  /** Claims the head of every endpoint due at {@code now}, by endpoint. */
  private Map<UUID, ClaimedDelivery> claimAll(Instant now) {
    Map<UUID, ClaimedDelivery> out = new HashMap<>();
    for (ClaimedDelivery c : hooks.claimDue(now, WebhookStore.MAX_CLAIM, LEASE, "w")) {
      assertThat(out.put(c.endpoint().id(), c)).isNull();
    }
    return out;
  }

  private WebhookEndpoint endpoint(WebhookEndpoint e) {
    return hooks.endpoint(e.companyId(), e.id()).orElseThrow();
  }

  private final Map<UUID, WebhookSecrets> secretsById = new ConcurrentHashMap<>();

  /** The secrets {@code e} was created with. */
  private WebhookSecrets secretsOf(WebhookEndpoint e) {
    return secretsById.get(e.id());
  }

  private List<WebhookDelivery> all(WebhookEndpoint e) {
    return hooks.deliveries(e.companyId(), e.id(), Optional.empty(), Optional.empty(),
        WebhookStore.MAX_PAGE).deliveries();
  }

  private static ClaimedDelivery single(List<ClaimedDelivery> claims) {
    assertThat(claims).hasSize(1);
    return claims.get(0);
  }

  private boolean complete(ClaimedDelivery c, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Instant nextAttemptAt) {
    return hooks.complete(c.delivery().id(), worker, attempt, next,
        Optional.ofNullable(nextAttemptAt));
  }

  private static DeliveryAttempt ok(int number, Instant at) {
    return new DeliveryAttempt(number, at, new WebhookResponse(200, Duration.ofMillis(42), "",
        "{\"ok\":true}"));
  }

  private static DeliveryAttempt failed(int number, Instant at) {
    return new DeliveryAttempt(number, at, new WebhookResponse(500, Duration.ofMillis(7), "",
        "internal error"));
  }

  /** Appends one event, then fans out (as a dispatcher's next claim does). */
  private AuditEvent append(WorkspaceRef w, NewEvent e) {
    AuditEvent out = log.append(w, e).event();
    fanOut();
    return out;
  }

  /** Appends {@code n} events in one batch, then fans out. */
  private void appendN(WorkspaceRef w, int n) {
    appendOnly(w, n);
    fanOut();
  }

  /** Appends {@code n} events in one batch, without a fan-out. */
  private void appendOnly(WorkspaceRef w, int n) {
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(event("e" + i, null));
    }
    log.appendBatch(w, batch);
  }

  /** Fans out until every enabled endpoint is at its chain's head. */
  private void fanOut() {
    for (int i = 0; hooks.fanOut(WebhookStore.MAX_FAN_OUT); i++) {
      assertThat(i).as("fan-out rounds").isLessThan(100);
    }
  }

  private static NewEvent event(String action, UUID project) {
    NewEvent.Builder b = NewEvent.builder("webhook.test", action);
    if (project != null) {
      b.projectId(project);
    }
    return b.build();
  }

  private WebhookEndpoint create(UUID company, UUID workspace, Optional<UUID> project) {
    WebhookEndpoint e = endpoint(company, workspace, project);
    WebhookSecrets s = secrets();
    WebhookEndpoint stored = hooks.create(e, s, WebhookStore.MAX_ENDPOINTS);
    assertThat(stored).isEqualTo(e);
    secretsById.put(stored.id(), s);
    return stored;
  }

  private synchronized WebhookEndpoint endpoint(UUID company, UUID workspace,
      Optional<UUID> project) {
    Instant now = clock.instant();
    return new WebhookEndpoint(uuid(), company, workspace, project,
        URI.create("https://hooks.example.com/h/" + random.nextInt(1_000_000)),
        Set.of(WebhookEventType.AUDIT_EVENT_CREATED), "receiver", true, Optional.empty(),
        Optional.empty(), now, now);
  }

  private synchronized WebhookSecrets secrets() {
    return WebhookSecrets.of(sealed());
  }

  private synchronized SealedSecret sealed() {
    byte[] b = new byte[60];
    random.nextBytes(b);
    return SealedSecret.of(b);
  }

  private synchronized UUID uuid() {
    return new UUID(random.nextLong(), random.nextLong());
  }
}
