package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.AdminAuditLog.Entry;
import io.hyrelog.testkit.AdminAuditLogContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresAdminAuditLog} passes the log's contract on a real PostgreSQL, as the
 * application role; and the database refuses to change or delete entries (to the owner too),
 * and a company's read streams from a cursor whose transaction ends when the stream is closed.
 */
class PostgresAdminAuditLogIT extends AdminAuditLogContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Test
  void database_refusesUpdateAndDeleteEvenToTheOwner() throws Exception {
    audit.append(entry(1, Optional.of(company)));
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.admin_audit_log SET action = 'x'"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hyrelog.admin_audit_log"))
          .isInstanceOf(SQLException.class);
    }
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
         Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hyrelog.admin_audit_log"))
          .hasMessageContaining("insert-only");
      assertThatThrownBy(() -> s.executeUpdate("TRUNCATE hyrelog.admin_audit_log"))
          .hasMessageContaining("insert-only");
    }
    assertThat(read(company)).hasSize(1);
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
    long last;
    int count;
    try (Stream<Entry> s = audit.read(company)) {
      Iterator<Entry> it = s.iterator();
      Entry first = it.next();
      // Rows come from a cursor held by an open read-only transaction, not a list in memory.
      assertThat(openReads()).isEqualTo(1);
      last = first.id();
      count = 1;
      while (it.hasNext()) {
        Entry e = it.next();
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
      try (Stream<Entry> s = audit.read(other)) {
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
