package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresAdminAuditLog#read}: one company's entries oldest first, streamed from a
 * cursor, on a real PostgreSQL as the application role.
 */
class PostgresAdminAuditLogIT {
  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00.123456Z");
  private final UUID company = UUID.fromString("0190cccc-0000-7000-8000-000000000001");
  private final UUID other = UUID.fromString("0190cccc-0000-7000-8000-000000000002");
  private PostgresFixture.Database db;
  private PostgresAdminAuditLog audit;

  @BeforeEach
  void setUp() throws SQLException {
    db = PostgresFixture.newDatabase();
    audit = PostgresAdminAuditLog.create(db.app());
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO companies (id, name, region, plan_tier) VALUES ('" + company
          + "', 'Acme', 'US', 'GROWTH'), ('" + other + "', 'Other', 'US', 'ENTERPRISE')");
    }
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private PostgresAdminAuditLog.Entry entry(int i, Optional<UUID> companyId) {
    return new PostgresAdminAuditLog.Entry(0, T0.plus(Duration.ofSeconds(i)), "user-" + i,
        "u" + i + "@example.com", i % 3 == 0 ? "HYRELOG_ADMIN" : "ADMIN", companyId,
        "restore_request.create", i % 4 == 0 ? Optional.empty()
            : Optional.of("archive_segment:" + i), i % 5 == 0 ? "REFUSED" : "OK",
        "{\"n\":" + i + "}", i % 2 == 0 ? Optional.of("req-" + i) : Optional.empty());
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
          e.outcome(), "{\"n\": " + i + "}", e.requestId());
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
      s.execute("INSERT INTO admin_audit_log (at, actor_user_id, actor_email, actor_role,"
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
            + " 'idle in transaction' AND query LIKE '%FROM admin_audit_log%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
