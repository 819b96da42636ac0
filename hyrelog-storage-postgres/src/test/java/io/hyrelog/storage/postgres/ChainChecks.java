package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.VerificationReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Test helper: what a chain holds after concurrent or crashed writers, checked several ways. */
final class ChainChecks {
  private ChainChecks() {}

  /** The chain's events by idempotency key, read through the store in seq order. */
  static Map<String, AuditEvent> storedByKey(PostgresEventStore store, WorkspaceRef ws) {
    Map<String, AuditEvent> byKey = new LinkedHashMap<>();
    long expectedSeq = 1;
    try (Stream<AuditEvent> events = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      for (AuditEvent e : (Iterable<AuditEvent>) events::iterator) {
        assertThat(e.seq()).as("seq after %s", expectedSeq - 1).isEqualTo(expectedSeq++);
        assertThat(e.idempotencyKey()).as("key of seq %s", e.seq()).isNotNull();
        AuditEvent twin = byKey.put(e.idempotencyKey(), e);
        assertThat(twin).as("key %s stored at seq %s and %s", e.idempotencyKey(), e.seq(),
            twin == null ? 0 : twin.seq()).isNull();
      }
    }
    return byKey;
  }

  /**
   * Checks, as the owner in SQL, that the chain holds exactly {@code expected} events with seqs
   * 1..expected, distinct ids, one idempotency record per event naming that event, and a head
   * at the last event.
   */
  static void assertTablesConsistent(PostgresFixture.Database db, WorkspaceRef ws,
      long expected) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl())) {
      List<Long> events = row(c, "SELECT count(*), count(DISTINCT id), min(seq), max(seq),"
          + " count(idempotency_key), count(DISTINCT idempotency_key) FROM hyrelog.events"
          + " WHERE workspace_id = ?", ws);
      assertThat(events).as("events: count, distinct ids, min seq, max seq, keys, distinct keys")
          .containsExactly(expected, expected, 1L, expected, expected, expected);
      List<Long> keys = row(c, "SELECT count(*), count(DISTINCT k.key), count(e.id)"
          + " FROM hyrelog.idempotency_keys k LEFT JOIN hyrelog.events e ON e.id = k.event_id"
          + " AND e.workspace_id = k.workspace_id AND e.idempotency_key = k.key"
          + " WHERE k.workspace_id = ?", ws);
      assertThat(keys).as("idempotency records: count, distinct keys, matching their event")
          .containsExactly(expected, expected, expected);
      List<Long> head = row(c, "SELECT h.seq, count(e.seq) FROM hyrelog.chain_heads h"
          + " LEFT JOIN hyrelog.events e ON e.workspace_id = h.workspace_id AND e.seq = h.seq"
          + " AND e.hash = h.hash"
          + " WHERE h.workspace_id = ? GROUP BY h.seq", ws);
      assertThat(head).as("head seq, and whether the event at it has the head's hash")
          .containsExactly(expected, 1L);
    }
  }

  private static List<Long> row(Connection c, String sql, WorkspaceRef ws)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, ws.workspaceId());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as(sql).isTrue();
        List<Long> values = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.add(rs.getLong(i));
        }
        return values;
      }
    }
  }

  /**
   * Checks every acknowledgement against what is stored (same id, seq and hash for its key) and
   * that no key was acknowledged as created more than once.
   */
  static void assertAcksStored(List<AppendWorker.Ack> acks, Map<String, AuditEvent> stored) {
    List<String> wrong = new ArrayList<>();
    Map<String, Integer> created = new HashMap<>();
    for (AppendWorker.Ack a : acks) {
      AuditEvent e = stored.get(a.key());
      if (e == null) {
        wrong.add("lost: " + a);
      } else if (!e.id().equals(a.id()) || e.seq() != a.seq()
          || !e.hash().hex().equals(a.hash())) {
        wrong.add("acknowledged " + a + " but stored " + e.id() + " " + e.seq() + " "
            + e.hash().hex());
      }
      if (a.created()) {
        created.merge(a.key(), 1, Integer::sum);
      }
    }
    created.forEach((k, n) -> {
      if (n > 1) {
        wrong.add("acknowledged as created " + n + " times: " + k);
      }
    });
    assertThat(wrong).as("acknowledgements that disagree with the chain (of %s)", acks.size())
        .isEmpty();
  }

  /** Verifies the chain's hashes and links through {@link EventLog#verify}. */
  static void assertVerifies(PostgresEventStore store, WorkspaceRef ws, long expected) {
    VerificationReport report = EventLog.builder(store).build()
        .verify(EventScope.of(ws), Optional.empty());
    assertThat(report.failure()).as("verification failure").isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.events()).isEqualTo(expected);
  }
}
