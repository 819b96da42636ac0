package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.NewEvent;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HyreLog's schema beside a host application's tables and Flyway history, several HyreLog
 * schemas in one database, what the application role may do, and how a missing or unmigrated
 * schema is reported. Every database here starts empty.
 */
class PostgresSchemaIT {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final String APP = PostgresFixture.APP_ROLE;

  @ParameterizedTest(name = "host application migrates first: {0}")
  @ValueSource(booleans = {true, false})
  void migrate_besideHostFlywayInEitherOrder_bothHistoriesStayIntactAndEventsVerify(
      boolean hostFirst) throws SQLException {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      if (hostFirst) {
        assertThat(host(db).migrationsExecuted).isEqualTo(2);
      }
      List<PostgresMigrations.Migration> applied = hyrelog(db, "hyrelog").migrate();
      if (!hostFirst) {
        assertThat(host(db).migrationsExecuted).isEqualTo(2);
      }

      assertThat(applied).isNotEmpty();
      assertThat(applied.get(0)).isEqualTo(new PostgresMigrations.Migration("1", "schema"));
      // Each history holds its own migrations only, in its own schema.
      assertThat(strings(db.owner(), "SELECT version FROM public.flyway_schema_history"
          + " WHERE success ORDER BY installed_rank")).containsExactly("1", "2");
      assertThat(strings(db.owner(), "SELECT version FROM hyrelog.hyrelog_schema_history"
          + " WHERE success AND version IS NOT NULL ORDER BY installed_rank"))
          .containsExactlyElementsOf(applied.stream().map(PostgresMigrations.Migration::version)
              .toList());
      // Nothing of HyreLog's in public, nothing of the host's in hyrelog.
      assertThat(strings(db.owner(), "SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = 'public' ORDER BY 1"))
          .containsExactly("customers", "events", "flyway_schema_history");
      assertThat(strings(db.owner(), "SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = 'hyrelog'")).contains("events", "chain_heads",
          "hyrelog_schema_history").doesNotContain("customers", "flyway_schema_history");

      // Both migrate again without a validation failure (no shared history, no checksums of
      // the other's scripts) and without doing anything.
      assertThat(host(db).migrationsExecuted).isZero();
      assertThat(hyrelog(db, "hyrelog").migrate()).isEmpty();

      WorkspaceRef ws = SampleEvents.workspace(7, DataRegion.US);
      List<AuditEvent> appended = appendAndVerify(db.app(), "hyrelog", ws, 5, 1);
      try (PostgresEventStore store = PostgresEventStore.builder(db.app()).build()) {
        assertThat(store.query(EventQuery.builder(EventScope.of(ws)).limit(10).build())
            .events()).extracting(AuditEvent::id).containsExactlyInAnyOrderElementsOf(
                appended.stream().map(AuditEvent::id).toList());
      }
      // The host's table of the same name is untouched.
      assertThat(strings(db.owner(), "SELECT name FROM public.events"))
          .containsExactly("host-started");
    }
  }

  @Test
  void twoSchemas_oneDatabase_eventsOfOneAreInvisibleToTheOther_andBothVerify()
      throws SQLException {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      hyrelog(db, "hyrelog").migrate();
      hyrelog(db, "hyrelog_b").migrate();
      // The same chain id in both: two independent chains.
      WorkspaceRef ws = SampleEvents.workspace(9, DataRegion.US);
      List<AuditEvent> inA = appendAndVerify(db.app(), "hyrelog", ws, 3, 1);
      List<AuditEvent> inB = appendAndVerify(db.app(), "hyrelog_b", ws, 2, 2);

      assertThat(seqsRead(db.app(), "hyrelog", ws)).containsExactly(1L, 2L, 3L);
      assertThat(seqsRead(db.app(), "hyrelog_b", ws)).containsExactly(1L, 2L);
      try (PostgresEventStore a = PostgresEventStore.builder(db.app()).build();
          PostgresEventStore b = PostgresEventStore.builder(db.app()).schema("hyrelog_b")
              .build()) {
        for (AuditEvent e : inA) {
          assertThat(b.find(EventScope.of(ws), e.id())).isEmpty();
          assertThat(a.find(EventScope.of(ws), e.id())).isPresent();
        }
        for (AuditEvent e : inB) {
          assertThat(a.find(EventScope.of(ws), e.id())).isEmpty();
        }
        assertThat(a.head(EventScope.of(ws)).orElseThrow().seq()).isEqualTo(3);
        assertThat(b.head(EventScope.of(ws)).orElseThrow().seq()).isEqualTo(2);
      }
      // Tenancy too.
      UUID company = ws.companyId();
      PostgresTenants.create(db.app(), "hyrelog_b").createCompany(new Company(company, "B only",
          DataRegion.US, PlanTier.GROWTH, PlanOverrides.NONE));
      assertThat(PostgresTenants.create(db.app(), "hyrelog_b").company(company)).isPresent();
      assertThat(PostgresTenants.create(db.app()).company(company)).isEmpty();
    }
  }

  @Test
  void applicationRole_appendsAndReads_butCannotChangeEventsOrCallWhatItWasNotGranted()
      throws SQLException {
    String other = "hyrelog_other_" + ProcessHandle.current().pid();
    PostgresFixture.admin("DROP ROLE IF EXISTS " + other);
    PostgresFixture.admin("CREATE ROLE " + other);
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      hyrelog(db, "hyrelog_b").migrate();
      WorkspaceRef ws = SampleEvents.workspace(11, DataRegion.US);
      appendAndVerify(db.app(), "hyrelog_b", ws, 3, 3);

      try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
        for (String sql : new String[] {"UPDATE hyrelog_b.events SET action = 'forged'",
            "DELETE FROM hyrelog_b.events", "TRUNCATE hyrelog_b.events",
            "DELETE FROM hyrelog_b.chain_heads", "UPDATE hyrelog_b.idempotency_keys SET key = 'x'",
            "DELETE FROM hyrelog_b.chain_tiles", "TRUNCATE hyrelog_b.chain_tiles",
            "UPDATE hyrelog_b.chain_tiles SET level = 1",
            "INSERT INTO hyrelog_b.purge_log (workspace_id, from_seq, to_seq, rows_purged,"
                + " archive_ref) VALUES ('" + ws.workspaceId() + "', 1, 1, 1, 'x')",
            "CREATE TABLE hyrelog_b.mine (x int)"}) {
          assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
              .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
        // The purge path is granted, and refuses what no archived range covers.
        assertThatThrownBy(() -> s.execute("SELECT hyrelog_b.hyrelog_purge_events('"
            + ws.workspaceId() + "', 1, 2, 'x')")).hasMessageContaining("not covered");
      }
      assertThat(seqsRead(db.app(), "hyrelog_b", ws)).containsExactly(1L, 2L, 3L);

      // Only the owner and the application role may execute the purge function (V8 took
      // PUBLIC's default EXECUTE away); any other role may not even use the schema.
      String purge = "hyrelog_b.hyrelog_purge_events(uuid, bigint, bigint, text)";
      assertThat(strings(db.owner(), "SELECT has_function_privilege('" + APP + "', '" + purge
          + "', 'EXECUTE')::text, has_function_privilege('" + other + "', '" + purge
          + "', 'EXECUTE')::text, has_schema_privilege('" + other + "', 'hyrelog_b', 'USAGE')"
          + "::text")).containsExactly("true", "false", "false");
    } finally {
      PostgresFixture.admin("DROP ROLE IF EXISTS " + other);
    }
  }

  @Test
  void migrate_missingSchemaWithoutCreateSchema_saysWhatToDo_andCreatesNothing()
      throws SQLException {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      PostgresMigrations m = PostgresMigrations.builder(db.owner()).schema("audit")
          .createSchema(false).build();
      assertThatThrownBy(m::migrate).isInstanceOf(HyrelogException.class)
          .hasMessageContaining("schema audit does not exist")
          .hasMessageContaining("CREATE SCHEMA audit").hasMessageContaining("createSchema(true)");
      assertThat(schemas(db)).doesNotContain("audit");

      // A schema the owner created (empty) is migrated in place.
      execute(db.owner(), "CREATE SCHEMA audit");
      assertThat(m.migrate()).isNotEmpty();
      try (PostgresEventStore store = PostgresEventStore.builder(db.owner()).schema("audit")
          .build()) {
        assertThat(store.head(EventScope.of(SampleEvents.workspace(1, DataRegion.US))))
            .isEmpty();
      }
    }
  }

  @Test
  void migrate_unknownApplicationRole_isRefusedBeforeAnythingIsCreated() throws SQLException {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      assertThatThrownBy(() -> PostgresMigrations.builder(db.owner())
          .applicationRole("no_such_role").build().migrate())
          .isInstanceOf(HyrelogException.class)
          .hasMessageContaining("application role no_such_role does not exist");
      assertThat(schemas(db)).doesNotContain("hyrelog");
    }
  }

  @Test
  void stores_schemaNotMigrated_refuseWithWhatToDo() throws SQLException {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      DataSource app = db.app();
      List<Supplier<Object>> stores = List.of(
          () -> PostgresEventStore.builder(app).build(), () -> PostgresTenants.create(app),
          () -> PostgresJobRuns.create(app), () -> PostgresArchiveCatalog.create(app),
          () -> PostgresExports.create(app), () -> PostgresRestoreRequests.create(app),
          () -> PostgresAdminAuditLog.create(app), () -> PostgresSnapshots.create(app));
      // No schema at all.
      for (Supplier<Object> store : stores) {
        assertThatThrownBy(store::get).isInstanceOf(HyrelogException.class)
            .hasMessageContaining("schema hyrelog does not exist")
            .hasMessageContaining("PostgresMigrations");
      }
      // A schema without HyreLog's tables.
      execute(db.owner(), "CREATE SCHEMA hyrelog; GRANT USAGE ON SCHEMA hyrelog TO " + APP);
      for (Supplier<Object> store : stores) {
        assertThatThrownBy(store::get).isInstanceOf(HyrelogException.class)
            .hasMessageContaining("schema hyrelog is not migrated: it has no table")
            .hasMessageContaining("PostgresMigrations");
      }
      // Migrated, but without grants to the application role.
      PostgresMigrations.builder(db.owner()).schema("hyrelog_c").build().migrate();
      assertThatThrownBy(() -> PostgresTenants.create(app, "hyrelog_c"))
          .isInstanceOf(HyrelogException.class)
          .hasMessageContaining("role " + APP + " may not use schema hyrelog_c")
          .hasMessageContaining("applicationRole(\"" + APP + "\")");
    }
  }

  @Test
  void provisioning_createsOnce_andIsIdempotent() throws SQLException {
    String role = "hyrelog_prov_" + ProcessHandle.current().pid();
    String database = "hyrelog_prov_" + ProcessHandle.current().pid();
    PostgresFixture.admin("DROP DATABASE IF EXISTS " + database);
    PostgresFixture.admin("DROP ROLE IF EXISTS " + role);
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      DataSource admin = db.owner(); // the fixture's owner is the cluster's administrator
      assertThat(PostgresProvisioning.createRoleIfMissing(admin, role)).isTrue();
      assertThat(PostgresProvisioning.createRoleIfMissing(admin, role)).isFalse();
      assertThat(PostgresProvisioning.createDatabaseIfMissing(admin, database)).isTrue();
      assertThat(PostgresProvisioning.createDatabaseIfMissing(admin, database)).isFalse();
      assertThat(strings(admin, "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = '"
          + role + "'")).containsExactly("true");
      assertThatThrownBy(() -> PostgresProvisioning.createRoleIfMissing(admin, "Bad-Role"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
    } finally {
      PostgresFixture.admin("DROP DATABASE IF EXISTS " + database);
      PostgresFixture.admin("DROP ROLE IF EXISTS " + role);
    }
  }

  private static org.flywaydb.core.api.output.MigrateResult host(PostgresFixture.Database db) {
    return Flyway.configure().dataSource(db.owner()).locations("classpath:db/hostapp").load()
        .migrate();
  }

  private static PostgresMigrations hyrelog(PostgresFixture.Database db, String schema) {
    return PostgresMigrations.builder(db.owner()).schema(schema).applicationRole(APP).build();
  }

  /** Appends {@code n} events as the application role, then verifies the whole chain. */
  private static List<AuditEvent> appendAndVerify(DataSource app, String schema,
      WorkspaceRef ws, int n, long seed) {
    try (PostgresEventStore store = PostgresEventStore.builder(app).schema(schema).build()) {
      MutableClock clock = new MutableClock(T0);
      EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, seed))
          .build();
      SampleEvents samples = new SampleEvents(seed);
      List<NewEvent> events = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        events.add(samples.next(T0.minus(Duration.ofMinutes(n - i))));
      }
      List<AuditEvent> out = log.appendBatch(ws, events).stream()
          .map(io.hyrelog.spi.AppendOutcome::event).toList();
      VerificationReport report = log.verify(EventScope.of(ws), Optional.empty());
      assertThat(report.ok()).isTrue();
      assertThat(report.events()).isEqualTo(n);
      return out;
    }
  }

  private static List<Long> seqsRead(DataSource app, String schema, WorkspaceRef ws) {
    try (PostgresEventStore store = PostgresEventStore.builder(app).schema(schema).build();
        Stream<AuditEvent> events = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return events.map(AuditEvent::seq).toList();
    }
  }

  private static List<String> schemas(PostgresFixture.Database db) throws SQLException {
    return strings(db.owner(), "SELECT nspname FROM pg_namespace");
  }

  private static void execute(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first row's columns, or the first column of every row when there is one column. */
  private static List<String> strings(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        if (columns == 1) {
          out.add(rs.getString(1));
        } else {
          for (int i = 1; i <= columns; i++) {
            out.add(rs.getString(i));
          }
          break;
        }
      }
      return out;
    }
  }
}
