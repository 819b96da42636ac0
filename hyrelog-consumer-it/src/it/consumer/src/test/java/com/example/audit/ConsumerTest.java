package com.example.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The consumer's code: what an application that embeds HyreLog writes, on the public API only.
 * It starts a real PostgreSQL, migrates the schema as the owner, appends events as a separate
 * application role, and verifies the chain. (The one file to extend with the consumer's own
 * code, e.g. its own Flyway migrations before the SDK's.)
 */
class ConsumerTest {
  private static final String APP_ROLE = "audit_app";

  @Test
  void appendAndVerify_onARealDatabase_chainIsIntact() throws Exception {
    // The store refuses a server without durable commits; the embedded defaults turn them off.
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .start()) {
      DataSource owner = postgres.getPostgresDatabase();
      try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE " + APP_ROLE + " LOGIN");
      }
      PostgresMigrations.builder(owner).applicationRole(APP_ROLE).build().migrate();

      PGSimpleDataSource app = new PGSimpleDataSource();
      app.setURL(postgres.getJdbcUrl(APP_ROLE, "postgres"));
      try (PostgresEventStore store = PostgresEventStore.builder(app).build()) {
        EventLog log = EventLog.builder(store).build();
        WorkspaceRef workspace = new WorkspaceRef(UUID.randomUUID(), UUID.randomUUID(),
            DataRegion.US);
        for (int i = 1; i <= 25; i++) {
          log.append(workspace, NewEvent.builder("user", "login")
              .idempotencyKey("login-" + i).build());
        }
        // A retry with a known idempotency key returns the stored event: still 25.
        assertEquals(false, log.append(workspace, NewEvent.builder("user", "login")
            .idempotencyKey("login-7").build()).created());

        VerificationReport report = log.verify(EventScope.of(workspace), Optional.empty());
        assertTrue(report.ok(), report.toString());
        assertEquals(25, report.events());
      }
    }
  }
}
