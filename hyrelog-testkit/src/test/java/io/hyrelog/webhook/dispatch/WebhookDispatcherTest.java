package io.hyrelog.webhook.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.EventJson;
import io.hyrelog.IdSource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.testkit.ForwardingEventStore;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.StandardWebhooksReference;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.RetrySchedule;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSecrets;
import io.hyrelog.webhook.WebhookVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher end to end on one machine: events appended to the in-memory event store, whose
 * {@link InMemoryEventStore#webhooks()} writes the deliveries (the outbox), a test transport over
 * the JDK's HTTP client ({@link JdkHttpTransport}; the SSRF-safe transport is another module's)
 * and a real HTTP receiver on loopback. Time is virtual; every signature is checked with {@link
 * StandardWebhooksReference}, an implementation independent of the library's.
 */
class WebhookDispatcherTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final WorkspaceRef WS = SampleEvents.workspace(15, DataRegion.EU);
  private static final String KEY = "5e".repeat(32);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryEventStore events = new InMemoryEventStore();
  private final EventLog log = EventLog.builder(events).clock(clock)
      .idSource(IdSource.seeded(clock, 15)).build();
  private final SampleEvents sample = new SampleEvents(15);
  private final WebhookStore store = events.webhooks().orElseThrow();
  /** Events the dispatcher's reader no longer finds (as if archived and purged). */
  private final Set<UUID> purged = ConcurrentHashMap.newKeySet();
  private final EventStore reader = new ForwardingEventStore(events) {
    @Override
    public Optional<AuditEvent> find(EventScope scope, UUID eventId) {
      return purged.contains(eventId) ? Optional.empty() : super.find(scope, eventId);
    }
  };
  private final SecretSealer sealer = SecretSealer.fromHex(KEY);
  private final List<String> heard = new ArrayList<>();
  private Receiver receiver;
  private WebhookDispatcher dispatcher;
  private int endpoints;

  @BeforeEach
  void setUp() throws Exception {
    receiver = new Receiver();
    dispatcher = dispatcher(sealer, 4);
  }

  @AfterEach
  void tearDown() {
    dispatcher.close();
    receiver.close();
  }

  private WebhookDispatcher dispatcher(SecretSealer s, int concurrency) {
    return WebhookDispatcher.builder(store, reader, new JdkHttpTransport(), s).clock(clock)
        .worker("worker-1").lease(Duration.ofMinutes(1)).batchSize(10)
        .concurrency(concurrency).listener(new WebhookDispatcher.Listener() {
          @Override
          public synchronized void attempted(ClaimedDelivery claim, DeliveryAttempt attempt,
              DeliveryStatus next) {
            heard.add(claim.delivery().seq() + ":" + attempt.number() + ":" + next);
          }
        }).build();
  }

  private WebhookEndpoint endpoint(String path, WebhookSecret secret) {
    UUID id = new UUID(0x0192f0c1L, ++endpoints);
    WebhookEndpoint e = new WebhookEndpoint(id, WS.companyId(), WS.workspaceId(),
        Optional.empty(), receiver.url(path), EnumSet.of(WebhookEventType.AUDIT_EVENT_CREATED),
        "", true, Optional.empty(), Optional.empty(), T0, T0);
    return store.create(e, WebhookSecrets.of(sealer.seal(id, secret)), 10);
  }

  /** Appends an event and fans it out into deliveries. */
  private AuditEvent append() {
    AuditEvent e = log.append(WS, sample.next(null)).event();
    dispatcher.fanOut(); // as the dispatcher's next claim does
    return e;
  }

  /** Every delivery of the test's company, through the port's pages. */
  private List<WebhookDelivery> allDeliveries() {
    List<WebhookDelivery> out = new ArrayList<>();
    for (WebhookEndpoint ep : store.endpoints(WS.companyId(), Optional.empty())) {
      Optional<String> cursor = Optional.empty();
      do {
        DeliveryPage page = store.deliveries(WS.companyId(), ep.id(), Optional.empty(), cursor,
            WebhookStore.MAX_PAGE);
        out.addAll(page.deliveries());
        cursor = page.nextCursor();
      } while (cursor.isPresent());
    }
    return out;
  }

  private UUID deliveryOf(UUID eventId) {
    return allDeliveries().stream().filter(d -> d.eventId().equals(eventId)).findFirst()
        .orElseThrow().id();
  }

  private WebhookDelivery delivery(UUID id) {
    return allDeliveries().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
  }

  private static void assertSignedDelivery(Receiver.Request r, WebhookSecret secret,
      WebhookDelivery d, AuditEvent e, Instant at) throws Exception {
    assertThat(r.headers()).containsEntry("webhook-id", d.id().toString())
        .containsEntry("webhook-timestamp", Long.toString(at.getEpochSecond()))
        .containsEntry("x-hyrelog-timestamp", Long.toString(at.getEpochSecond()))
        .containsEntry("content-type", "application/json");
    assertThat(StandardWebhooksReference.verifies(secret.reveal(), r.headers(), r.body()))
        .isTrue();
    assertThat(r.headers().get("x-hyrelog-signature")).isEqualTo(StandardWebhooksReference
        .seedSign(secret.reveal(), Long.toString(at.getEpochSecond()), r.body()));
    // The body is the event as the server writes it for GET /v1/events (its tree, through a
    // default Jackson writer), and it reads back as the very event.
    assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
        JSON.writeValueAsString(EventJson.toTree(e)));
    assertThat(EventJson.fromTree(JSON.readTree(r.body()))).isEqualTo(e);
  }

  @Test
  void runOnce_healthyReceiver_deliversInSeqOrderSignedAndChained() throws Exception {
    WebhookSecret secret = WebhookSecret.generate();
    WebhookEndpoint ep = endpoint("/a", secret);
    AuditEvent e1 = append();
    AuditEvent e2 = append();
    UUID d1 = deliveryOf(e1.id());

    // One run: both, in seq order, recorded together.
    assertThat(dispatcher.runOnce())
        .isEqualTo(new WebhookDispatcher.Outcome(2, 2, 0, 0, 0, 0, 0, 0));
    assertThat(dispatcher.runOnce()).isEqualTo(WebhookDispatcher.Outcome.NONE);

    List<Receiver.Request> got = receiver.received("/a");
    assertThat(got).hasSize(2);
    assertSignedDelivery(got.get(0), secret, delivery(d1), e1, T0);
    JsonNode second = JSON.readTree(got.get(1).body());
    assertThat(second.get("seq").asLong()).isEqualTo(2);
    assertThat(second.get("prevHash").asText()).isEqualTo(e1.hash().hex());
    assertThat(EventJson.fromTree(second)).isEqualTo(e2);
    // The library's verifier accepts what the dispatcher sent.
    WebhookVerifier.builder().secret(secret).clock(clock).build()
        .verify(got.get(0).headers(), got.get(0).body());
    WebhookDelivery done = delivery(d1);
    assertThat(done.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(store.attempts(WS.companyId(), d1)).singleElement()
        .satisfies(a -> assertThat(a.response().statusCode()).isEqualTo(204));
    assertThat(store.endpoint(WS.companyId(), ep.id()).orElseThrow().failingSince()).isEmpty();
    assertThat(heard).containsExactly("1:1:SUCCEEDED", "2:1:SUCCEEDED");
  }

  @Test
  void runOnce_failingThenRecovering_followsTheScheduleAndHoldsLaterEvents() throws Exception {
    WebhookSecret secret = WebhookSecret.generate();
    WebhookEndpoint ep = endpoint("/flaky", secret);
    receiver.answer("/flaky", r -> receiver.received("/flaky").size() <= 3 ? 500 : 200);
    append();
    append();

    WebhookDispatcher.Outcome first = dispatcher.runOnce();        // attempt 1 at T0
    assertThat(first.retrying()).isEqualTo(1);
    assertThat(first.released()).as("seq 2 waits behind seq 1").isEqualTo(1);
    Duration[] waits = {Duration.ofMinutes(1), Duration.ofMinutes(5)};
    for (Duration wait : waits) {
      clock.advance(wait.minusSeconds(1));
      assertThat(dispatcher.runOnce()).as("not yet due").isEqualTo(WebhookDispatcher.Outcome.NONE);
      clock.advance(Duration.ofSeconds(1));
      assertThat(dispatcher.runOnce().retrying()).isEqualTo(1);
    }
    clock.advance(Duration.ofMinutes(30).minusSeconds(1));
    assertThat(dispatcher.runOnce()).isEqualTo(WebhookDispatcher.Outcome.NONE);
    assertThat(store.endpoint(WS.companyId(), ep.id()).orElseThrow().failingSince())
        .contains(T0);
    clock.advance(Duration.ofSeconds(1));
    // Attempt 4 of seq 1 succeeds, then seq 2 in the same run.
    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(2);

    List<Receiver.Request> got = receiver.received("/flaky");
    assertThat(got).hasSize(5);
    // One webhook-id across the retries of seq 1, a fresh timestamp on each attempt.
    assertThat(got.subList(0, 4)).extracting(r -> r.headers().get("webhook-id")).containsOnly(
        got.get(0).headers().get("webhook-id"));
    Instant[] at = {T0, T0.plusSeconds(60), T0.plusSeconds(6 * 60), T0.plusSeconds(36 * 60)};
    for (int i = 0; i < 4; i++) {
      assertThat(got.get(i).headers().get("webhook-timestamp"))
          .isEqualTo(Long.toString(at[i].getEpochSecond()));
      assertThat(StandardWebhooksReference.verifies(secret.reveal(), got.get(i).headers(),
          got.get(i).body())).isTrue();
    }
    assertThat(JSON.readTree(got.get(4).body()).get("seq").asLong()).isEqualTo(2);
    assertThat(heard).containsExactly("1:1:PENDING", "1:2:PENDING", "1:3:PENDING",
        "1:4:SUCCEEDED", "2:1:SUCCEEDED");
    assertThat(store.endpoint(WS.companyId(), ep.id()).orElseThrow().failingSince()).isEmpty();
  }

  @Test
  void runOnce_failureMidRun_earlierOnesSucceedOnceTheFailingOneRetriesLaterOnesWaitNotLost()
      throws Exception {
    endpoint("/mid", WebhookSecret.generate());
    // The first attempt of seq 3 fails; everything else succeeds.
    receiver.answer("/mid", r -> receiver.received("/mid").size() == 3 ? 500 : 204);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(deliveryOf(append().id()));
    }

    WebhookDispatcher.Outcome o = dispatcher.runOnce();
    assertThat(o).isEqualTo(new WebhookDispatcher.Outcome(4, 2, 1, 0, 0, 0, 0, 1));
    assertThat(seqsReceived("/mid")).containsExactly(1L, 2L, 3L);
    assertThat(ids.stream().map(this::delivery).toList())
        .extracting(WebhookDelivery::status, WebhookDelivery::attempts).containsExactly(
            org.assertj.core.groups.Tuple.tuple(DeliveryStatus.SUCCEEDED, 1),
            org.assertj.core.groups.Tuple.tuple(DeliveryStatus.SUCCEEDED, 1),
            org.assertj.core.groups.Tuple.tuple(DeliveryStatus.PENDING, 1),
            org.assertj.core.groups.Tuple.tuple(DeliveryStatus.PENDING, 0));
    // Seq 4 was released, not lost, and is not sent before seq 3's retry.
    assertThat(dispatcher.runOnce()).isEqualTo(WebhookDispatcher.Outcome.NONE);
    clock.advance(Duration.ofMinutes(1));
    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(2);
    assertThat(seqsReceived("/mid")).containsExactly(1L, 2L, 3L, 3L, 4L);
    assertThat(ids.stream().map(this::delivery).toList()).extracting(WebhookDelivery::status)
        .containsOnly(DeliveryStatus.SUCCEEDED);
    assertThat(heard).containsExactly("1:1:SUCCEEDED", "2:1:SUCCEEDED", "3:1:PENDING",
        "3:2:SUCCEEDED", "4:1:SUCCEEDED");
    // One webhook-id per delivery, the same on seq 3's two attempts.
    List<Receiver.Request> got = receiver.received("/mid");
    assertThat(got.get(2).headers().get("webhook-id")).isEqualTo(ids.get(2).toString())
        .isEqualTo(got.get(3).headers().get("webhook-id"));
  }

  @Test
  void runOnce_runReachingTheEndOfItsLease_stopsAndReleasesTheRest() {
    endpoint("/slow", WebhookSecret.generate());
    // Each answer takes 20 s of the virtual clock; the lease is 1 min and an attempt may take
    // 15 s (the default attempt timeout), so the run starts no attempt after 45 s: seqs 1, 2, 3
    // are sent (at 0, 20 and 40 s), seq 4 would start at 60 s.
    receiver.answer("/slow", r -> {
      clock.advance(Duration.ofSeconds(20));
      return 204;
    });
    for (int i = 0; i < 4; i++) {
      append();
    }
    WebhookDispatcher.Outcome o = dispatcher.runOnce();
    assertThat(o.succeeded()).isEqualTo(3);
    assertThat(o.released()).isEqualTo(1);
    // Released at once: the next claim continues with seq 4.
    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(1);
    assertThat(seqsReceived("/slow")).containsExactly(1L, 2L, 3L, 4L);
  }

  private List<Long> seqsReceived(String path) {
    return receiver.received(path).stream().map(r -> {
      try {
        return JSON.readTree(r.body()).get("seq").asLong();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList();
  }

  @Test
  void runOnce_alwaysFailing_failedAfterFiveAttemptsThenDisabledAfterFiveDays() {
    WebhookEndpoint ep = endpoint("/down", WebhookSecret.generate());
    receiver.answer("/down", r -> 503);
    AuditEvent e1 = append();
    UUID d1 = deliveryOf(e1.id());

    Duration[] waits = {Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(30), Duration.ofHours(6)};
    for (int i = 0; i < waits.length; i++) {
      clock.advance(waits[i]);
      WebhookDispatcher.Outcome o = dispatcher.runOnce();
      assertThat(o.claimed()).as("attempt " + (i + 1)).isEqualTo(1);
      assertThat(o.failed()).isEqualTo(i == 4 ? 1 : 0);
    }
    WebhookDelivery d = delivery(d1);
    assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(d.attempts()).isEqualTo(5);
    assertThat(d.nextAttemptAt()).isEmpty();
    assertThat(d.lastStatusCode()).contains(503);
    clock.advance(Duration.ofDays(1));
    assertThat(dispatcher.runOnce()).isEqualTo(WebhookDispatcher.Outcome.NONE);
    assertThat(receiver.received("/down")).hasSize(5);
    assertThat(e1.seq()).isEqualTo(1);

    clock.set(T0.plus(RetrySchedule.DISABLE_AFTER).minusSeconds(1));
    assertThat(dispatcher.disableFailing(clock.instant())).isEmpty();
    clock.set(T0.plus(RetrySchedule.DISABLE_AFTER));
    assertThat(dispatcher.disableFailing(clock.instant())).extracting(WebhookEndpoint::id)
        .containsExactly(ep.id());
    WebhookEndpoint off = store.endpoint(WS.companyId(), ep.id()).orElseThrow();
    assertThat(off.enabled()).isFalse();
    assertThat(off.disabledReason()).contains(WebhookDispatcher.DISABLED_FAILING);
  }

  @Test
  void runOnce_disabledEndpoint_notSentUntilEnabled() {
    WebhookEndpoint off = endpoint("/off", WebhookSecret.generate());
    endpoint("/on", WebhookSecret.generate());
    append();
    store.setEnabled(WS.companyId(), off.id(), false, "user", T0);

    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(1);
    assertThat(receiver.received("/on")).hasSize(1);
    assertThat(receiver.received("/off")).isEmpty();

    store.setEnabled(WS.companyId(), off.id(), true, "", T0);
    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(1);
    assertThat(receiver.received("/off")).hasSize(1);
  }

  @Test
  void runOnce_admissionRefuses_endpointDisabledDeliveryKeptThenResumedAfterEnable() {
    Set<UUID> refused = ConcurrentHashMap.newKeySet();
    List<String> disabled = new ArrayList<>();
    dispatcher.close();
    dispatcher = WebhookDispatcher.builder(store, reader, new JdkHttpTransport(), sealer)
        .clock(clock).worker("worker-1").lease(Duration.ofMinutes(1)).batchSize(10)
        .admission(e -> refused.contains(e.id()) ? Optional.of("PLAN_RESTRICTED")
            : Optional.empty())
        .listener(new WebhookDispatcher.Listener() {
          @Override
          public synchronized void refused(WebhookEndpoint e) {
            disabled.add(e.id() + ":" + e.disabledReason().orElse(""));
          }
        }).build();
    WebhookEndpoint downgraded = endpoint("/downgraded", WebhookSecret.generate());
    endpoint("/kept", WebhookSecret.generate());
    refused.add(downgraded.id());
    append();

    WebhookDispatcher.Outcome o = dispatcher.runOnce();
    assertThat(o.succeeded()).isEqualTo(1);
    assertThat(o.refused()).isEqualTo(1);
    assertThat(receiver.received("/downgraded")).isEmpty();
    assertThat(receiver.received("/kept")).hasSize(1);
    WebhookEndpoint now = store.endpoint(WS.companyId(), downgraded.id()).orElseThrow();
    assertThat(now.enabled()).isFalse();
    assertThat(now.disabledReason()).contains("PLAN_RESTRICTED");
    assertThat(disabled).containsExactly(downgraded.id() + ":PLAN_RESTRICTED");
    assertThat(allDeliveries()).filteredOn(d -> d.endpointId().equals(downgraded.id()))
        .singleElement().satisfies(d -> {
          assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
          assertThat(d.attempts()).isZero();
        });

    // Appended while disabled: no delivery for the disabled endpoint (the outbox skips it).
    append();
    assertThat(allDeliveries()).filteredOn(d -> d.endpointId().equals(downgraded.id()))
        .hasSize(1);

    // Upgraded and enabled again: the kept delivery goes out once its lease has run out.
    refused.clear();
    store.setEnabled(WS.companyId(), downgraded.id(), true, "", clock.instant());
    clock.advance(Duration.ofMinutes(2));
    dispatcher.runOnce();
    assertThat(receiver.received("/downgraded")).hasSize(1);
  }

  @Test
  void start_slowEndpoint_otherEndpointsStillDelivered() throws Exception {
    endpoint("/slow", WebhookSecret.generate());
    endpoint("/fast", WebhookSecret.generate());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch fastDone = new CountDownLatch(3);
    receiver.answer("/slow", r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 204;
    });
    receiver.answer("/fast", r -> {
      fastDone.countDown();
      return 204;
    });
    append();
    append();
    append();
    try {
      dispatcher.start(Duration.ofMillis(10));
      // The slow endpoint's first delivery holds one thread; the fast one gets all three.
      assertThat(fastDone.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(receiver.received("/slow")).hasSize(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void start_backlogOfOneEndpoint_drainedWithoutWaitingAPollIntervalPerDelivery()
      throws Exception {
    // One delivery of an endpoint is in flight at a time, so a dispatcher that claimed only on
    // its timer would send one event of an endpoint per poll interval (here a minute): the
    // five below would take four minutes. A finished attempt claims the next head at once.
    endpoint("/backlog", WebhookSecret.generate());
    CountDownLatch done = new CountDownLatch(5);
    receiver.answer("/backlog", r -> {
      done.countDown();
      return 204;
    });
    for (int i = 0; i < 5; i++) {
      append();
    }
    dispatcher.start(Duration.ofMinutes(1));
    assertThat(done.await(30, TimeUnit.SECONDS)).as("received %s of 5 within a poll interval",
        receiver.received("/backlog").size()).isTrue();
    assertThat(receiver.received("/backlog")).extracting(r -> JSON.readTree(r.body())
        .get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void runOnce_leaseTakenByAnotherWorker_attemptNotRecorded() {
    endpoint("/a", WebhookSecret.generate());
    UUID d1 = deliveryOf(append().id());
    receiver.answer("/a", r -> {
      // The attempt outlives its lease and another worker claims the delivery meanwhile.
      clock.advance(Duration.ofMinutes(2));
      assertThat(store.claimDue(clock.instant(), 10, Duration.ofMinutes(1), "worker-2"))
          .extracting(c -> c.delivery().id()).containsExactly(d1);
      return 204;
    });
    assertThat(dispatcher.runOnce().leaseLost()).isEqualTo(1);
    assertThat(delivery(d1).status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(store.attempts(WS.companyId(), d1)).isEmpty();
  }

  @Test
  void runOnce_eventGone_failedWithoutSending() {
    endpoint("/a", WebhookSecret.generate());
    AuditEvent gone = append();
    purged.add(gone.id());
    WebhookDelivery d = delivery(deliveryOf(gone.id()));
    assertThat(dispatcher.runOnce().failed()).isEqualTo(1);
    assertThat(receiver.received("/a")).isEmpty();
    assertThat(delivery(d.id()).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(store.attempts(WS.companyId(), d.id())).singleElement()
        .satisfies(a -> assertThat(a.response().errorClass())
            .isEqualTo(WebhookDispatcher.EVENT_NOT_FOUND));
  }

  @Test
  void runOnce_secretDoesNotOpen_nothingSentNoAttemptUsed() {
    endpoint("/a", WebhookSecret.generate());
    append();
    try (WebhookDispatcher wrongKey = dispatcher(SecretSealer.fromHex("11".repeat(32)), 1)) {
      assertThat(wrongKey.runOnce().errors()).isEqualTo(1);
    }
    assertThat(receiver.received("/a")).isEmpty();
    // The lease ends and the right key delivers it on its first attempt.
    clock.advance(Duration.ofMinutes(1));
    assertThat(dispatcher.runOnce().succeeded()).isEqualTo(1);
    assertThat(heard).containsExactly("1:1:SUCCEEDED");
  }

  @Test
  void logs_everyOutcome_neverSecretKeyBodyOrUrl() {
    Logger logger = (Logger) LoggerFactory.getLogger(WebhookDispatcher.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Level before = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false);
    logger.addAppender(logs);
    try {
      WebhookSecret secret = WebhookSecret.generate();
      WebhookEndpoint ok = endpoint("/secret-path-ok?token=t0ken", secret);
      WebhookEndpoint down = endpoint("/secret-path-down", secret);
      receiver.answer("/secret-path-down", r -> 500);
      AuditEvent e = append();
      purged.add(append().id());                               // an event that is not there
      dispatcher.runOnce();                                    // success, failure
      clock.advance(Duration.ofMinutes(1));
      dispatcher.runOnce();                                    // event gone; failure again
      try (WebhookDispatcher wrongKey = dispatcher(SecretSealer.fromHex("11".repeat(32)), 1)) {
        clock.advance(Duration.ofMinutes(5));
        wrongKey.runOnce();                                    // a secret that does not open
      }
      dispatcher.disableFailing(T0.plus(RetrySchedule.DISABLE_AFTER));
      List<String> lines = logs.list.stream().map(l -> l.getFormattedMessage()
          + (l.getThrowableProxy() == null ? "" : l.getThrowableProxy().getMessage())).toList();
      assertThat(lines).hasSizeGreaterThan(4);
      String body = new String(EventJson.toBytes(e), java.nio.charset.StandardCharsets.UTF_8);
      for (String line : lines) {
        assertThat(line).doesNotContain(secret.reveal().substring(6, 20))
            .doesNotContain(KEY).doesNotContain("secret-path").doesNotContain("t0ken")
            .doesNotContain(e.actor().email()).doesNotContain(e.hash().hex())
            .doesNotContain(body.substring(0, 40));
      }
    } finally {
      logger.detachAppender(logs);
      logger.setAdditive(true);
      logger.setLevel(before);
    }
  }

  @Test
  void builder_badValues_refusedNamingTheParameter() {
    WebhookDispatcher.Builder b = WebhookDispatcher.builder(store, reader,
        new JdkHttpTransport(), sealer);
    assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> b.batchSize(501)).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> b.concurrency(0)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> b.lease(Duration.ZERO)).hasMessageContaining("lease");
    assertThatThrownBy(() -> b.worker(" ")).hasMessageContaining("worker");
    assertThatThrownBy(() -> dispatcher.start(Duration.ZERO))
        .hasMessageContaining("pollInterval");
  }
}
