package io.hyrelog.storage.postgres;

import static io.hyrelog.storage.postgres.PostgresChainTreeIT.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.NewEvent;
import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.WebhookStoreContract;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSecrets;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@link io.hyrelog.spi.WebhookStore} contract, outbox included, on a real PostgreSQL, plus
 * what only the database shows: the application role's least privileges and the insert-only
 * attempts.
 */
class PostgresWebhookStoreIT extends WebhookStoreContract {
  private PostgresFixture.Database db;

  @Override
  protected EventStore createStore() {
    db = PostgresFixture.newDatabase();
    try {
      return PostgresEventStore.builder(db.app()).build();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  protected void closeStore(EventStore s) {
    ((PostgresEventStore) s).close();
    db.close();
  }

  @Test
  void attempts_updateDeleteTruncate_refusedForTheApplicationAndTheOwner() throws SQLException {
    deliveredOnce();
    for (boolean owner : new boolean[] {false, true}) {
      try (Connection c = owner ? DriverManager.getConnection(db.ownerUrl())
          : db.app().getConnection()) {
        // The application has no UPDATE, DELETE or TRUNCATE; the owner meets the trigger.
        String refusal = owner ? "insert-only" : "permission denied";
        assertRefused(c, "UPDATE hyrelog.webhook_attempts SET status_code = 200", refusal);
        assertRefused(c, "DELETE FROM hyrelog.webhook_attempts", refusal);
        assertRefused(c, "TRUNCATE hyrelog.webhook_attempts", refusal);
      }
    }
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_attempts WHERE status_code = 500"))
        .isEqualTo(1);
  }

  @Test
  void applicationRole_mayNotDeleteOrChangeWhatADeliveryOrEndpointIs() throws SQLException {
    deliveredOnce();
    try (Connection c = db.app().getConnection()) {
      for (String sql : new String[] {
          "DELETE FROM hyrelog.webhook_deliveries",
          "DELETE FROM hyrelog.webhook_endpoints",
          "TRUNCATE hyrelog.webhook_deliveries",
          "UPDATE hyrelog.webhook_deliveries SET event_id = gen_random_uuid()",
          "UPDATE hyrelog.webhook_deliveries SET seq = seq + 1",
          "UPDATE hyrelog.webhook_deliveries SET company_id = gen_random_uuid()",
          "UPDATE hyrelog.webhook_endpoints SET company_id = gen_random_uuid()",
          "UPDATE hyrelog.webhook_endpoints SET url = 'https://evil.example.com/'"}) {
        assertRefused(c, sql, "permission denied");
      }
    }
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries")).isEqualTo(1);
  }

  /** One endpoint, one event, one failed attempt. */
  private void deliveredOnce() {
    WebhookEndpoint e = new WebhookEndpoint(new UUID(1, 2), ws.companyId(), ws.workspaceId(),
        Optional.empty(), URI.create("https://hooks.example.com/x"),
        Set.of(WebhookEventType.AUDIT_EVENT_CREATED), "", true, Optional.empty(),
        Optional.empty(), T0, T0);
    hooks.create(e, WebhookSecrets.of(SealedSecret.of(new byte[] {1})), 1);
    log.append(ws, NewEvent.builder("webhook.test", "one").build());
    hooks.fanOut(WebhookStore.MAX_FAN_OUT);
    ClaimedDelivery c = hooks.claimDue(clock.instant(), 1, Duration.ofSeconds(30), "w").get(0);
    assertThat(hooks.complete(c.delivery().id(), "w", new DeliveryAttempt(1, clock.instant(),
        new WebhookResponse(500, Duration.ofMillis(1), "", "no")), DeliveryStatus.FAILED,
        Optional.empty())).isTrue();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
