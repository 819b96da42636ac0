package io.hyrelog.webhook.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's continuous loop ({@link WebhookDispatcher#start}): an endpoint's next
 * delivery is claimed as soon as its previous attempt ends, not a poll later. The poll interval
 * is the longest allowed (1 min) and the claims can only take an endpoint's head, so without
 * the claim after each attempt the loop would deliver one event per minute; the bound of the
 * wait (30 s) is far below that and far above what five loopback posts take. Real receiver on
 * loopback, the in-memory store's outbox; the dispatcher's clock is virtual (deliveries are due
 * at once), the loop's timer is real.
 */
class WebhookDispatcherLoopTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final WorkspaceRef WS = SampleEvents.workspace(16, DataRegion.EU);

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
      UUID id = new UUID(0x0192f0c2L, 1);
      store.create(new WebhookEndpoint(id, WS.companyId(), WS.workspaceId(), Optional.empty(),
          receiver.url("/a"), EnumSet.of(WebhookEventType.AUDIT_EVENT_CREATED), "", true,
          Optional.empty(), Optional.empty(), T0, T0),
          WebhookSecrets.of(sealer.seal(id, WebhookSecret.generate())), 10);
      SampleEvents sample = new SampleEvents(16);
      for (int i = 0; i < 5; i++) {
        log.append(WS, sample.next(null));
      }
      try (WebhookDispatcher dispatcher = WebhookDispatcher.builder(store, events,
          new JdkHttpTransport(), sealer).clock(clock).worker("loop-1").build()) {
        dispatcher.start(Duration.ofMinutes(1));

        assertThat(delivered.await(30, TimeUnit.SECONDS)).as("all 5 delivered within 30 s,"
            + " got %d", 5 - delivered.getCount()).isTrue();
      }
      assertThat(receiver.received("/a")).hasSize(5);
    }
  }
}
