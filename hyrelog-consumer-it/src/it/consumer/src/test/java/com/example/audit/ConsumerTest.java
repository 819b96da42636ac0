package com.example.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The consumer's code: what an application that embeds HyreLog writes, on the public API only.
 * The application has its own Flyway migrations (schema "public", Flyway's default history
 * table); HyreLog's go into schema "hyrelog" with a history table of their own. Both run in the
 * same database, in either order, again on every start, and the application keeps adding
 * migrations afterwards. Then events are appended as a separate application role, verified and queried.
 */
class ConsumerTest {
  private static final String APP_ROLE = "audit_app";
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    // The store refuses a server without durable commits; the embedded defaults turn them off.
    postgres = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .start();
    execute(postgres.getPostgresDatabase(), "CREATE ROLE " + APP_ROLE + " LOGIN");
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void applicationMigratesFirst_thenHyreLog_thenTheApplicationAddsAMigration() throws Exception {
    DataSource owner = newDatabase("app_first");
    assertEquals(2, applicationFlyway(owner, "classpath:db/migration").migrate().migrationsExecuted);
    execute(owner, "INSERT INTO orders (customer, total_cents) VALUES ('ada', 4200)");

    hyrelog(owner).migrate();
    hyrelog(owner).migrate(); // every start migrates: nothing left to do, nothing fails

    // A later release of the application adds V3; its Flyway sees only its own history.
    assertEquals(1, applicationFlyway(owner, "classpath:db/migration", "classpath:db/later")
        .migrate().migrationsExecuted);
    assertEquals(0, applicationFlyway(owner, "classpath:db/migration", "classpath:db/later")
        .migrate().migrationsExecuted);
    assertEquals(1, count(owner, "SELECT count(*) FROM orders WHERE note IS NULL"));

    appendAndVerify(owner, "app_first");
  }

  @Test
  void hyreLogMigratesFirst_thenTheApplication() throws Exception {
    DataSource owner = newDatabase("hyrelog_first");
    hyrelog(owner).migrate();
    assertEquals(2, applicationFlyway(owner, "classpath:db/migration").migrate().migrationsExecuted);
    hyrelog(owner).migrate();
    // HyreLog's second run leaves the application's history as it was: both of its migrations.
    assertEquals(2, applicationFlyway(owner, "classpath:db/migration").info().applied().length);

    appendAndVerify(owner, "hyrelog_first");
  }

  private static PostgresMigrations hyrelog(DataSource owner) {
    return PostgresMigrations.builder(owner).applicationRole(APP_ROLE).build();
  }

  /** The application's Flyway exactly as a Spring Boot or plain application configures it. */
  private static Flyway applicationFlyway(DataSource owner, String... locations) {
    return Flyway.configure().dataSource(owner).locations(locations).load();
  }

  private static void appendAndVerify(DataSource owner, String database) throws Exception {
    PGSimpleDataSource app = new PGSimpleDataSource();
    app.setURL(postgres.getJdbcUrl(APP_ROLE, database));
    try (PostgresEventStore store = PostgresEventStore.builder(app).build()) {
      EventLog log = EventLog.builder(store).build();
      WorkspaceRef workspace = new WorkspaceRef(UUID.randomUUID(), UUID.randomUUID(),
          DataRegion.US);
      for (int i = 1; i <= 25; i++) {
        log.append(workspace, NewEvent.builder("user", "login")
            .idempotencyKey("login-" + i).build());
      }
      // A retry with a known idempotency key returns the stored event: still 25.
      assertFalse(log.append(workspace, NewEvent.builder("user", "login")
          .idempotencyKey("login-7").build()).created());

      VerificationReport report = log.verify(EventScope.of(workspace), Optional.empty());
      assertTrue(report.ok(), report.toString());
      assertEquals(25, report.events());

      // Query: newest first, a page at a time.
      EventPage page = store.query(EventQuery.builder(EventScope.of(workspace))
          .action("login").limit(10).build());
      assertEquals(10, page.events().size());
      assertEquals(25, page.events().get(0).seq());
      assertTrue(page.nextCursor() != null);
    }
    // The two histories stay apart: the application's in public, HyreLog's in its schema.
    assertTrue(count(owner, "SELECT count(*) FROM public.flyway_schema_history") >= 2);
    assertTrue(count(owner, "SELECT count(*) FROM hyrelog.hyrelog_schema_history") >= 1);
    assertEquals(0, count(owner, "SELECT count(*) FROM information_schema.tables"
        + " WHERE table_schema = 'public' AND table_name LIKE 'audit%'"));
  }

  private static DataSource newDatabase(String name) throws Exception {
    execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + name);
    return postgres.getDatabase("postgres", name);
  }

  private static void execute(DataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(DataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
