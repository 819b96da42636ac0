package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventHashing;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database itself keeps events insert-only; only the audited purge path removes rows. */
class ImmutabilityIT {
  private PostgresFixture.Database db;
  private PostgresEventStore store;
  private final WorkspaceRef ws = SampleEvents.workspace(31, DataRegion.US);

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    store = PostgresEventStore.builder(db.app()).build();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 9))
        .build();
    SampleEvents samples = new SampleEvents(31);
    for (int i = 0; i < 5; i++) {
      log.append(ws, samples.next(null));
    }
  }

  @AfterEach
  void tearDown() {
    store.close();
    db.close();
  }

  private int count() throws SQLException {
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hyrelog.events")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void appRole_updateDeleteTruncate_areRefused() throws SQLException {
    for (String sql : new String[] {"UPDATE hyrelog.events SET action = 'forged' WHERE seq = 2",
        "DELETE FROM hyrelog.events WHERE seq = 2", "TRUNCATE hyrelog.events",
        "DELETE FROM hyrelog.idempotency_keys", "DELETE FROM hyrelog.event_personal"}) {
      try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      }
    }
    assertThat(count()).isEqualTo(5);
  }

  @Test
  void owner_updateDeleteTruncate_areRefusedByTriggers() throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement()) {
      for (String sql : new String[] {"UPDATE hyrelog.events SET action = 'forged' WHERE seq = 2",
          "DELETE FROM hyrelog.events WHERE seq = 2", "TRUNCATE hyrelog.events"}) {
        assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
            .hasMessageContaining("insert-only");
      }
    }
    assertThat(count()).isEqualTo(5);
  }

  @Test
  void purge_onlyArchivedRanges_andLogsIt() throws SQLException {
    try (Connection c = db.app().getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT hyrelog.hyrelog_purge_events(?, 1, 2, 'archives/x/2026/11/26/seg-1.jsonl.gz')")) {
        ps.setObject(1, ws.workspaceId());
        assertThatThrownBy(ps::executeQuery).hasMessageContaining("not covered");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO hyrelog.lifecycle_ranges"
          + " (workspace_id, state, from_seq, to_seq, reference)"
          + " VALUES (?, 'ARCHIVED', 1, 2, 'seg-1')")) {
        ps.setObject(1, ws.workspaceId());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT hyrelog.hyrelog_purge_events(?, 1, 2, 'seg-1')")) {
        ps.setObject(1, ws.workspaceId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(2);
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT rows_purged, archive_ref FROM hyrelog.purge_log")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(2);
        assertThat(rs.getString(2)).isEqualTo("seg-1");
      }
      // The flag the purge function sets does not outlive it.
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("DELETE FROM hyrelog.events WHERE seq = 3"))
            .isInstanceOf(SQLException.class);
      }
    }
    assertThat(count()).isEqualTo(3);
  }

  @Test
  void storedView_isExactlyTheHashedBytes() throws SQLException {
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT view, hash FROM hyrelog.events ORDER BY seq")) {
      int n = 0;
      while (rs.next()) {
        assertThat(EventHashing.leafHash(rs.getBytes(1)).bytes()).isEqualTo(rs.getBytes(2));
        n++;
      }
      assertThat(n).isEqualTo(5);
    }
    try (var events = store.read(EventScope.of(ws), 1, 5)) {
      events.forEach(e -> assertThat(EventHashing.hash(e)).isEqualTo(e.hash()));
    }
    assertThat(EventLog.builder(store).build().verify(EventScope.of(ws), Optional.empty()).ok())
        .isTrue();
  }

  @Test
  void personalMetadataKey_isKeptOutOfTheRow_andErasable() throws SQLException {
    WorkspaceRef other = SampleEvents.workspace(32, DataRegion.US);
    EventLog log = EventLog.builder(store)
        .personalData(io.hyrelog.PersonalDataPolicy.defaults().withMetadataKeys("ssn")).build();
    AuditEvent e = log.append(other, io.hyrelog.NewEvent.builder("hr", "update")
        .actor(new io.hyrelog.Actor("u9", "nine@example.com", null, null))
        .metadata(io.hyrelog.Metadata.parse("{\"ssn\":\"078-05-1120\",\"dept\":\"x\"}"))
        .build()).event();
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT convert_from(view, 'UTF8'), metadata::text"
            + " FROM hyrelog.events WHERE id = '" + e.id() + "'")) {
      rs.next();
      assertThat(rs.getString(1)).doesNotContain("078-05-1120").contains("/metadata/ssn");
      assertThat(rs.getString(2)).doesNotContain("ssn").contains("dept");
    }
    assertThat(store.erase(new io.hyrelog.spi.ErasureRequest(
        EventScope.company(other.companyId()), "u9", null))).isEqualTo(1);
    AuditEvent erased = store.find(EventScope.of(other), e.id()).orElseThrow();
    assertThat(erased.metadata().has("ssn")).isFalse();
    assertThat(erased.personal().get("/metadata/ssn").erased()).isTrue();
    assertThat(erased.hash()).isEqualTo(e.hash());
    assertThat(log.verify(EventScope.of(other), Optional.empty()).ok()).isTrue();
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hyrelog.event_personal"
            + " WHERE event_id = '" + e.id() + "' AND (salt IS NOT NULL OR value IS NOT NULL)")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void personalValues_areNotInTheImmutableRow() throws SQLException {
    AuditEvent first;
    try (var events = store.read(EventScope.of(ws), 1, 1)) {
      first = events.findFirst().orElseThrow();
    }
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT convert_from(view, 'UTF8'), metadata::text"
            + " FROM hyrelog.events WHERE seq = 1")) {
      rs.next();
      assertThat(rs.getString(1)).doesNotContain(first.actor().email())
          .doesNotContain(first.context().ip());
      assertThat(rs.getString(2)).doesNotContain(first.actor().email());
    }
  }
}
