package io.hyrelog.server.internal.snapshots;

import io.hyrelog.HyrelogException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;

/** The {@code snapshots} table, sealed ranges and the period queries of the snapshot job. */
final class SnapshotTables {
  private final DataSource db;

  SnapshotTables(DataSource db) {
    this.db = db;
  }

  /** A recorded snapshot. */
  record Row(UUID id, UUID companyId, Instant from, Instant to, byte[] manifestSha256,
      String manifestKey, String signatureKey, String keyName, String keyId, int chains,
      long events, Instant createdAt) {}

  /** One chain's sealed range. */
  record Range(UUID workspaceId, long fromSeq, long toSeq) {}

  private static final String COLUMNS = "id, company_id, period_from, period_to,"
      + " manifest_sha256, manifest_key, signature_key, key_name, key_id, chains, events,"
      + " created_at";

  Optional<Row> find(UUID companyId, Instant from, Instant to) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM snapshots"
            + " WHERE company_id = ? AND period_from = ? AND period_to = ?")) {
      ps.setObject(1, companyId);
      ps.setObject(2, ts(from));
      ps.setObject(3, ts(to));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** A snapshot of the company whose period overlaps {@code [from, to)}, if any. */
  Optional<Row> overlapping(UUID companyId, Instant from, Instant to) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM snapshots"
            + " WHERE company_id = ? AND period_from < ? AND period_to > ?"
            + " ORDER BY period_from LIMIT 1")) {
      ps.setObject(1, companyId);
      ps.setObject(2, ts(to));
      ps.setObject(3, ts(from));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Where the period starting at {@code from} must be found by reading the chain (across the
   * hot/archive boundary) because the hot store no longer holds all of it: the first seq of the
   * chain's archival ranges whose UTC day (the running maximum of recorded days, see the archive
   * catalog) is on or after {@code from}'s day, when a purged segment holds such a range. Every
   * earlier seq counts before that day, so a read from there sees the period's start. Empty when
   * nothing of the period was purged ({@link #periodRange} applies).
   */
  OptionalLong purgedScanStart(UUID workspaceId, Instant from) throws SQLException {
    LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            SELECT min(x.from_seq) FROM (
              SELECT r.from_seq FROM archive_segment_ranges r
                JOIN archive_segments s ON s.id = r.segment_id
                WHERE r.workspace_id = ? AND s.day >= ?
              UNION ALL
              SELECT a.from_seq FROM archive_candidates a
                WHERE a.workspace_id = ? AND a.day >= ?) x
            WHERE EXISTS (SELECT 1 FROM archive_segment_ranges r
                JOIN archive_segments s ON s.id = r.segment_id
                WHERE r.workspace_id = ? AND s.day >= ? AND s.purged_at IS NOT NULL)""")) {
      ps.setObject(1, workspaceId);
      ps.setObject(2, day);
      ps.setObject(3, workspaceId);
      ps.setObject(4, day);
      ps.setObject(5, workspaceId);
      ps.setObject(6, day);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long seq = rs.getLong(1);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(seq);
      }
    }
  }

  /** The chain's head seq (0 when it has no events). */
  long head(UUID workspaceId) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT seq FROM chain_heads WHERE workspace_id = ?")) {
      ps.setObject(1, workspaceId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The company's chains, by workspace id. */
  List<UUID> chains(UUID companyId) throws SQLException {
    List<UUID> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT workspace_id FROM chain_heads"
            + " WHERE company_id = ? AND seq > 0 ORDER BY workspace_id")) {
      ps.setObject(1, companyId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return out;
  }

  /**
   * The seq range of a chain's events in {@code [from, to)} of recorded time, where an event
   * counts at the latest recorded time at or before its seq (the rule retention uses, so a
   * clock step back never splits a range): from the first seq recorded at or after {@code
   * from} up to the seq before the first one recorded at or after {@code to}.
   */
  Optional<Range> periodRange(UUID workspaceId, Instant from, Instant to) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            WITH f AS (SELECT min(seq) AS s FROM events
                       WHERE workspace_id = ? AND recorded_at >= ?)
            SELECT f.s,
                   COALESCE((SELECT min(e.seq) - 1 FROM events e
                             WHERE e.workspace_id = ? AND e.seq >= f.s AND e.recorded_at >= ?),
                            (SELECT max(e.seq) FROM events e WHERE e.workspace_id = ?))
            FROM f WHERE f.s IS NOT NULL""")) {
      ps.setObject(1, workspaceId);
      ps.setObject(2, ts(from));
      ps.setObject(3, workspaceId);
      ps.setObject(4, ts(to));
      ps.setObject(5, workspaceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long first = rs.getLong(1);
        long last = rs.getLong(2);
        return last >= first ? Optional.of(new Range(workspaceId, first, last))
            : Optional.empty();
      }
    }
  }

  /**
   * Records a snapshot and its sealed ranges in one transaction.
   *
   * @return false when a snapshot of the same company and period was recorded meanwhile
   */
  boolean record(Row r, List<Range> ranges) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO snapshots (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (company_id, period_from, period_to) DO NOTHING")) {
          ps.setObject(1, r.id());
          ps.setObject(2, r.companyId());
          ps.setObject(3, ts(r.from()));
          ps.setObject(4, ts(r.to()));
          ps.setBytes(5, r.manifestSha256());
          ps.setString(6, r.manifestKey());
          ps.setString(7, r.signatureKey());
          ps.setString(8, r.keyName());
          ps.setString(9, r.keyId());
          ps.setInt(10, r.chains());
          ps.setLong(11, r.events());
          ps.setObject(12, ts(r.createdAt()));
          if (ps.executeUpdate() == 0) {
            c.rollback();
            return false;
          }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lifecycle_ranges"
            + " (workspace_id, state, from_seq, to_seq, reference, created_at)"
            + " VALUES (?, 'SEALED', ?, ?, ?, ?)")) {
          for (Range g : ranges) {
            ps.setObject(1, g.workspaceId());
            ps.setLong(2, g.fromSeq());
            ps.setLong(3, g.toSeq());
            ps.setString(4, r.id().toString());
            ps.setObject(5, ts(r.createdAt()));
            ps.addBatch();
          }
          ps.executeBatch();
        }
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The sealed ranges of a snapshot. */
  List<Range> sealed(UUID snapshotId) throws SQLException {
    List<Range> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT workspace_id, from_seq, to_seq FROM"
            + " lifecycle_ranges WHERE state = 'SEALED' AND reference = ?"
            + " ORDER BY workspace_id, from_seq")) {
      ps.setString(1, snapshotId.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Range(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getBytes(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10),
        rs.getLong(11), rs.getObject(12, OffsetDateTime.class).toInstant());
  }

  private static OffsetDateTime ts(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  static HyrelogException failed(String what, SQLException e) {
    return new HyrelogException("cannot " + what + " (SQLState " + e.getSQLState() + ")", e);
  }
}
