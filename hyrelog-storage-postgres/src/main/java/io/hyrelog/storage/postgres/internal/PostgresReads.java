package io.hyrelog.storage.postgres.internal;

import io.hyrelog.AuditEvent;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.Jcs;
import io.hyrelog.spi.EventQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The SELECT list that rebuilds events, and lookups by id. Not part of the public API. */
public final class PostgresReads {
  /** Columns: view, hash, personal values (JSON array or null). Table alias {@code e}. */
  public static final String EVENT_COLUMNS = "e.view, e.hash, (SELECT json_agg(json_build_array("
      + "p.path, encode(p.salt, 'hex'), convert_from(p.value, 'UTF8')))::text"
      + " FROM event_personal p WHERE p.event_id = e.id)";

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
      args.add(OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC));
    }
    if (q.to() != null) {
      sql.append(" AND e.ts < ?");
      args.add(OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC));
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
      sql.append(" AND e.id IN (SELECT a.id FROM events a WHERE a.company_id = ?"
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
    return "SELECT q.event_id FROM event_personal q WHERE q.path = '" + path
        + "' AND q.value = ?";
  }

  /** A condition: the event's personal value at {@code path} equals the next argument. */
  public static String personalMatch(String path) {
    return "EXISTS (SELECT 1 FROM event_personal q WHERE q.event_id = e.id AND q.path = '"
        + path + "' AND q.value = ?)";
  }

  /** How event_personal stores a string value: its canonical JSON bytes. */
  public static byte[] canonicalString(String s) {
    return Jcs.canonicalize(TextNode.valueOf(s));
  }


  /**
   * Ends a streaming read: rolls back its read-only transaction and closes the connection,
   * logging (at DEBUG) rather than throwing, since the caller is closing a stream.
   */
  public static void rollbackAndClose(Connection c, String what) {
    if (c == null) {
      return;
    }
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed below either way
    }
    try {
      c.close();
    } catch (SQLException e) {
      org.slf4j.LoggerFactory.getLogger(PostgresReads.class).debug("closing {} failed", what, e);
    }
  }

  /** Reads one row of a result set (at its current row). */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * The rows of {@code rs} as a lazy stream, one row at a time (so a cursor with a fetch size
   * keeps memory constant); a read failure becomes {@code failure}'s exception. The caller
   * closes the statement and connection through the stream's {@code onClose}.
   */
  public static <T> Stream<T> rows(ResultSet rs, Row<T> row,
      Function<SQLException, RuntimeException> failure) {
    Spliterator<T> split = new Spliterators.AbstractSpliterator<>(
        Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
      @Override
      public boolean tryAdvance(Consumer<? super T> action) {
        try {
          if (!rs.next()) {
            return false;
          }
          action.accept(row.read(rs));
          return true;
        } catch (SQLException e) {
          throw failure.apply(e);
        }
      }
    };
    return StreamSupport.stream(split, false);
  }

  /**
   * The events of {@code rs} (whose first columns are {@link #EVENT_COLUMNS}) as a lazy stream
   * ({@link #rows}).
   */
  public static Stream<AuditEvent> events(ResultSet rs,
      Function<SQLException, RuntimeException> failure) {
    return rows(rs, PostgresReads::event, failure);
  }

  /** Reads the event at the current row of {@code rs}, whose first columns are EVENT_COLUMNS. */
  public static AuditEvent event(ResultSet rs) throws SQLException {
    return EventRows.fromRow(rs.getBytes(1), rs.getBytes(2), rs.getString(3));
  }

  static Map<UUID, AuditEvent> findByIds(Connection c, List<UUID> ids) throws SQLException {
    Map<UUID, AuditEvent> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + EVENT_COLUMNS + ", e.id FROM events e WHERE e.id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getObject(4, UUID.class), event(rs));
        }
      }
    }
    for (UUID id : ids) {
      if (!out.containsKey(id)) {
        throw new HyrelogException("idempotency record points at event " + id
            + ", which is not stored (purged?)");
      }
    }
    return out;
  }
}
