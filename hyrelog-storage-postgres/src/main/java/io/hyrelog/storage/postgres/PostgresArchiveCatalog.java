package io.hyrelog.storage.postgres;

import io.hyrelog.Digest;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link ArchiveCatalog} in the events' own database (tables {@code archive_candidates},
 * {@code archive_segments}, {@code archive_segment_ranges}; migration V4). Each method is one
 * transaction; thread-safe and safe with several processes: marking and planning take advisory
 * locks (per company, per company and day), so a seq is marked once and a day planned once;
 * purging goes through {@code hyrelog_purge_events()}, which refuses rows no ARCHIVED range
 * covers and logs each purge in {@code purge_log}.
 */
public final class PostgresArchiveCatalog implements ArchiveCatalog {
  private final Database db;

  private PostgresArchiveCatalog(Database db) {
    this.db = db;
  }

  /**
   * The catalog in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the catalog; thread-safe
   */
  public static PostgresArchiveCatalog create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The catalog in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the catalog; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresArchiveCatalog create(DataSource dataSource, String schema) {
    return new PostgresArchiveCatalog(Database.open(dataSource, schema, "archive_candidates",
        "archive_segments", "archive_segment_ranges", "lifecycle_ranges", "events",
        "chain_heads"));
  }

  // Per chain of the company: the seqs after the last marked or archived one, up to the seq
  // before the first event recorded at or after the cutoff. Each event's day is the running
  // maximum of recorded days along the chain, never before the day of the chain's previous
  // range, so days are contiguous and ascend with seq (exports rely on that order).
  private static final String MARK = """
      WITH last AS (
        SELECT h.workspace_id, h.seq AS head,
               COALESCE(p.to_seq, 0) AS after_seq, p.day AS prev_day
        FROM <schema>.chain_heads h
        LEFT JOIN LATERAL (
          SELECT to_seq, day FROM (
            SELECT c.to_seq, c.day FROM <schema>.archive_candidates c
              WHERE c.workspace_id = h.workspace_id
            UNION ALL
            SELECT r.to_seq, s.day FROM <schema>.archive_segment_ranges r
              JOIN <schema>.archive_segments s ON s.id = r.segment_id
              WHERE r.workspace_id = h.workspace_id) x
          ORDER BY to_seq DESC LIMIT 1) p ON true
        WHERE h.company_id = ?
      ),
      bound AS (
        SELECT l.workspace_id, l.after_seq, l.prev_day,
               COALESCE((SELECT min(e.seq) - 1 FROM <schema>.events e
                         WHERE e.workspace_id = l.workspace_id AND e.seq > l.after_seq
                           AND e.recorded_at >= ?), l.head) AS last_seq
        FROM last l
      ),
      marked AS (
        SELECT e.workspace_id, e.seq,
               GREATEST((max(e.recorded_at) OVER (PARTITION BY e.workspace_id ORDER BY e.seq)
                         AT TIME ZONE 'UTC')::date, b.prev_day) AS day
        FROM bound b
        JOIN <schema>.events e ON e.workspace_id = b.workspace_id
                     AND e.seq > b.after_seq AND e.seq <= b.last_seq
      )
      INSERT INTO <schema>.archive_candidates
        (workspace_id, from_seq, to_seq, company_id, day, marked_at)
      SELECT workspace_id, min(seq), max(seq), ?, day, ? FROM marked GROUP BY workspace_id, day
      RETURNING to_seq - from_seq + 1
      """;

  @Override
  public long markCandidates(UUID companyId, Instant cutoff, Instant markedAt) {
    return db.inTransaction("mark archival candidates", h -> {
      // One marker per company at a time: two would both start after the same last range.
      lock(h, "mark:" + companyId);
      return Database.bind(h.createQuery(MARK), companyId, cutoff, companyId, markedAt)
          .mapTo(Long.class).list().stream().mapToLong(Long::longValue).sum();
    });
  }

  @Override
  public List<LocalDate> candidateDays(UUID companyId) {
    return db.list("read the archive catalog", "SELECT DISTINCT day FROM"
        + " <schema>.archive_candidates WHERE company_id = ? ORDER BY day",
        (rs, ctx) -> rs.getObject(1, LocalDate.class), companyId);
  }

  @Override
  public Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId, String key,
      Instant now) {
    return Database.refusingDuplicates("archive segment " + segmentId + " (or its key)",
        () -> plan(companyId, day, segmentId, key, now, db));
  }

  private static Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId,
      String key, Instant now, Database db) {
    return db.inTransaction("plan an archive segment", h -> {
      // One planner per company and day; a concurrent one waits, then finds the candidates gone
      // (each statement sees what committed before it started).
      lock(h, "plan:" + companyId + ":" + day);
      Map<UUID, long[]> chains = new LinkedHashMap<>();
      Database.bind(h.createQuery("SELECT workspace_id, from_seq, to_seq"
          + " FROM <schema>.archive_candidates WHERE company_id = ? AND day = ?"
          + " ORDER BY workspace_id, from_seq"), companyId, day).map((rs, ctx) -> {
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
            return ws;
          }).list();
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
        record Stats(long count, Instant min, Instant max, Digest firstPrev, Digest last) {}
        Stats st = Database.bind(h.createQuery("SELECT count(*), min(recorded_at),"
            + " max(recorded_at),"
            + " (SELECT prev_hash FROM <schema>.events WHERE workspace_id = ? AND seq = ?),"
            + " (SELECT hash FROM <schema>.events WHERE workspace_id = ? AND seq = ?)"
            + " FROM <schema>.events WHERE workspace_id = ? AND seq BETWEEN ? AND ?"),
            ws, from, ws, to, ws, from, to)
            .map((rs, ctx) -> new Stats(rs.getLong(1), Database.instant(rs, 2),
                Database.instant(rs, 3), digest(rs.getBytes(4)), digest(rs.getBytes(5))))
            .one();
        if (st.count() != to - from + 1) {
          throw new IllegalStateException("chain " + ws + " holds " + st.count()
              + " hot events in candidate range " + from + ".." + to + ", expected "
              + (to - from + 1));
        }
        min = min == null || st.min().isBefore(min) ? st.min() : min;
        max = max == null || st.max().isAfter(max) ? st.max() : max;
        ranges.add(new Range(ws, from, to, st.firstPrev(), st.last()));
        events += to - from + 1;
      }
      exec(h, "INSERT INTO <schema>.archive_segments (id, company_id, day, object_key, status,"
          + " events, min_recorded_at, max_recorded_at, created_at) VALUES (?, ?, ?, ?,"
          + " 'PENDING', ?, ?, ?, ?)", segmentId, companyId, day, key, events, min, max, now);
      PreparedBatch batch = h.prepareBatch("INSERT INTO <schema>.archive_segment_ranges"
          + " (segment_id, workspace_id, from_seq, to_seq, first_prev_hash, last_hash)"
          + " VALUES (?, ?, ?, ?, ?, ?)");
      for (Range r : ranges) {
        batch.add(segmentId, r.workspaceId(), r.fromSeq(), r.toSeq(), r.firstPrevHash().bytes(),
            r.lastHash().bytes());
      }
      batch.execute();
      exec(h, "DELETE FROM <schema>.archive_candidates WHERE company_id = ? AND day = ?",
          companyId, day);
      return Optional.of(new ArchiveSegment(segmentId, companyId, day, key, Status.PENDING,
          events, min, max, Optional.empty(), now, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), ranges));
    });
  }

  private static final String SEGMENT_COLUMNS = "id, company_id, day, object_key, status,"
      + " events, min_recorded_at, max_recorded_at, size_bytes, sha256, uploaded_at, created_at,"
      + " verified_at, verification_error, purged_at, cold_at, restored_until, expired_at";

  @Override
  public Optional<ArchiveSegment> segment(UUID segmentId) {
    return segments("SELECT " + SEGMENT_COLUMNS + " FROM <schema>.archive_segments"
        + " WHERE id = ?", segmentId).stream().findFirst();
  }

  @Override
  public List<ArchiveSegment> segments(List<Status> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    // Enum names only: safe to inline.
    String in = String.join("', '", statuses.stream().map(Enum::name).toList());
    return segments("SELECT " + SEGMENT_COLUMNS + " FROM <schema>.archive_segments"
        + " WHERE status IN ('" + in + "') ORDER BY created_at, id");
  }

  @Override
  public List<ArchiveSegment> segments(UUID companyId) {
    return segments("SELECT " + SEGMENT_COLUMNS + " FROM <schema>.archive_segments"
        + " WHERE company_id = ? ORDER BY day, created_at, id", companyId);
  }

  @Override
  public void uploaded(UUID segmentId, ArchiveObject object, Instant at) {
    int n = db.update("record an uploaded segment", "UPDATE <schema>.archive_segments"
        + " SET status = 'UPLOADED', size_bytes = ?, sha256 = ?, uploaded_at = ?"
        + " WHERE id = ? AND status = 'PENDING'",
        object.size(), object.sha256().bytes(), at, segmentId);
    if (n == 0) {
      requireStatus(segmentId, Status.UPLOADED, Status.VERIFIED, Status.FAILED);
    }
  }

  @Override
  public void verified(UUID segmentId, Instant at) {
    db.inTransaction("record a verified segment", h -> {
      String key = objectKey(h, segmentId, "status NOT IN ('PENDING', 'EXPIRED')")
          .orElseThrow(() -> new IllegalStateException(
              "segment " + segmentId + " does not exist, was never uploaded or has expired"));
      exec(h, "UPDATE <schema>.archive_segments SET status = 'VERIFIED',"
          + " verification_error = NULL, verified_at = COALESCE(verified_at, ?),"
          + " last_checked_at = ? WHERE id = ?", at, at, segmentId);
      exec(h, "INSERT INTO <schema>.lifecycle_ranges (workspace_id, state, from_seq, to_seq,"
          + " reference, created_at) SELECT workspace_id, 'ARCHIVED', from_seq, to_seq, ?, ?"
          + " FROM <schema>.archive_segment_ranges WHERE segment_id = ? ON CONFLICT DO NOTHING",
          key, at, segmentId);
      return null;
    });
  }

  @Override
  public void failed(UUID segmentId, String error, Instant at) {
    Objects.requireNonNull(error, "error");
    int n = db.update("record a failed verification", "UPDATE <schema>.archive_segments"
        + " SET status = 'FAILED', verification_error = ?, last_checked_at = ?"
        + " WHERE id = ? AND status NOT IN ('PENDING', 'EXPIRED')", error, at, segmentId);
    if (n == 0) {
      throw new IllegalStateException(
          "segment " + segmentId + " does not exist, was never uploaded or has expired");
    }
  }

  @Override
  public long purge(UUID segmentId, Instant at) {
    return db.inTransaction("purge archived hot rows", h -> {
      Optional<String> key = objectKey(h, segmentId,
          "status = 'VERIFIED' AND purged_at IS NULL");
      if (key.isEmpty()) {
        requireStatus(segmentId, Status.VERIFIED);
        return 0L; // purged before
      }
      long n = 0;
      for (Range r : ranges(h, segmentId)) {
        n += Database.bind(h.createQuery("SELECT <schema>.hyrelog_purge_events(?, ?, ?, ?)"),
            r.workspaceId(), r.fromSeq(), r.toSeq(), key.get()).mapTo(Long.class).one();
      }
      exec(h, "UPDATE <schema>.archive_segments SET purged_at = ? WHERE id = ?", at,
          segmentId);
      return n;
    });
  }

  @Override
  public int markCold(UUID companyId, Instant storedBefore, Instant at) {
    return db.update("mark segments cold", "UPDATE <schema>.archive_segments SET cold_at = ?"
        + " WHERE company_id = ? AND status = 'VERIFIED' AND cold_at IS NULL"
        + " AND uploaded_at < ?", at, companyId, storedBefore);
  }

  @Override
  public boolean expire(UUID segmentId, Instant at) {
    int n = db.update("record an expired segment", "UPDATE <schema>.archive_segments"
        + " SET status = 'EXPIRED', expired_at = ?, restored_until = NULL"
        + " WHERE id = ? AND status = 'VERIFIED' AND purged_at IS NOT NULL", at, segmentId);
    if (n == 0) {
      requireStatus(segmentId, Status.EXPIRED);
      return false;
    }
    return true;
  }

  // The segment's object key, row-locked, when it is in the state {@code condition} names.
  private static Optional<String> objectKey(Handle h, UUID segmentId, String condition) {
    return h.createQuery("SELECT object_key FROM <schema>.archive_segments WHERE id = ?"
        + " AND " + condition + " FOR UPDATE").bind(0, segmentId).mapTo(String.class)
        .findFirst();
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
    return db.inTransaction("read archive segments", h -> {
      // The whole result first, then each segment's ranges on the same handle.
      List<Unranged> rows = Database.bind(h.createQuery(sql), args)
          .map(PostgresArchiveCatalog::segment).list();
      List<ArchiveSegment> out = new ArrayList<>(rows.size());
      for (Unranged row : rows) {
        out.add(row.withRanges().apply(ranges(h, row.id())));
      }
      return out;
    });
  }

  /** A segment row waiting for its ranges. */
  private record Unranged(UUID id, Function<List<Range>, ArchiveSegment> withRanges) {}

  private static Unranged segment(ResultSet rs, StatementContext ctx) throws SQLException {
    UUID id = rs.getObject(1, UUID.class);
    byte[] sha = rs.getBytes(10);
    Optional<ArchiveObject> object = sha == null ? Optional.empty()
        : Optional.of(new ArchiveObject(rs.getString(4), rs.getLong(9), Digest.of(sha),
            Database.instant(rs, 11)));
    UUID companyId = rs.getObject(2, UUID.class);
    LocalDate day = rs.getObject(3, LocalDate.class);
    String key = rs.getString(4);
    Status status = Status.valueOf(rs.getString(5));
    long events = rs.getLong(6);
    Instant min = Database.instant(rs, 7);
    Instant max = Database.instant(rs, 8);
    Instant created = Database.instant(rs, 12);
    Optional<Instant> verified = optional(rs, 13);
    Optional<String> error = Optional.ofNullable(rs.getString(14));
    Optional<Instant> purged = optional(rs, 15);
    Optional<Instant> cold = optional(rs, 16);
    Optional<Instant> restored = optional(rs, 17);
    Optional<Instant> expired = optional(rs, 18);
    return new Unranged(id, ranges -> new ArchiveSegment(id, companyId, day, key, status,
        events, min, max, object, created, verified, error, purged, cold, restored, expired,
        ranges));
  }

  private static List<Range> ranges(Handle h, UUID segmentId) {
    return h.createQuery("SELECT workspace_id, from_seq, to_seq, first_prev_hash, last_hash"
            + " FROM <schema>.archive_segment_ranges WHERE segment_id = ?"
            + " ORDER BY workspace_id, from_seq").bind(0, segmentId)
        .map((rs, ctx) -> new Range(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3),
            Digest.of(rs.getBytes(4)), Digest.of(rs.getBytes(5))))
        .list();
  }

  private static Optional<Instant> optional(ResultSet rs, int column) throws SQLException {
    return Optional.ofNullable(Database.instant(rs, column));
  }

  private static Digest digest(byte[] bytes) {
    return bytes == null ? null : Digest.of(bytes);
  }

  private static void lock(Handle h, String name) {
    h.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))", name);
  }

  private static int exec(Handle h, String sql, Object... args) {
    return Database.bind(h.createUpdate(sql), args).execute();
  }
}
