package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresExportsIT {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  // Ids whose signed-long order differs from PostgreSQL's (unsigned) uuid order.
  private static final UUID WS_LOW = UUID.fromString("10000000-0000-7000-8000-000000000001");
  private static final UUID WS_HIGH = UUID.fromString("f0000000-0000-7000-8000-000000000002");

  private PostgresFixture.Database db;
  private PostgresEventStore store;
  private PostgresExports exports;
  private UUID company;
  private UUID other;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    store = PostgresEventStore.builder(db.app()).build();
    exports = PostgresExports.create(db.app(), PostgresMigrations.DEFAULT_SCHEMA, 7);
    PostgresTenants tenants = PostgresTenants.create(db.app());
    company = UUID.randomUUID();
    other = UUID.randomUUID();
    tenants.createCompany(new Company(company, "Acme", DataRegion.US, PlanTier.GROWTH,
        PlanOverrides.NONE));
    tenants.createCompany(new Company(other, "Other", DataRegion.US, PlanTier.GROWTH,
        PlanOverrides.NONE));
    tenants.createWorkspace(new Workspace(WS_LOW, company, "Low"));
    tenants.createWorkspace(new Workspace(WS_HIGH, company, "High"));
    MutableClock clock = new MutableClock(T0);
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 5))
        .build();
    // 20 events per chain, all with the same timestamp; every third is "billing".
    for (int i = 1; i <= 20; i++) {
      for (UUID ws : List.of(WS_HIGH, WS_LOW)) {
        log.append(new WorkspaceRef(company, ws, DataRegion.US), NewEvent.builder(
            i % 3 == 0 ? "billing" : "user", "a" + i).timestamp(T0)
            .actor(new Actor("u" + (i % 2), "u" + (i % 2) + "@example.com", null, null))
            .build());
      }
    }
  }

  @AfterEach
  void tearDown() {
    store.close();
    db.close();
  }

  private static EventQuery all(UUID company) {
    return EventQuery.builder(EventScope.company(company)).build();
  }

  @Test
  void heads_company_inPostgresUuidOrder() {
    SortedMap<UUID, Long> heads = exports.heads(company, null);
    assertThat(heads.keySet()).containsExactly(WS_LOW, WS_HIGH);
    assertThat(heads.values()).containsExactly(20L, 20L);
    assertThat(WS_HIGH.compareTo(WS_LOW)).as("signed order differs").isNegative();
    assertThat(exports.heads(company, WS_HIGH).keySet()).containsExactly(WS_HIGH);
    assertThat(exports.heads(other, null)).isEmpty();
  }

  @Test
  void job_insertFindStartFinish_roundTrips() {
    UUID id = UUID.randomUUID();
    UUID seg = UUID.randomUUID();
    PostgresExports.Job j = new PostgresExports.Job(id, company, WS_LOW, UUID.randomUUID(),
        "HOT_AND_ARCHIVED", "CSV", "{\"category\":\"user\"}", 10L,
        Map.of(WS_LOW, 20L, WS_HIGH, 19L), List.of(seg), "PENDING", 0, 0, false, 0, T0, null,
        null, null);
    exports.insert(j);
    assertThat(exports.find(company, id)).contains(j);
    assertThat(exports.find(other, id)).isEmpty();
    assertThat(exports.find(company, UUID.randomUUID())).isEmpty();
    exports.started(id, T0.plusSeconds(1));
    assertThat(exports.find(company, id).orElseThrow().status()).isEqualTo("RUNNING");
    exports.finished(id, 7, 1234, true, T0.plusSeconds(2), null);
    PostgresExports.Job done = exports.find(company, id).orElseThrow();
    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(done.rowsExported()).isEqualTo(7);
    assertThat(done.bytes()).isEqualTo(1234);
    assertThat(done.truncated()).isTrue();
    assertThat(done.downloads()).isEqualTo(1);
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(done.heads().keySet()).containsExactly(WS_LOW, WS_HIGH);
    exports.started(id, T0.plusSeconds(3));
    exports.finished(id, 0, 0, false, T0.plusSeconds(4), "archive segment x is corrupt");
    PostgresExports.Job failed = exports.find(company, id).orElseThrow();
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.error()).isEqualTo("archive segment x is corrupt");
    assertThat(failed.downloads()).isEqualTo(2);
  }

  @Test
  void countUpTo_boundedAndFiltered() {
    SortedMap<UUID, Long> heads = exports.heads(company, null);
    assertThat(exports.countUpTo(all(company), heads, 1000)).isEqualTo(40);
    assertThat(exports.countUpTo(all(company), heads, 11)).isEqualTo(11);
    assertThat(exports.countUpTo(all(company), Map.of(WS_LOW, 5L, WS_HIGH, 2L), 1000))
        .isEqualTo(7);
    EventQuery billing = EventQuery.builder(EventScope.company(company)).category("billing")
        .build();
    assertThat(exports.countUpTo(billing, heads, 1000)).isEqualTo(12);
    EventQuery email = EventQuery.builder(EventScope.company(company))
        .actorEmail("u1@example.com").build();
    assertThat(exports.countUpTo(email, heads, 1000)).isEqualTo(20);
    assertThat(exports.countUpTo(all(other), heads, 1000)).isZero();
    assertThat(exports.countUpTo(all(company), Map.of(), 1000)).isZero();
  }

  @Test
  void snapshot_readsChainInSeqOrder_filteredAndBounded() {
    EventQuery billing = EventQuery.builder(EventScope.company(company)).category("billing")
        .build();
    try (PostgresExports.HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      assertThat(s.firstSeq(WS_LOW, 20, 30)).isEmpty();
      assertThat(seqs(s.read(WS_LOW, 0, 20, all(company))))
          .isEqualTo(range(1, 20));
      assertThat(seqs(s.read(WS_HIGH, 4, 12, billing))).containsExactly(6L, 9L, 12L);
      assertThat(seqs(s.read(WS_HIGH, 0, 20, all(other)))).isEmpty();
    }
  }

  @Test
  void snapshot_purgeAfterFirstRead_stillSeesThePurgedRows() throws Exception {
    try (PostgresExports.HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      purge(WS_LOW, 1, 5);
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      assertThat(seqs(s.read(WS_LOW, 0, 20, all(company)))).isEqualTo(range(1, 20));
    }
    try (PostgresExports.HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(6));
    }
  }

  private void purge(UUID ws, long from, long to) throws Exception {
    try (Connection c = db.app().getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO hyrelog.lifecycle_ranges"
          + " (workspace_id, state, from_seq, to_seq, reference) VALUES (?, 'ARCHIVED', ?, ?,"
          + " 'seg')")) {
        ps.setObject(1, ws);
        ps.setLong(2, from);
        ps.setLong(3, to);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT hyrelog.hyrelog_purge_events(?, ?, ?, 'seg')")) {
        ps.setObject(1, ws);
        ps.setLong(2, from);
        ps.setLong(3, to);
        ps.executeQuery().close();
      }
    }
  }

  private static List<Long> seqs(Stream<AuditEvent> events) {
    try (events) {
      return events.map(AuditEvent::seq).toList();
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
