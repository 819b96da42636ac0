package io.hyrelog.storage.postgres;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.ExportJobs;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The {@link ExportJobs} of one region's database: job rows with their snapshot of chain heads
 * ({@code V5__exports.sql}), chain heads of a scope, a bounded count of matching rows, and
 * per-chain cursors over one consistent database snapshot (a read-only REPEATABLE READ
 * transaction, streaming {@code fetchSize} rows per round trip).
 *
 * <p>Chains are ordered by workspace id as PostgreSQL orders {@code uuid} (unsigned, byte by
 * byte, which is the order of the canonical lowercase text): {@link #CHAIN_ORDER}. Thread-safe;
 * a {@link HotSnapshot} is not.
 */
public final class PostgresExports implements ExportJobs {
  /** Rows per round trip of a streaming read unless told otherwise. */
  public static final int DEFAULT_FETCH_SIZE = 1000;

  private final Database db;
  private final int fetchSize;

  private PostgresExports(Database db, int fetchSize) {
    this.db = db;
    this.fetchSize = fetchSize;
  }

  /**
   * Exports in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}), streaming
   * {@value #DEFAULT_FETCH_SIZE} rows per round trip.
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the exports; thread-safe
   */
  public static PostgresExports create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA, DEFAULT_FETCH_SIZE);
  }

  /**
   * Exports in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}), streaming {@code fetchSize} rows per round trip.
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @param fetchSize rows per round trip, at least 1
   * @return the exports; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier or
   *     {@code fetchSize} is below 1
   * @throws HyrelogException when the schema does not exist, is not migrated, or the
   *     connecting role may not use it
   */
  public static PostgresExports create(DataSource dataSource, String schema, int fetchSize) {
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetchSize must be >= 1, got " + fetchSize);
    }
    return new PostgresExports(Database.open(dataSource, schema, "export_jobs",
        "export_job_heads", "events", "event_personal", "chain_heads"), fetchSize);
  }

  @Override
  public void insert(Job j) {
    Database.refusingDuplicates("export job " + j.id(),
        () -> db.inTransaction("store export job " + j.id(), h -> insert(h, j)));
  }

  private static Void insert(Handle h, Job j) {
    Database.bind(h.createUpdate("INSERT INTO <schema>.export_jobs (id, company_id,"
            + " scope_workspace_id, key_id, requested_by, source, format, filters, row_limit,"
            + " segment_ids, status, rows_exported, bytes, truncated, downloads, created_at,"
            + " started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?::json, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?)"), j.id(), j.companyId(), j.scopeWorkspaceId(),
            j.keyId(), j.requestedBy(),
            j.source(), j.format(), j.filters(), j.rowLimit(),
            Database.array("uuid", j.segmentIds()), j.status(), j.rowsExported(), j.bytes(),
            j.truncated(), j.downloads(), j.createdAt(), j.startedAt(), j.finishedAt(),
            j.error())
        .execute();
    PreparedBatch heads = h.prepareBatch("INSERT INTO <schema>.export_job_heads"
        + " (job_id, workspace_id, head_seq) VALUES (?, ?, ?)");
    for (Map.Entry<UUID, Long> e : j.heads().entrySet()) {
      heads.add(j.id(), e.getKey(), e.getValue());
    }
    if (heads.size() > 0) {
      heads.execute();
    }
    return null;
  }

  @Override
  public Optional<Job> find(UUID companyId, UUID id) {
    return db.withHandle("read export job " + id, h -> {
      Optional<Function<Map<UUID, Long>, Job>> row = h.createQuery("SELECT id, company_id,"
              + " scope_workspace_id, key_id, source, format, filters::text, row_limit,"
              + " segment_ids, status, rows_exported, bytes, truncated, downloads, created_at,"
              + " started_at, finished_at, error, requested_by FROM <schema>.export_jobs"
              + " WHERE id = ? AND company_id = ?")
          .bind(0, id).bind(1, companyId).map(PostgresExports::job).findFirst();
      if (row.isEmpty()) {
        return Optional.<Job>empty();
      }
      Map<UUID, Long> heads = new HashMap<>();
      h.createQuery("SELECT workspace_id, head_seq FROM <schema>.export_job_heads"
              + " WHERE job_id = ?").bind(0, id)
          .map((rs, ctx) -> heads.put(rs.getObject(1, UUID.class), rs.getLong(2))).list();
      return Optional.of(row.get().apply(heads));
    });
  }

  // A job row, completed by its heads.
  private static Function<Map<UUID, Long>, Job> job(ResultSet rs, StatementContext ctx)
      throws SQLException {
    List<UUID> segments = new ArrayList<>();
    for (Object o : (Object[]) rs.getArray(9).getArray()) {
      segments.add((UUID) o);
    }
    UUID id = rs.getObject(1, UUID.class);
    UUID companyId = rs.getObject(2, UUID.class);
    UUID scope = rs.getObject(3, UUID.class);
    UUID keyId = rs.getObject(4, UUID.class);
    String source = rs.getString(5);
    String format = rs.getString(6);
    String filters = rs.getString(7);
    Long limit = rs.getObject(8) == null ? null : rs.getLong(8);
    String status = rs.getString(10);
    long rows = rs.getLong(11);
    long bytes = rs.getLong(12);
    boolean truncated = rs.getBoolean(13);
    int downloads = rs.getInt(14);
    Instant created = Database.instant(rs, 15);
    Instant started = Database.instant(rs, 16);
    Instant finished = Database.instant(rs, 17);
    String error = rs.getString(18);
    String requestedBy = rs.getString(19);
    return heads -> new Job(id, companyId, scope, keyId, requestedBy, source, format, filters, limit, heads,
        segments, status, rows, bytes, truncated, downloads, created, started, finished, error);
  }

  @Override
  public void started(UUID id, Instant at) {
    update("UPDATE <schema>.export_jobs SET status = 'RUNNING', started_at = ?,"
        + " finished_at = NULL, error = NULL, downloads = downloads + 1 WHERE id = ?", id, at,
        id);
  }

  @Override
  public void finished(UUID id, long rows, long bytes, boolean truncated, Instant at,
      String error) {
    update("UPDATE <schema>.export_jobs SET status = ?, rows_exported = ?, bytes = ?,"
        + " truncated = ?, finished_at = ?, error = ? WHERE id = ?", id,
        error == null ? "COMPLETED" : "FAILED", rows, bytes, truncated, at, error, id);
  }

  private void update(String sql, UUID id, Object... args) {
    if (db.update("update export job " + id, sql, args) != 1) {
      throw new HyrelogException("export job " + id + " is not stored");
    }
  }

  @Override
  public SortedMap<UUID, Long> heads(UUID companyId, UUID workspaceIdOrNull) {
    SortedMap<UUID, Long> out = new TreeMap<>(CHAIN_ORDER);
    db.list("read chain heads", "SELECT workspace_id, seq FROM <schema>.chain_heads"
        + " WHERE company_id = ? AND seq > 0"
        + (workspaceIdOrNull == null ? "" : " AND workspace_id = ?"),
        (rs, ctx) -> out.put(rs.getObject(1, UUID.class), rs.getLong(2)),
        workspaceIdOrNull == null ? new Object[] {companyId}
            : new Object[] {companyId, workspaceIdOrNull});
    return out;
  }

  @Override
  public long countUpTo(EventQuery filter, Map<UUID, Long> heads, long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    if (heads.isEmpty()) {
      return 0;
    }
    List<Object> args = new ArrayList<>();
    args.add(Database.array("uuid", heads.keySet()));
    args.add(Database.array("bigint", heads.values()));
    StringBuilder sql = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM <schema>.events"
        + " e JOIN unnest(?::uuid[], ?::bigint[]) AS h(ws, head) ON e.workspace_id = h.ws"
        + " AND e.seq <= h.head WHERE ");
    PostgresReads.where(sql, args, filter);
    sql.append(" LIMIT ?) AS matching");
    args.add(max);
    return db.first("count events to export", sql.toString(), (rs, ctx) -> rs.getLong(1),
        args.toArray()).orElseThrow();
  }

  /**
   * {@inheritDoc} A read-only REPEATABLE READ transaction, which sees the database as of its
   * first statement; closing the snapshot ends it.
   */
  @Override
  public HotSnapshot snapshot() {
    return new RepeatableRead(db.openReadOnly("open an export snapshot",
        TransactionIsolationLevel.REPEATABLE_READ), fetchSize);
  }

  /** Per-chain reads in one read-only REPEATABLE READ transaction. */
  private static final class RepeatableRead implements HotSnapshot {
    private final Handle h;
    private final int fetchSize;

    private RepeatableRead(Handle h, int fetchSize) {
      this.h = h;
      this.fetchSize = fetchSize;
    }

    @Override
    public OptionalLong firstSeq(UUID chain, long after, long upTo) {
      try {
        Long first = h.createQuery("SELECT min(seq) FROM <schema>.events"
                + " WHERE workspace_id = ? AND seq > ? AND seq <= ?")
            .bind(0, chain).bind(1, after).bind(2, upTo)
            .map((rs, ctx) -> rs.getObject(1, Long.class)).one();
        return first == null ? OptionalLong.empty() : OptionalLong.of(first);
      } catch (JdbiException e) {
        throw new PostgresStorageException("read the first seq of chain " + chain, e);
      }
    }

    @Override
    public Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter) {
      List<Object> args = new ArrayList<>(List.of(chain, after, upTo));
      StringBuilder sql = new StringBuilder("SELECT ").append(PostgresReads.EVENT_COLUMNS)
          .append(" FROM <schema>.events e WHERE e.workspace_id = ? AND e.seq > ?"
              + " AND e.seq <= ? AND ");
      PostgresReads.where(sql, args, filter);
      sql.append(" ORDER BY e.seq");
      String what = "export chain " + chain;
      try {
        return Database.guarded(what, Database.bind(h.createQuery(sql.toString()),
            args.toArray()).setFetchSize(fetchSize).map(PostgresReads::event).stream());
      } catch (JdbiException e) {
        throw new PostgresStorageException(what, e);
      }
    }

    @Override
    public void close() {
      Database.rollbackAndClose(h);
    }
  }
}
