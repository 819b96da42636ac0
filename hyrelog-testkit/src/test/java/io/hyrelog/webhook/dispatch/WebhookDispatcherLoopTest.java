package io.hyrelog.webhook.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's continuous loop ({@link WebhookDispatcher#start}): an endpoint's next run
 * is claimed as soon as its previous one ends, not a poll later; and the fan-out runs on every
 * poll, even while every thread is held by an endpoint that does not answer. Real receiver on
 * loopback, the in-memory store; the dispatcher's clock is virtual (deliveries are due at
 * once), the loop's timer is real.
 */
class WebhookDispatcherLoopTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final WorkspaceRef WS = SampleEvents.workspace(16, DataRegion.EU);

  /**
   * Runs of one and the longest poll interval (1 min): without the claim after each run the
   * loop would deliver one event per minute; the bound of the wait (30 s) is far below that and
   * far above what five loopback posts take.
   */
  @Test
  void start_backlogOfOneEndpoint_deliveredWithoutWaitingForThePoll() throws Exception {
    MutableClock clock = new MutableClock(T0);
    InMemoryEventStore events = new InMemoryEventStore();
    EventLog log = EventLog.builder(events).clock(clock).idSource(IdSource.seeded(clock, 16))
        .build();
    WebhookStore store = events.webhooks().orElseThrow();
    SecretSealer sealer = SecretSealer.fromHex("6f".repeat(32));
    CountDownLatch delivered = new CountDownLatch(5);
    try (Receiver receiver = new Receiver()) {
      receiver.answer("/a", r -> {
        delivered.countDown();
        return 204;
      });
      endpoint(store, sealer, receiver, "/a", 1);
      SampleEvents sample = new SampleEvents(16);
      for (int i = 0; i < 5; i++) {
        log.append(WS, sample.next(null));
      }
      try (WebhookDispatcher dispatcher = WebhookDispatcher.builder(store, events,
          new JdkHttpTransport(), sealer).clock(clock).worker("loop-1").runLength(1).build()) {
        dispatcher.start(Duration.ofMinutes(1));

        assertThat(delivered.await(30, TimeUnit.SECONDS)).as("all 5 delivered within 30 s,"
            + " got %d", 5 - delivered.getCount()).isTrue();
      }
      assertThat(receiver.received("/a")).hasSize(5);
    }
  }

  /**
   * The bound of the fan-out: while the loop runs, an appended event's delivery is listed
   * (PENDING, due at its recordedAt on the virtual clock) within one poll interval, although
   * the dispatcher's only thread is held by an endpoint that does not answer. The poll interval
   * is 50 ms; the wait's bound (30 s) only keeps a broken build from hanging.
   */
  @Test
  void start_endpointHangs_newEventsStillListedPendingWithinAPoll() throws Exception {
    MutableClock clock = new MutableClock(T0);
    InMemoryEventStore events = new InMemoryEventStore();
    EventLog log = EventLog.builder(events).clock(clock).idSource(IdSource.seeded(clock, 17))
        .build();
    WebhookStore store = events.webhooks().orElseThrow();
    SecretSealer sealer = SecretSealer.fromHex("6f".repeat(32));
    CountDownLatch hung = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Receiver receiver = new Receiver()) {
      receiver.answer("/hung", r -> {
        hung.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return 204;
      });
      UUID id = endpoint(store, sealer, receiver, "/hung", 2);
      SampleEvents sample = new SampleEvents(17);
      try (WebhookDispatcher dispatcher = WebhookDispatcher.builder(store, events,
          new JdkHttpTransport(), sealer).clock(clock).worker("loop-2").concurrency(1)
          .build()) {
        log.append(WS, sample.next(null));
        dispatcher.start(Duration.ofMillis(50));
        assertThat(hung.await(30, TimeUnit.SECONDS)).as("seq 1 sent").isTrue();

        clock.advance(Duration.ofSeconds(3));
        AuditEvent second = log.append(WS, sample.next(null)).event();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<WebhookDelivery> listed = List.of();
        while (System.nanoTime() < deadline && listed.size() < 2) {
          listed = store.deliveries(WS.companyId(), id, Optional.empty(), Optional.empty(),
              WebhookStore.MAX_PAGE).deliveries();
          Thread.sleep(10);
        }
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0)).satisfies(d -> {
          assertThat(d.eventId()).isEqualTo(second.id());
          assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
          assertThat(d.nextAttemptAt()).contains(second.recordedAt());
        });
        assertThat(hung.getCount()).isZero();
        assertThat(receiver.received("/hung")).hasSize(1);
        release.countDown();
      } finally {
        release.countDown();
      }
    }
  }

  /** Creates an enabled endpoint of the test's workspace posting to {@code path}. */
  private static UUID endpoint(WebhookStore store, SecretSealer sealer, Receiver receiver,
      String path, int n) {
    UUID id = new UUID(0x0192f0c2L, n);
    store.create(new WebhookEndpoint(id, WS.companyId(), WS.workspaceId(), Optional.empty(),
        receiver.url(path), EnumSet.of(WebhookEventType.AUDIT_EVENT_CREATED), "", true,
        Optional.empty(), Optional.empty(), T0, T0),
        WebhookSecrets.of(sealer.seal(id, WebhookSecret.generate())), 10);
    return id;
  }
}
