package io.hyrelog.storage.postgres;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The archive catalog in the events' own database (tables {@code archive_candidates}, {@code
 * archive_segments}, {@code archive_segment_ranges}; migration V4). Each method is one
 * transaction; thread-safe and safe with several processes: planning locks the day's candidate
 * rows and moves them into the segment, so a day is planned once; purging goes through {@code
 * hyrelog_purge_events()}, which refuses rows no ARCHIVED range covers.
 */
public final class PostgresArchiveCatalog implements ArchiveCatalog {
  private final DataSource dataSource;

  private PostgresArchiveCatalog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The catalog in the database behind {@code dataSource} (migrated by {@link PostgresMigrations}). */
  public static PostgresArchiveCatalog create(DataSource dataSource) {
    return new PostgresArchiveCatalog(Objects.requireNonNull(dataSource, "dataSource"));
  }

  // Per chain of the company: the seqs after the last marked or archived one, up to the seq
  // before the first event recorded at or after the cutoff. Each event's day is the running
  // maximum of recorded days along the chain, never before the day of the chain's previous
  // range, so days are contiguous and ascend with seq (exports rely on that order).
  private static final String MARK = """
      WITH last AS (
        SELECT h.workspace_id, h.seq AS head,
               COALESCE(p.to_seq, 0) AS after_seq, p.day AS prev_day
        FROM chain_heads h
        LEFT JOIN LATERAL (
          SELECT to_seq, day FROM (
            SELECT c.to_seq, c.day FROM archive_candidates c WHERE c.workspace_id = h.workspace_id
            UNION ALL
            SELECT r.to_seq, s.day FROM archive_segment_ranges r
              JOIN archive_segments s ON s.id = r.segment_id
              WHERE r.workspace_id = h.workspace_id) x
          ORDER BY to_seq DESC LIMIT 1) p ON true
        WHERE h.company_id = ?
      ),
      bound AS (
        SELECT l.workspace_id, l.after_seq, l.prev_day,
               COALESCE((SELECT min(e.seq) - 1 FROM events e
                         WHERE e.workspace_id = l.workspace_id AND e.seq > l.after_seq
                           AND e.recorded_at >= ?), l.head) AS last_seq
        FROM last l
      ),
      marked AS (
        SELECT e.workspace_id, e.seq,
               GREATEST((max(e.recorded_at) OVER (PARTITION BY e.workspace_id ORDER BY e.seq)
                         AT TIME ZONE 'UTC')::date, b.prev_day) AS day
        FROM bound b
        JOIN events e ON e.workspace_id = b.workspace_id
                     AND e.seq > b.after_seq AND e.seq <= b.last_seq
      )
      INSERT INTO archive_candidates (workspace_id, from_seq, to_seq, company_id, day, marked_at)
      SELECT workspace_id, min(seq), max(seq), ?, day, ? FROM marked GROUP BY workspace_id, day
      RETURNING to_seq - from_seq + 1
      """;

  @Override
  public long markCandidates(UUID companyId, Instant cutoff, Instant markedAt) {
    return inTransaction("mark archival candidates", c -> {
      // One marker per company at a time: two would both start after the same last range.
      exec(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 7))", "mark:" + companyId);
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement(MARK)) {
        bind(ps, companyId, ts(cutoff), companyId, ts(markedAt));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n += rs.getLong(1);
          }
        }
      }
      return n;
    });
  }

  @Override
  public List<LocalDate> candidateDays(UUID companyId) {
    return list("SELECT DISTINCT day FROM archive_candidates WHERE company_id = ? ORDER BY day",
        rs -> rs.getObject(1, LocalDate.class), companyId);
  }

  @Override
  public Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId, String key,
      Instant now) {
    return inTransaction("plan an archive segment", c -> {
      // One planner per company and day; a concurrent one waits, then finds the candidates gone
      // (each statement sees what committed before it started).
      exec(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 7))",
          "plan:" + companyId + ":" + day);
      Map<UUID, long[]> chains = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT workspace_id, from_seq, to_seq"
          + " FROM archive_candidates WHERE company_id = ? AND day = ?"
          + " ORDER BY workspace_id, from_seq")) {
        bind(ps, companyId, day);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            UUID ws = rs.getObject(1, UUID.class);
            long from = rs.getLong(2);
            long to = rs.getLong(3);
            long[] r = chains.get(ws);
            if (r == null) {
              chains.put(ws, new long[] {from, to});
            } else if (r[1] + 1 == from) {
              r[1] = to;
            } else {
              throw new IllegalStateException("candidates of chain " + ws + " on " + day
                  + " are not contiguous (" + r[0] + ".." + r[1] + " then " + from + ")");
            }
          }
        }
      }
      if (chains.isEmpty()) {
        return Optional.<ArchiveSegment>empty();
      }
      List<Range> ranges = new ArrayList<>();
      long events = 0;
      Instant min = null;
      Instant max = null;
      for (Map.Entry<UUID, long[]> e : chains.entrySet()) {
        UUID ws = e.getKey();
        long from = e.getValue()[0];
        long to = e.getValue()[1];
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), min(recorded_at),"
            + " max(recorded_at),"
            + " (SELECT prev_hash FROM events WHERE workspace_id = ? AND seq = ?),"
            + " (SELECT hash FROM events WHERE workspace_id = ? AND seq = ?)"
            + " FROM events WHERE workspace_id = ? AND seq BETWEEN ? AND ?")) {
          bind(ps, ws, from, ws, to, ws, from, to);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) != to - from + 1) {
              throw new IllegalStateException("chain " + ws + " holds " + rs.getLong(1)
                  + " hot events in candidate range " + from + ".." + to + ", expected "
                  + (to - from + 1));
            }
            Instant lo = rs.getObject(2, OffsetDateTime.class).toInstant();
            Instant hi = rs.getObject(3, OffsetDateTime.class).toInstant();
            min = min == null || lo.isBefore(min) ? lo : min;
            max = max == null || hi.isAfter(max) ? hi : max;
            ranges.add(new Range(ws, from, to, Digest.of(rs.getBytes(4)),
                Digest.of(rs.getBytes(5))));
            events += to - from + 1;
          }
        }
      }
      exec(c, "INSERT INTO archive_segments (id, company_id, day, object_key, status, events,"
          + " min_recorded_at, max_recorded_at, created_at) VALUES (?, ?, ?, ?, 'PENDING', ?, ?,"
          + " ?, ?)", segmentId, companyId, day, key, events, ts(min), ts(max), ts(now));
      for (Range r : ranges) {
        exec(c, "INSERT INTO archive_segment_ranges (segment_id, workspace_id, from_seq, to_seq,"
            + " first_prev_hash, last_hash) VALUES (?, ?, ?, ?, ?, ?)", segmentId,
            r.workspaceId(), r.fromSeq(), r.toSeq(), r.firstPrevHash().bytes(),
            r.lastHash().bytes());
      }
      exec(c, "DELETE FROM archive_candidates WHERE company_id = ? AND day = ?", companyId, day);
      return Optional.of(new ArchiveSegment(segmentId, companyId, day, key, Status.PENDING,
          events, min, max, Optional.empty(), now, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), ranges));
    });
  }

  private static final String SEGMENT_COLUMNS = "id, company_id, day, object_key, status,"
      + " events, min_recorded_at, max_recorded_at, size_bytes, sha256, uploaded_at, created_at,"
      + " verified_at, verification_error, purged_at, cold_at, restored_until";

  @Override
  public Optional<ArchiveSegment> segment(UUID segmentId) {
    List<ArchiveSegment> l = segments("SELECT " + SEGMENT_COLUMNS
        + " FROM archive_segments WHERE id = ?", segmentId);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  @Override
  public List<ArchiveSegment> segments(List<Status> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    // Enum names only: safe to inline.
    String in = String.join("', '", statuses.stream().map(Enum::name).toList());
    return segments("SELECT " + SEGMENT_COLUMNS + " FROM archive_segments"
        + " WHERE status IN ('" + in + "') ORDER BY created_at, id");
  }

  @Override
  public List<ArchiveSegment> segments(UUID companyId) {
    return segments("SELECT " + SEGMENT_COLUMNS + " FROM archive_segments"
        + " WHERE company_id = ? ORDER BY day, created_at, id", companyId);
  }

  @Override
  public void uploaded(UUID segmentId, ArchiveObject object, Instant at) {
    int n = update("record an uploaded segment", "UPDATE archive_segments SET status = 'UPLOADED',"
        + " size_bytes = ?, sha256 = ?, uploaded_at = ? WHERE id = ? AND status = 'PENDING'",
        object.size(), object.sha256().bytes(), ts(at), segmentId);
    if (n == 0) {
      requireStatus(segmentId, Status.UPLOADED, Status.VERIFIED, Status.FAILED);
    }
  }

  @Override
  public void verified(UUID segmentId, Instant at) {
    inTransaction("record a verified segment", c -> {
      String key = one(c, "SELECT object_key FROM archive_segments WHERE id = ?"
          + " AND status <> 'PENDING' FOR UPDATE", rs -> rs.getString(1), segmentId)
          .orElseThrow(() -> new IllegalStateException(
              "segment " + segmentId + " does not exist or was never uploaded"));
      exec(c, "UPDATE archive_segments SET status = 'VERIFIED', verification_error = NULL,"
          + " verified_at = COALESCE(verified_at, ?), last_checked_at = ? WHERE id = ?",
          ts(at), ts(at), segmentId);
      exec(c, "INSERT INTO lifecycle_ranges (workspace_id, state, from_seq, to_seq, reference,"
          + " created_at) SELECT workspace_id, 'ARCHIVED', from_seq, to_seq, ?, ?"
          + " FROM archive_segment_ranges WHERE segment_id = ? ON CONFLICT DO NOTHING",
          key, ts(at), segmentId);
      return null;
    });
  }

  @Override
  public void failed(UUID segmentId, String error, Instant at) {
    int n = update("record a failed verification", "UPDATE archive_segments SET status = 'FAILED',"
        + " verification_error = ?, last_checked_at = ? WHERE id = ? AND status <> 'PENDING'",
        error, ts(at), segmentId);
    if (n == 0) {
      throw new IllegalStateException(
          "segment " + segmentId + " does not exist or was never uploaded");
    }
  }

  @Override
  public long purge(UUID segmentId, Instant at) {
    return inTransaction("purge archived hot rows", c -> {
      Optional<String> key = one(c, "SELECT object_key FROM archive_segments WHERE id = ?"
          + " AND status = 'VERIFIED' AND purged_at IS NULL FOR UPDATE",
          rs -> rs.getString(1), segmentId);
      if (key.isEmpty()) {
        requireStatus(segmentId, Status.VERIFIED);
        return 0L; // purged before
      }
      long n = 0;
      for (Range r : ranges(c, segmentId)) {
        n += one(c, "SELECT hyrelog_purge_events(?, ?, ?, ?)", rs -> rs.getLong(1),
            r.workspaceId(), r.fromSeq(), r.toSeq(), key.get()).orElse(0L);
      }
      exec(c, "UPDATE archive_segments SET purged_at = ? WHERE id = ?", ts(at), segmentId);
      return n;
    });
  }

  @Override
  public int markCold(UUID companyId, Instant storedBefore, Instant at) {
    return update("mark segments cold", "UPDATE archive_segments SET cold_at = ?"
        + " WHERE company_id = ? AND status = 'VERIFIED' AND cold_at IS NULL"
        + " AND uploaded_at < ?", ts(at), companyId, ts(storedBefore));
  }

  private void requireStatus(UUID segmentId, Status... allowed) {
    Optional<ArchiveSegment> s = segment(segmentId);
    if (s.isEmpty()) {
      throw new IllegalStateException("segment " + segmentId + " does not exist");
    }
    if (!List.of(allowed).contains(s.get().status())) {
      throw new IllegalStateException("segment " + segmentId + " is " + s.get().status()
          + ", expected one of " + List.of(allowed));
    }
  }

  private List<ArchiveSegment> segments(String sql, Object... args) {
    return inTransaction("read archive segments", c -> {
      List<ArchiveSegment> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        // The driver reads the whole result first, so the range queries may share the connection.
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(segment(c, rs));
          }
        }
      }
      return out;
    });
  }

  private static ArchiveSegment segment(Connection c, ResultSet rs) throws SQLException {
    UUID id = rs.getObject(1, UUID.class);
    Optional<ArchiveObject> object = Optional.empty();
    byte[] sha = rs.getBytes(10);
    if (sha != null) {
      object = Optional.of(new ArchiveObject(rs.getString(4), rs.getLong(9), Digest.of(sha),
          instant(rs, 11).orElseThrow()));
    }
    return new ArchiveSegment(id, rs.getObject(2, UUID.class), rs.getObject(3, LocalDate.class),
        rs.getString(4), Status.valueOf(rs.getString(5)), rs.getLong(6),
        instant(rs, 7).orElseThrow(), instant(rs, 8).orElseThrow(), object,
        instant(rs, 12).orElseThrow(), instant(rs, 13), Optional.ofNullable(rs.getString(14)),
        instant(rs, 15), instant(rs, 16), instant(rs, 17), ranges(c, id));
  }

  private static List<Range> ranges(Connection c, UUID segmentId) throws SQLException {
    List<Range> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT workspace_id, from_seq, to_seq,"
        + " first_prev_hash, last_hash FROM archive_segment_ranges WHERE segment_id = ?"
        + " ORDER BY workspace_id, from_seq")) {
      bind(ps, segmentId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Range(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3),
              Digest.of(rs.getBytes(4)), Digest.of(rs.getBytes(5))));
        }
      }
    }
    return out;
  }

  private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  private static OffsetDateTime ts(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> List<T> list(String sql, Row<T> row, Object... args) {
    return inTransaction("read the archive catalog", c -> {
      List<T> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row.map(rs));
          }
        }
      }
      return out;
    });
  }

  private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
      }
    }
  }

  private int update(String what, String sql, Object... args) {
    return inTransaction(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    });
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      ps.execute();
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static HyrelogException failure(String what, SQLException e) {
    // Only the SQLState: driver messages can quote parameter values.
    return new HyrelogException("cannot " + what + " (SQLState " + e.getSQLState() + ")",
        new SQLException("SQLState " + e.getSQLState(), e.getSQLState()));
  }
}
