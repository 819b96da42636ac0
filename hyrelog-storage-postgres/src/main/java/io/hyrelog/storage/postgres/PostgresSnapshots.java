package io.hyrelog.storage.postgres;

import io.hyrelog.Digest;
import io.hyrelog.spi.SnapshotCatalog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link SnapshotCatalog} in the events' own database: table {@code snapshots} (migration
 * V7) and the {@code SEALED} rows of {@code lifecycle_ranges}, whose reference is the snapshot
 * id. One snapshot per company and period (a unique key, so a second one is found by {@code ON
 * CONFLICT DO NOTHING}); recording one and its ranges is one transaction, and any other unique
 * key it would break (id, manifest or signature key, a range's chain and first seq) is an
 * {@link io.hyrelog.spi.AlreadyStoredException}. Thread-safe. Database failures are {@link
 * PostgresStorageException}s.
 */
public final class PostgresSnapshots implements SnapshotCatalog {
  private static final String COLUMNS = "id, company_id, period_from, period_to,"
      + " manifest_sha256, manifest_key, signature_key, key_name, key_id, chains, events,"
      + " created_at";

  private final Database db;

  private PostgresSnapshots(Database db) {
    this.db = db;
  }

  /**
   * The catalog in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the catalog; thread-safe
   */
  public static PostgresSnapshots create(DataSource dataSource) {
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
  public static PostgresSnapshots create(DataSource dataSource, String schema) {
    return new PostgresSnapshots(Database.open(dataSource, schema, "snapshots",
        "lifecycle_ranges", "events", "archive_segments", "archive_segment_ranges",
        "archive_candidates"));
  }

  @Override
  public Optional<Snapshot> find(UUID companyId, Instant from, Instant to) {
    return db.first("read snapshots", "SELECT " + COLUMNS + " FROM <schema>.snapshots"
        + " WHERE company_id = ? AND period_from = ? AND period_to = ?",
        PostgresSnapshots::snapshot, companyId, from, to);
  }

  @Override
  public Optional<Snapshot> overlapping(UUID companyId, Instant from, Instant to) {
    return db.first("read snapshots", "SELECT " + COLUMNS + " FROM <schema>.snapshots"
        + " WHERE company_id = ? AND period_from < ? AND period_to > ?"
        + " ORDER BY period_from LIMIT 1", PostgresSnapshots::snapshot, companyId, to, from);
  }

  // The first seq recorded at or after `from`; then up to the seq before the first one
  // recorded at or after `to` at or after it (or the chain's last).
  @Override
  public Optional<SealedRange> periodRange(UUID workspaceId, Instant from, Instant to) {
    return db.first("read the period of chain " + workspaceId, """
            WITH f AS (SELECT min(seq) AS s FROM <schema>.events
                       WHERE workspace_id = ? AND recorded_at >= ?)
            SELECT f.s,
                   COALESCE((SELECT min(e.seq) - 1 FROM <schema>.events e
                             WHERE e.workspace_id = ? AND e.seq >= f.s AND e.recorded_at >= ?),
                            (SELECT max(e.seq) FROM <schema>.events e WHERE e.workspace_id = ?))
            FROM f WHERE f.s IS NOT NULL""",
        (rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)},
        workspaceId, from, workspaceId, to, workspaceId)
        .filter(r -> r[1] >= r[0])
        .map(r -> new SealedRange(workspaceId, r[0], r[1]));
  }

  // The first seq of the chain's archival ranges (segments and candidates) whose UTC day is on
  // or after from's day, when a purged segment holds such a range. Every earlier seq counts
  // before that day (days ascend with seq), so a read from there sees the period's start.
  @Override
  public OptionalLong purgedScanStart(UUID workspaceId, Instant from) {
    LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate();
    Optional<Long> seq = db.first("read the archival ranges of chain " + workspaceId, """
            SELECT min(x.from_seq) FROM (
              SELECT r.from_seq FROM <schema>.archive_segment_ranges r
                JOIN <schema>.archive_segments s ON s.id = r.segment_id
                WHERE r.workspace_id = ? AND s.day >= ?
              UNION ALL
              SELECT a.from_seq FROM <schema>.archive_candidates a
                WHERE a.workspace_id = ? AND a.day >= ?) x
            WHERE EXISTS (SELECT 1 FROM <schema>.archive_segment_ranges r
                JOIN <schema>.archive_segments s ON s.id = r.segment_id
                WHERE r.workspace_id = ? AND s.day >= ? AND s.purged_at IS NOT NULL)""",
        (rs, ctx) -> rs.getObject(1, Long.class), workspaceId, day, workspaceId, day,
        workspaceId, day);
    return seq.isPresent() && seq.get() != null ? OptionalLong.of(seq.get())
        : OptionalLong.empty();
  }

  @Override
  public boolean record(Snapshot s, List<SealedRange> ranges) {
    String what = "record the snapshot " + s.id() + " of company " + s.companyId();
    return Database.refusingDuplicates("snapshot " + s.id() + " (or its manifest, its"
        + " signature or one of its sealed ranges)",
        () -> db.inTransaction(what, h -> record(h, s, ranges)));
  }

  private static boolean record(Handle h, Snapshot s, List<SealedRange> ranges) {
    int n = Database.bind(h.createUpdate("INSERT INTO <schema>.snapshots (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (company_id, period_from, period_to) DO NOTHING"),
        s.id(), s.companyId(), s.from(), s.to(), s.manifestSha256().bytes(), s.manifestKey(),
        s.signatureKey(), s.keyName(), s.keyId(), s.chains(), s.events(), s.createdAt())
        .execute();
    if (n == 0) {
      return false;
    }
    if (!ranges.isEmpty()) {
      PreparedBatch batch = h.prepareBatch("INSERT INTO <schema>.lifecycle_ranges"
          + " (workspace_id, state, from_seq, to_seq, reference, created_at)"
          + " VALUES (?, 'SEALED', ?, ?, ?, ?)");
      for (SealedRange g : ranges) {
        batch.add(g.workspaceId(), g.fromSeq(), g.toSeq(), s.id().toString(), s.createdAt());
      }
      batch.execute();
    }
    return true;
  }

  @Override
  public List<SealedRange> sealed(UUID snapshotId) {
    return db.list("read the sealed ranges of snapshot " + snapshotId, "SELECT workspace_id,"
        + " from_seq, to_seq FROM <schema>.lifecycle_ranges WHERE state = 'SEALED'"
        + " AND reference = ? ORDER BY workspace_id, from_seq",
        (rs, ctx) -> new SealedRange(rs.getObject(1, UUID.class), rs.getLong(2),
            rs.getLong(3)), snapshotId.toString());
  }

  private static Snapshot snapshot(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Snapshot(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        Database.instant(rs, 3), Database.instant(rs, 4), Digest.of(rs.getBytes(5)),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10),
        rs.getLong(11), Database.instant(rs, 12));
  }
}
