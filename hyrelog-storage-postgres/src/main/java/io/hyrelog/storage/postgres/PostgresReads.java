package io.hyrelog.storage.postgres;

import io.hyrelog.AuditEvent;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.Jcs;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.storage.postgres.internal.EventRows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SELECT list that rebuilds events, the filters of event queries, and lookups by id. Table
 * names carry Jdbi's {@code <schema>} attribute ({@link Database}). Not part of the public API.
 */
final class PostgresReads {
  /** Columns: view, hash, personal values (JSON array or null). Table alias {@code e}. */
  public static final String EVENT_COLUMNS = "e.view, e.hash, (SELECT json_agg(json_build_array("
      + "p.path, encode(p.salt, 'hex'), convert_from(p.value, 'UTF8')))::text"
      + " FROM <schema>.event_personal p WHERE p.event_id = e.id)";

  private PostgresReads() {}

  /** The scope and filters of {@code q} (its limit and cursor are ignored), alias {@code e}. */
  public static void where(StringBuilder sql, List<Object> args, EventQuery q) {
    sql.append("e.company_id = ?");
    args.add(q.scope().companyId());
    if (q.scope().isWorkspace()) {
      sql.append(" AND e.workspace_id = ?");
      args.add(q.scope().workspaceId());
    }
    if (q.workspaceId() != null) {
      sql.append(" AND e.workspace_id = ?");
      args.add(q.workspaceId());
    }
    if (q.from() != null) {
      sql.append(" AND e.ts >= ?");
      args.add(q.from());
    }
    if (q.to() != null) {
      sql.append(" AND e.ts < ?");
      args.add(q.to());
    }
    if (q.category() != null) {
      sql.append(" AND e.category = ?");
      args.add(q.category());
    }
    if (q.action() != null) {
      sql.append(" AND e.action = ?");
      args.add(q.action());
    }
    if (q.projectId() != null) {
      sql.append(" AND e.project_id = ?");
      args.add(q.projectId());
    }
    // Personal values live in event_personal (as canonical JSON), not in the view. Both actor
    // filters are index lookups (the matching ids first), never a test of every event in scope.
    if (q.actorId() != null) {
      sql.append(" AND e.id IN (SELECT a.id FROM <schema>.events a WHERE a.company_id = ?"
          + " AND a.actor_id = ? UNION ALL ").append(personalIds("/actor/id")).append(")");
      args.add(q.scope().companyId());
      args.add(q.actorId());
      args.add(canonicalString(q.actorId()));
    }
    if (q.actorEmail() != null) {
      sql.append(" AND e.id IN (").append(personalIds("/actor/email")).append(")");
      args.add(canonicalString(q.actorEmail()));
    }
  }

  /** The ids of events whose personal value at {@code path} is the next argument (indexed). */
  private static String personalIds(String path) {
    return "SELECT q.event_id FROM <schema>.event_personal q WHERE q.path = '" + path
        + "' AND q.value = ?";
  }

  /** A condition: the event's personal value at {@code path} equals the next argument. */
  public static String personalMatch(String path) {
    return "EXISTS (SELECT 1 FROM <schema>.event_personal q WHERE q.event_id = e.id"
        + " AND q.path = '" + path + "' AND q.value = ?)";
  }

  /** How event_personal stores a string value: its canonical JSON bytes. */
  public static byte[] canonicalString(String s) {
    return Jcs.canonicalize(TextNode.valueOf(s));
  }

  /** Reads the event at the current row of {@code rs}, whose first columns are EVENT_COLUMNS. */
  public static AuditEvent event(ResultSet rs, StatementContext ctx) throws SQLException {
    return EventRows.fromRow(rs.getBytes(1), rs.getBytes(2), rs.getString(3));
  }
}
