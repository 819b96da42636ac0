package io.hyrelog.storage.postgres.internal;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The SELECT list that rebuilds events, and lookups by id. Not part of the public API. */
public final class PostgresReads {
  /** Columns: view, hash, personal values (JSON array or null). Table alias {@code e}. */
  public static final String EVENT_COLUMNS = "e.view, e.hash, (SELECT json_agg(json_build_array("
      + "p.path, encode(p.salt, 'hex'), convert_from(p.value, 'UTF8')))::text"
      + " FROM event_personal p WHERE p.event_id = e.id)";

  private PostgresReads() {}

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
