package io.hyrelog.storage.postgres;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.storage.postgres.internal.PostgresReads;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Export jobs and the streaming reads exports need, on one region's database: job rows with
 * their snapshot of chain heads ({@code V5__exports.sql}), chain heads of a scope, a bounded
 * count of matching rows, and per-chain cursors over one consistent database snapshot.
 *
 * <p>Chains are ordered by workspace id as PostgreSQL orders {@code uuid} (unsigned, byte by
 * byte, which is the order of the canonical lowercase text): {@link #CHAIN_ORDER}. Thread-safe;
 * a {@link HotSnapshot} is not.
 */
public final class PostgresExports {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresExports.class);

  /**
   * The order of chains in an export: by the workspace id's canonical text, which is
   * PostgreSQL's {@code uuid} order ({@link UUID#compareTo} compares signed longs and differs).
   */
  public static final Comparator<UUID> CHAIN_ORDER = Comparator.comparing(UUID::toString);

  private final DataSource dataSource;
  private final int fetchSize;

  private PostgresExports(DataSource dataSource, int fetchSize) {
    this.dataSource = dataSource;
    this.fetchSize = fetchSize;
  }

  /** Exports on {@code dataSource} (schema migrated), streaming 1,000 rows per round trip. */
  public static PostgresExports create(DataSource dataSource) {
    return create(dataSource, 1000);
  }

  /** Exports with a given JDBC fetch size (rows per round trip of a streaming read). */
  public static PostgresExports create(DataSource dataSource, int fetchSize) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetchSize must be >= 1, got " + fetchSize);
    }
    return new PostgresExports(dataSource, fetchSize);
  }

  /**
   * A stored export job.
   *
   * @param scopeWorkspaceId the workspace of the workspace key that created it, or {@code null}
   *     for a company key (then any key of the company sees it)
   * @param source {@code HOT}, {@code ARCHIVED} or {@code HOT_AND_ARCHIVED}
   * @param format {@code JSONL}, {@code CSV}, or {@code CSV_SAFE} (spreadsheet-safe CSV)
   * @param filters the request's filters as a JSON object text
   * @param rowLimit the most rows one download writes, or {@code null} for no limit
   * @param heads the head seq of each chain in scope at creation, in {@link #CHAIN_ORDER}
   * @param segmentIds the archive segments the job reads, in the order they are read
   * @param status {@code PENDING}, {@code RUNNING}, {@code COMPLETED} or {@code FAILED}
   * @param error why the last download failed, or {@code null}
   */
  public record Job(UUID id, UUID companyId, UUID scopeWorkspaceId, UUID keyId, String source,
      String format, String filters, Long rowLimit, Map<UUID, Long> heads,
      List<UUID> segmentIds, String status, long rowsExported, long bytes, boolean truncated,
      int downloads, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {
    public Job {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(filters, "filters");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(createdAt, "createdAt");
      TreeMap<UUID, Long> h = new TreeMap<>(CHAIN_ORDER);
      h.putAll(heads);
      heads = Collections.unmodifiableSortedMap(h);
      segmentIds = List.copyOf(segmentIds);
    }
  }

  /** Stores a new job and its heads in one transaction. */
  public void insert(Job j) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_jobs (id, company_id,"
            + " scope_workspace_id, key_id, source, format, filters, row_limit, segment_ids,"
            + " status, rows_exported, bytes, truncated, downloads, created_at, started_at,"
            + " finished_at, error) VALUES (?, ?, ?, ?, ?, ?, ?::json, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?)")) {
          ps.setObject(1, j.id());
          ps.setObject(2, j.companyId());
          ps.setObject(3, j.scopeWorkspaceId());
          ps.setObject(4, j.keyId());
          ps.setString(5, j.source());
          ps.setString(6, j.format());
          ps.setString(7, j.filters());
          ps.setObject(8, j.rowLimit());
          ps.setArray(9, c.createArrayOf("uuid", j.segmentIds().toArray()));
          ps.setString(10, j.status());
          ps.setLong(11, j.rowsExported());
          ps.setLong(12, j.bytes());
          ps.setBoolean(13, j.truncated());
          ps.setInt(14, j.downloads());
          ps.setObject(15, utc(j.createdAt()));
          ps.setObject(16, utc(j.startedAt()));
          ps.setObject(17, utc(j.finishedAt()));
          ps.setString(18, j.error());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO export_job_heads"
            + " (job_id, workspace_id, head_seq) VALUES (?, ?, ?)")) {
          for (Map.Entry<UUID, Long> h : j.heads().entrySet()) {
            ps.setObject(1, j.id());
            ps.setObject(2, h.getKey());
            ps.setLong(3, h.getValue());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("storing export job " + j.id(), e);
    }
  }

  /** The job with {@code id} if it belongs to {@code companyId}. */
  public Optional<Job> find(UUID companyId, UUID id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, company_id, scope_workspace_id,"
            + " key_id, source, format, filters::text, row_limit, segment_ids, status,"
            + " rows_exported, bytes, truncated, downloads, created_at, started_at, finished_at,"
            + " error FROM export_jobs WHERE id = ? AND company_id = ?")) {
      ps.setObject(1, id);
      ps.setObject(2, companyId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        List<UUID> segments = new ArrayList<>();
        Array a = rs.getArray(9);
        for (Object o : (Object[]) a.getArray()) {
          segments.add((UUID) o);
        }
        Long limit = rs.getObject(8) == null ? null : rs.getLong(8);
        Job partial = new Job(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getString(5),
            rs.getString(6), rs.getString(7), limit, Map.of(), segments, rs.getString(10),
            rs.getLong(11), rs.getLong(12), rs.getBoolean(13), rs.getInt(14), instant(rs, 15),
            instant(rs, 16), instant(rs, 17), rs.getString(18));
        SortedMap<UUID, Long> heads = new TreeMap<>(CHAIN_ORDER);
        try (PreparedStatement hp = c.prepareStatement("SELECT workspace_id, head_seq FROM"
            + " export_job_heads WHERE job_id = ?")) {
          hp.setObject(1, id);
          try (ResultSet hr = hp.executeQuery()) {
            while (hr.next()) {
              heads.put(hr.getObject(1, UUID.class), hr.getLong(2));
            }
          }
        }
        return Optional.of(new Job(partial.id(), partial.companyId(),
            partial.scopeWorkspaceId(), partial.keyId(), partial.source(), partial.format(),
            partial.filters(), partial.rowLimit(), heads, partial.segmentIds(),
            partial.status(), partial.rowsExported(), partial.bytes(), partial.truncated(),
            partial.downloads(), partial.createdAt(), partial.startedAt(),
            partial.finishedAt(), partial.error()));
      }
    } catch (SQLException e) {
      throw failure("reading export job " + id, e);
    }
  }

  /** A download of the job started: {@code RUNNING}, counted. */
  public void started(UUID id, Instant at) {
    update("UPDATE export_jobs SET status = 'RUNNING', started_at = ?, finished_at = NULL,"
        + " error = NULL, downloads = downloads + 1 WHERE id = ?", id, utc(at), id);
  }

  /** A download ended: {@code COMPLETED} (error {@code null}) or {@code FAILED}. */
  public void finished(UUID id, long rows, long bytes, boolean truncated, Instant at,
      String error) {
    update("UPDATE export_jobs SET status = ?, rows_exported = ?, bytes = ?, truncated = ?,"
        + " finished_at = ?, error = ? WHERE id = ?", id, error == null ? "COMPLETED" : "FAILED",
        rows, bytes, truncated, utc(at), error, id);
  }

  private void update(String sql, UUID id, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      if (ps.executeUpdate() != 1) {
        throw new HyrelogException("export job " + id + " is not stored");
      }
    } catch (SQLException e) {
      throw failure("updating export job " + id, e);
    }
  }

  /**
   * The head seq of every non-empty chain of a company (or of one of its workspaces), in
   * {@link #CHAIN_ORDER}.
   */
  public SortedMap<UUID, Long> heads(UUID companyId, UUID workspaceIdOrNull) {
    String sql = "SELECT workspace_id, seq FROM chain_heads WHERE company_id = ? AND seq > 0"
        + (workspaceIdOrNull == null ? "" : " AND workspace_id = ?");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, companyId);
      if (workspaceIdOrNull != null) {
        ps.setObject(2, workspaceIdOrNull);
      }
      SortedMap<UUID, Long> out = new TreeMap<>(CHAIN_ORDER);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getObject(1, UUID.class), rs.getLong(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("reading chain heads", e);
    }
  }

  /**
   * How many stored events match {@code filter} with seq at most their chain's head in
   * {@code heads}, counting no further than {@code max} (a bounded scan).
   */
  public long countUpTo(EventQuery filter, Map<UUID, Long> heads, long max) {
    if (heads.isEmpty()) {
      return 0;
    }
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM events e JOIN"
        + " unnest(?::uuid[], ?::bigint[]) AS h(ws, head) ON e.workspace_id = h.ws"
        + " AND e.seq <= h.head WHERE ");
    where(sql, args, filter);
    sql.append(" LIMIT ?) AS matching");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setArray(1, c.createArrayOf("uuid", heads.keySet().toArray()));
      ps.setArray(2, c.createArrayOf("bigint", heads.values().toArray()));
      int i = 3;
      for (Object a : args) {
        ps.setObject(i++, a);
      }
      ps.setLong(i, max);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("counting events to export", e);
    }
  }

  /**
   * Opens a read-only REPEATABLE READ transaction: every read of the snapshot sees the database
   * as of its first read, so rows purged meanwhile are still seen and none appear twice.
   * Close it to end the transaction.
   */
  public HotSnapshot snapshot() {
    Connection c = null;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      return new HotSnapshot(c, fetchSize);
    } catch (SQLException e) {
      PostgresReads.rollbackAndClose(c, "an export connection");
      throw failure("opening an export snapshot", e);
    }
  }

  /** Per-chain reads over one database snapshot; one open stream at a time. Not thread-safe. */
  public static final class HotSnapshot implements AutoCloseable {
    private final Connection c;
    private final int fetchSize;

    private HotSnapshot(Connection c, int fetchSize) {
      this.c = c;
      this.fetchSize = fetchSize;
    }

    /**
     * The lowest stored seq of a chain in {@code after+1..upTo}, whatever the filters: where the
     * hot part of the chain starts (rows below it were purged after archival).
     */
    public OptionalLong firstSeq(UUID chain, long after, long upTo) {
      try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM events"
          + " WHERE workspace_id = ? AND seq > ? AND seq <= ?")) {
        ps.setObject(1, chain);
        ps.setLong(2, after);
        ps.setLong(3, upTo);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long v = rs.getLong(1);
          return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
        }
      } catch (SQLException e) {
        throw failure("reading the first seq of chain " + chain, e);
      }
    }

    /**
     * The events of one chain with seq in {@code after+1..upTo} that match {@code filter}, in
     * seq order, streamed from a server-side cursor. Close the stream before the next read.
     */
    public Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter) {
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT ").append(PostgresReads.EVENT_COLUMNS)
          .append(" FROM events e WHERE e.workspace_id = ? AND e.seq > ? AND e.seq <= ? AND ");
      where(sql, args, filter);
      sql.append(" ORDER BY e.seq");
      try {
        PreparedStatement ps = c.prepareStatement(sql.toString());
        ps.setFetchSize(fetchSize);
        ps.setObject(1, chain);
        ps.setLong(2, after);
        ps.setLong(3, upTo);
        int i = 4;
        for (Object a : args) {
          ps.setObject(i++, a);
        }
        ResultSet rs = ps.executeQuery();
        return PostgresReads.events(rs, e -> failure("exporting chain " + chain, e))
            .onClose(() -> {
          try {
            ps.close();
          } catch (SQLException e) {
            LOG.debug("closing an export cursor failed", e);
          }
        });
      } catch (SQLException e) {
        throw failure("exporting chain " + chain, e);
      }
    }

    @Override
    public void close() {
      PostgresReads.rollbackAndClose(c, "an export connection");
    }
  }

  /** The scope and filters of {@code q} (its limit and cursor are ignored), alias {@code e}. */
  private static void where(StringBuilder sql, List<Object> args, EventQuery q) {
    PostgresReads.where(sql, args, q);
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static HyrelogException failure(String what, SQLException e) {
    return new HyrelogException(what + " failed (SQLState " + e.getSQLState() + ")", e);
  }
}
