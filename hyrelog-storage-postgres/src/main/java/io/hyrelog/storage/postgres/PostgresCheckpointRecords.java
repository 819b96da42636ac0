package io.hyrelog.storage.postgres;

import io.hyrelog.spi.CheckpointRecords;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link CheckpointRecords} in the events' own database (migration V11): tables {@code
 * checkpoint_cosignatures}, {@code witness_positions}, {@code witness_refusals} and {@code
 * checkpoint_publications}, read beside {@code chain_heads}. Inserts are {@code ON CONFLICT DO
 * NOTHING}, so of two processes storing the same row one reports it as new; a witness position
 * is an upsert. Thread-safe. Database failures are {@link PostgresStorageException}s.
 */
public final class PostgresCheckpointRecords implements CheckpointRecords {
  private final Database db;

  private PostgresCheckpointRecords(Database db) {
    this.db = db;
  }

  /**
   * The records in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the records; thread-safe
   */
  public static PostgresCheckpointRecords create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The records in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the records; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresCheckpointRecords create(DataSource dataSource, String schema) {
    return new PostgresCheckpointRecords(Database.open(dataSource, schema,
        "checkpoint_cosignatures", "witness_positions", "witness_refusals",
        "checkpoint_publications", "chain_heads"));
  }

  @Override
  public boolean addCosignature(StoredCosignature c) {
    return db.update("store a cosignature of chain " + c.workspaceId() + " at size "
        + c.treeSize(), "INSERT INTO <schema>.checkpoint_cosignatures (workspace_id, tree_size,"
        + " witness, line, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        c.workspaceId(), c.treeSize(), c.witness(), c.line(), c.receivedAt()) == 1;
  }

  @Override
  public List<StoredCosignature> cosignatures(UUID workspaceId, long treeSize) {
    return db.list("read the cosignatures of chain " + workspaceId + " at size " + treeSize,
        "SELECT workspace_id, tree_size, witness, line, received_at"
            + " FROM <schema>.checkpoint_cosignatures WHERE workspace_id = ? AND tree_size = ?"
            + " ORDER BY witness",
        (rs, ctx) -> new StoredCosignature(rs.getObject(1, UUID.class), rs.getLong(2),
            rs.getString(3), rs.getString(4), Database.instant(rs, 5)), workspaceId, treeSize);
  }

  @Override
  public long witnessSize(String witness, UUID workspaceId) {
    return db.first("read the witness size of chain " + workspaceId, "SELECT size FROM"
        + " <schema>.witness_positions WHERE witness = ? AND workspace_id = ?",
        (rs, ctx) -> rs.getLong(1), witness, workspaceId).orElse(0L);
  }

  @Override
  public void setWitnessSize(String witness, UUID workspaceId, long size, Instant at) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    db.update("store the witness size of chain " + workspaceId, "INSERT INTO"
        + " <schema>.witness_positions (witness, workspace_id, size, updated_at)"
        + " VALUES (?, ?, ?, ?) ON CONFLICT (witness, workspace_id)"
        + " DO UPDATE SET size = EXCLUDED.size, updated_at = EXCLUDED.updated_at",
        witness, workspaceId, size, at);
  }

  @Override
  public boolean recordRefusal(Refusal r) {
    return db.update("record a witness refusal of chain " + r.workspaceId() + " at size "
        + r.treeSize(), "INSERT INTO <schema>.witness_refusals (witness, workspace_id,"
        + " tree_size, witness_size, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING", r.witness(), r.workspaceId(), r.treeSize(),
        r.witnessSize(), r.reason(), r.at()) == 1;
  }

  @Override
  public List<Refusal> refusals(UUID workspaceId, int limit) {
    requireLimit(limit);
    return db.list("read the witness refusals of chain " + workspaceId, "SELECT witness,"
        + " workspace_id, tree_size, witness_size, reason, created_at"
        + " FROM <schema>.witness_refusals WHERE workspace_id = ?"
        + " ORDER BY created_at DESC, tree_size DESC, witness, reason LIMIT ?",
        (rs, ctx) -> new Refusal(rs.getString(1), rs.getObject(2, UUID.class), rs.getLong(3),
            rs.getLong(4), rs.getString(5), Database.instant(rs, 6)), workspaceId, limit);
  }

  @Override
  public List<ChainSize> behindWitness(String witness, UUID after, int limit) {
    requireLimit(limit);
    return db.list("read the chains behind a witness", """
            SELECT h.company_id, h.workspace_id, h.seq FROM <schema>.chain_heads h
            LEFT JOIN <schema>.witness_positions p
              ON p.witness = ? AND p.workspace_id = h.workspace_id
            WHERE h.seq > COALESCE(p.size, 0)
              AND (?::uuid IS NULL OR h.workspace_id > ?::uuid)
              AND NOT EXISTS (SELECT 1 FROM <schema>.witness_refusals r
                              WHERE r.witness = ? AND r.workspace_id = h.workspace_id
                                AND r.tree_size = h.seq)
            ORDER BY h.workspace_id LIMIT ?""", PostgresCheckpointRecords::chainSize,
        witness, after, after, witness, limit);
  }

  @Override
  public OptionalLong publishedSize(UUID workspaceId) {
    Optional<Long> max = db.first("read the published size of chain " + workspaceId,
        "SELECT max(tree_size) FROM <schema>.checkpoint_publications WHERE workspace_id = ?",
        (rs, ctx) -> rs.getObject(1, Long.class), workspaceId);
    return max.isPresent() && max.get() != null ? OptionalLong.of(max.get())
        : OptionalLong.empty();
  }

  @Override
  public List<ChainSize> unpublished(UUID after, int limit) {
    requireLimit(limit);
    return db.list("read the chains with unpublished checkpoints", """
            SELECT h.company_id, h.workspace_id, h.seq FROM <schema>.chain_heads h
            WHERE h.seq > COALESCE((SELECT max(p.tree_size)
                                    FROM <schema>.checkpoint_publications p
                                    WHERE p.workspace_id = h.workspace_id), 0)
              AND (?::uuid IS NULL OR h.workspace_id > ?::uuid)
            ORDER BY h.workspace_id LIMIT ?""", PostgresCheckpointRecords::chainSize,
        after, after, limit);
  }

  @Override
  public boolean recordPublication(UUID workspaceId, long size, String key, Instant at) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    return db.update("record the publication of chain " + workspaceId + " at size " + size,
        "INSERT INTO <schema>.checkpoint_publications (workspace_id, tree_size, object_key,"
            + " published_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        workspaceId, size, key, at) == 1;
  }

  private static ChainSize chainSize(ResultSet rs, StatementContext ctx) throws SQLException {
    return new ChainSize(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        rs.getLong(3));
  }

  private static void requireLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
  }
}
