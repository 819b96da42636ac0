package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.RestoreTier;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restore requests and the admin audit log on a real PostgreSQL, as the application role:
 * conditional moves (racing writers: exactly one wins), one open request per segment, the
 * segment's {@code restored_until} set on completion and cleared on expiry, the database's own
 * checks of the state machine, and an insert-only audit log, paged newest first or streamed
 * per company oldest first from a cursor. Segments are inserted with SQL.
 */
class PostgresRestoreRequestsIT {
  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  private static final CostEstimate COST = new CostEstimate(new BigDecimal("0.010050"), "USD");
  private final UUID company = UUID.fromString("0190bbbb-0000-7000-8000-000000000001");
  private final UUID other = UUID.fromString("0190bbbb-0000-7000-8000-000000000002");
  private PostgresFixture.Database db;
  private PostgresRestoreRequests requests;
  private PostgresAdminAuditLog audit;

  @BeforeEach
  void setUp() throws SQLException {
    db = PostgresFixture.newDatabase();
    requests = PostgresRestoreRequests.create(db.app());
    audit = PostgresAdminAuditLog.create(db.app());
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO hyrelog.companies (id, name, region, plan_tier) VALUES ('" + company
          + "', 'Acme', 'US', 'GROWTH'), ('" + other + "', 'Other', 'US', 'ENTERPRISE')");
    }
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private UUID coldSegment(UUID companyId) throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = db.app().getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO hyrelog.archive_segments (id, company_id, day, object_key, status, events,"
            + " min_recorded_at, max_recorded_at, size_bytes, sha256, created_at, verified_at,"
            + " cold_at) VALUES (?, ?, DATE '2026-01-10', ?, 'VERIFIED', 1, ?, ?, 1024,"
            + " decode(repeat('ab', 32), 'hex'), ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setObject(2, companyId);
      ps.setString(3, "archives/" + companyId + "/2026/01/10/" + id + ".jsonl.gz");
      for (int i = 4; i <= 8; i++) {
        ps.setObject(i, T0.minus(Duration.ofDays(200)).atOffset(ZoneOffset.UTC));
      }
      ps.executeUpdate();
    }
    return id;
  }

  private Optional<Instant> segmentRestoredUntil(UUID segment) throws SQLException {
    try (Connection c = db.app().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT restored_until FROM hyrelog.archive_segments WHERE id = ?")) {
      ps.setObject(1, segment);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Optional.ofNullable(rs.getObject(1, java.time.OffsetDateTime.class))
            .map(java.time.OffsetDateTime::toInstant);
      }
    }
  }

  private RestoreRequest pending(UUID segment, UUID companyId, Instant at) {
    RestoreRequest r = RestoreRequest.create(UUID.randomUUID(), companyId, segment,
        RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, at);
    requests.insert(r);
    return r;
  }

  private RestoreRequest move(RestoreRequest r, UnaryOperator<RestoreRequest> op) {
    return requests.update(r, op.apply(r));
  }

  @Test
  void lifecycle_pendingToExpired_setsAndClearsTheSegmentsRestoredUntil() throws Exception {
    UUID seg = coldSegment(company);
    RestoreRequest r = pending(seg, company, T0);
    assertThat(requests.find(r.id())).contains(r);
    r = move(r, x -> x.approve("admin", T0.plusSeconds(1)));
    r = move(r, x -> x.initiating(T0.plusSeconds(2)));
    r = move(r, x -> x.inProgress(T0.plusSeconds(3)));
    assertThat(segmentRestoredUntil(seg)).isEmpty();
    Instant until = T0.plus(Duration.ofDays(7));
    r = move(r, x -> x.complete(until, T0.plusSeconds(600)));
    assertThat(segmentRestoredUntil(seg)).contains(until);
    assertThat(requests.expiring(until.minusSeconds(1), 10)).isEmpty();
    assertThat(requests.expiring(until, 10)).extracting(RestoreRequest::id).containsExactly(r.id());
    r = move(r, x -> x.expire(until));
    assertThat(r.status()).isEqualTo(RestoreStatus.EXPIRED);
    assertThat(segmentRestoredUntil(seg)).isEmpty();
    assertThat(requests.find(r.id())).contains(r);
    // The segment is free again for a new request.
    pending(seg, company, until.plusSeconds(1));
  }

  @Test
  void insert_secondOpenRequestForASegment_conflicts() throws Exception {
    UUID seg = coldSegment(company);
    RestoreRequest first = pending(seg, company, T0);
    assertThatThrownBy(() -> pending(seg, company, T0))
        .isInstanceOfSatisfying(RestoreConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(RestoreConflictException.Reason.SEGMENT_HAS_OPEN_REQUEST));
    move(first, x -> x.reject("admin", "no", T0));
    pending(seg, company, T0.plusSeconds(5));
  }

  @Test
  void update_staleStatus_conflictsAndWritesNothing() throws Exception {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    RestoreRequest approved = move(r, x -> x.approve("admin", T0));
    assertThatThrownBy(() -> requests.update(r, r.cancel("user-1", T0)))
        .isInstanceOfSatisfying(RestoreConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(RestoreConflictException.Reason.STATUS_CHANGED));
    assertThat(requests.find(r.id())).contains(approved);
    assertThatThrownBy(() -> requests.update(r, r))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Two threads approving and cancelling the same PENDING request: exactly one wins. */
  @Test
  void update_racingApproveAndCancel_exactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        RestoreRequest r = pending(coldSegment(company), company, T0);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<RestoreRequest>> racers = List.of(
            () -> {
              go.await();
              return requests.update(r, r.approve("admin", T0.plusSeconds(1)));
            },
            () -> {
              go.await();
              return requests.update(r, r.cancel("user-1", T0.plusSeconds(1)));
            });
        List<Future<RestoreRequest>> futures = new ArrayList<>();
        for (Callable<RestoreRequest> c : racers) {
          futures.add(pool.submit(c));
        }
        go.countDown();
        int won = 0;
        int lost = 0;
        RestoreStatus winner = null;
        for (Future<RestoreRequest> f : futures) {
          try {
            winner = f.get().status();
            won++;
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RestoreConflictException.class);
            lost++;
          }
        }
        assertThat(won).as("round " + round).isEqualTo(1);
        assertThat(lost).isEqualTo(1);
        assertThat(requests.find(r.id()).orElseThrow().status()).isEqualTo(winner);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void list_newestFirst_byCompanyAndStatus() throws Exception {
    RestoreRequest a = pending(coldSegment(company), company, T0);
    RestoreRequest b = pending(coldSegment(company), company, T0.plusSeconds(10));
    RestoreRequest c = pending(coldSegment(other), other, T0.plusSeconds(20));
    move(b, x -> x.approve("admin", T0.plusSeconds(30)));
    assertThat(requests.list(Optional.of(company), Optional.empty(), 50))
        .extracting(RestoreRequest::id).containsExactly(b.id(), a.id());
    assertThat(requests.list(Optional.empty(), Optional.of(RestoreStatus.PENDING), 50))
        .extracting(RestoreRequest::id).containsExactly(c.id(), a.id());
    assertThat(requests.list(Optional.empty(), Optional.empty(), 1)).hasSize(1);
    assertThat(requests.inStatus(RestoreStatus.APPROVED, T0.plusSeconds(29), 10)).isEmpty();
    assertThat(requests.inStatus(RestoreStatus.APPROVED, T0.plusSeconds(30), 10))
        .extracting(RestoreRequest::id).containsExactly(b.id());
    assertThatThrownBy(() -> requests.list(Optional.empty(), Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void database_refusesMovesOutsideTheTableAndFieldsThatDisagree() throws Exception {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.restore_requests SET status ="
          + " 'COMPLETED', completed_at = now(), restored_until = now(), initiated_at = now(),"
          + " approved_by = 'x', approved_at = now() WHERE id = '" + r.id() + "'"))
          .hasMessageContaining("cannot move from PENDING to COMPLETED");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.restore_requests SET status ="
          + " 'APPROVED' WHERE id = '" + r.id() + "'"))
          .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("23514");
    }
    assertThat(requests.find(r.id())).contains(r);
  }

  @Test
  void auditLog_insertOnly_pagedNewestFirst() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(audit.append(new PostgresAdminAuditLog.Entry(0, T0, "admin-1", "a@example.com",
          "HYRELOG_ADMIN", i % 2 == 0 ? Optional.of(company) : Optional.empty(),
          "restore_request.approve", Optional.of("restore_request:" + i), "OK",
          details(i), Optional.of("req-" + i))));
    }
    List<PostgresAdminAuditLog.Entry> first = audit.page(OptionalLong.empty(),
        Optional.empty(), 3);
    assertThat(first).extracting(PostgresAdminAuditLog.Entry::id)
        .containsExactly(ids.get(4), ids.get(3), ids.get(2));
    assertThat(first.get(0).details()).isEqualTo(details(4));
    assertThat(audit.page(OptionalLong.of(ids.get(2)), Optional.empty(), 3))
        .extracting(PostgresAdminAuditLog.Entry::id).containsExactly(ids.get(1), ids.get(0));
    assertThat(audit.page(OptionalLong.empty(), Optional.of(company), 10)).hasSize(3);
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.admin_audit_log SET action = 'x'"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hyrelog.admin_audit_log"))
          .isInstanceOf(SQLException.class);
    }
    // Not even the owner may change it.
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
         Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hyrelog.admin_audit_log"))
          .hasMessageContaining("insert-only");
    }
    assertThat(audit.page(OptionalLong.empty(), Optional.empty(), 200)).hasSize(5);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode details(int n) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("n", n);
  }

  private PostgresAdminAuditLog.Entry entry(int i, Optional<UUID> companyId) {
    return new PostgresAdminAuditLog.Entry(0, T0.plus(Duration.ofSeconds(i)), "user-" + i,
        "u" + i + "@example.com", i % 3 == 0 ? "HYRELOG_ADMIN" : "ADMIN", companyId,
        "restore_request.create", i % 4 == 0 ? Optional.empty()
            : Optional.of("archive_segment:" + i), i % 5 == 0 ? "REFUSED" : "OK",
        details(i), i % 2 == 0 ? Optional.of("req-" + i) : Optional.empty());
  }

  private List<PostgresAdminAuditLog.Entry> read(UUID companyId) {
    try (Stream<PostgresAdminAuditLog.Entry> s = audit.read(companyId)) {
      return s.toList();
    }
  }

  @Test
  void read_oneCompany_itsEntriesOnlyOldestFirstWithEveryField() {
    List<PostgresAdminAuditLog.Entry> mine = new ArrayList<>();
    List<PostgresAdminAuditLog.Entry> theirs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Optional<UUID> c = switch (i % 3) {
        case 0 -> Optional.of(company);
        case 1 -> Optional.of(other);
        default -> Optional.empty();
      };
      PostgresAdminAuditLog.Entry e = entry(i, c);
      long id = audit.append(e);
      PostgresAdminAuditLog.Entry stored = new PostgresAdminAuditLog.Entry(id, e.at(),
          e.actorUserId(), e.actorEmail(), e.actorRole(), e.companyId(), e.action(), e.target(),
          e.outcome(), details(i), e.requestId());
      if (i % 3 == 0) {
        mine.add(stored);
      } else if (i % 3 == 1) {
        theirs.add(stored);
      }
    }
    assertThat(read(company)).containsExactlyElementsOf(mine);
    assertThat(read(other)).containsExactlyElementsOf(theirs);
    assertThat(read(UUID.randomUUID())).isEmpty();
  }

  @Test
  void read_manyEntries_streamsFromAnOpenCursorAndCloseEndsTheTransaction() throws Exception {
    int n = 3 * PostgresAdminAuditLog.FETCH_SIZE + 7;
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO hyrelog.admin_audit_log (at, actor_user_id, actor_email, actor_role,"
          + " company_id, action, outcome, details) SELECT now(), 'u', 'u@example.com', 'ADMIN',"
          + " CASE WHEN g % 2 = 0 THEN '" + company + "'::uuid ELSE '" + other + "'::uuid END,"
          + " 'restore_request.list', 'OK', jsonb_build_object('g', g)"
          + " FROM generate_series(1, " + (2 * n) + ") g");
    }
    long last = 0;
    int count = 0;
    try (Stream<PostgresAdminAuditLog.Entry> s = audit.read(company)) {
      Iterator<PostgresAdminAuditLog.Entry> it = s.iterator();
      PostgresAdminAuditLog.Entry first = it.next();
      // Rows come from a cursor held by an open read-only transaction, not a list in memory.
      assertThat(openReads()).isEqualTo(1);
      last = first.id();
      count = 1;
      while (it.hasNext()) {
        PostgresAdminAuditLog.Entry e = it.next();
        assertThat(e.id()).isGreaterThan(last);
        assertThat(e.companyId()).contains(company);
        last = e.id();
        count++;
      }
    }
    assertThat(count).isEqualTo(n);
    assertThat(openReads()).isZero();
    // Streams closed half read give their connections back (the pool holds 8).
    for (int i = 0; i < 20; i++) {
      try (Stream<PostgresAdminAuditLog.Entry> s = audit.read(other)) {
        assertThat(s.findFirst()).isPresent();
      }
    }
    assertThat(openReads()).isZero();
  }

  /** Sessions of the application role idle inside a transaction after reading the log. */
  private int openReads() throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '"
            + PostgresFixture.APP_ROLE + "' AND datname = current_database() AND state ="
            + " 'idle in transaction' AND query LIKE '%admin_audit_log%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
