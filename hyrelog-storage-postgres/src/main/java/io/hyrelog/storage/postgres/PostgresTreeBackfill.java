package io.hyrelog.storage.postgres;

import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the stored Merkle tree (the {@code chain_tiles} of {@link PostgresEventStore#tree()})
 * of chains whose events predate it: a chain that existed before migration V10 has {@code
 * tree_size} 0 while its events are there, and appends do not extend a tree that is behind. The
 * back-fill reads the chain's event hashes from where the tree stops, in batches of {@link
 * Builder#batchEvents} events, and stores the tiles they complete; once the tree reaches the
 * head, appends keep it in step.
 *
 * <ul>
 *   <li><b>Bounded</b>: one batch of hashes and the tree's partial tiles in memory at a time,
 *       whatever the chain's length; one short transaction per batch.
 *   <li><b>Resumable</b>: each batch commits its tiles with the new {@code tree_size}; a run that
 *       stops (interrupt, crash, failure) leaves a consistent tree that a later run extends.
 *   <li><b>Safe beside appends</b>: events are immutable, so hashes are read without a lock;
 *       the tiles are written under the chain's head lock (the lock appends take), after
 *       checking that no other back-fill moved the tree meanwhile. The batch that reaches the
 *       head reads the events appended since its read under that lock, so the tree completes
 *       while appends go on. Appends to the chain wait for one batch's write at most.
 *   <li><b>Safe twice</b>: two back-fills of one chain (two processes) never store a tile
 *       twice; the one that finds the tree moved retries from where it now stands.
 * </ul>
 *
 * <p>A chain whose old events were purged from the events table (archived under retention
 * before the tiles existed) cannot be back-filled from the database: {@link #backfill} throws
 * and {@link #run} reports it as {@link Outcome#blocked()}; its checkpoints and proofs keep
 * streaming the events (which then fail where the events are gone).
 *
 * <p>Meant to run as a background job (e.g. {@code chains.backfill-tiles}) until {@link
 * #pendingChains()} is 0. Thread-safe; every call uses its own connection.
 */
public final class PostgresTreeBackfill {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresTreeBackfill.class);

  private final DataSource dataSource;
  private final int batchEvents;
  private final String behind;
  private final String pending;
  private final String where;
  private final String lock;
  private final String hashes;
  private final String loadTiles;
  private final String store;

  private PostgresTreeBackfill(Database db, int batchEvents) {
    this.dataSource = db.dataSource();
    this.batchEvents = batchEvents;
    this.behind = db.render("SELECT company_id, workspace_id FROM <schema>.chain_heads"
        + " WHERE tree_size < seq AND (?::uuid IS NULL OR workspace_id > ?::uuid)"
        + " ORDER BY workspace_id LIMIT 100");
    this.pending = db.render("SELECT count(*) FROM <schema>.chain_heads"
        + " WHERE tree_size < seq");
    this.where = db.render("SELECT tree_size, seq FROM <schema>.chain_heads"
        + " WHERE workspace_id = ? AND company_id = ?");
    this.lock = db.render("SELECT tree_size, seq FROM <schema>.chain_heads"
        + " WHERE workspace_id = ? AND company_id = ? FOR UPDATE");
    this.hashes = db.render("SELECT seq, hash FROM <schema>.events WHERE workspace_id = ?"
        + " AND seq BETWEEN ? AND ? ORDER BY seq");
    this.loadTiles = db.render(TileRows.LOAD);
    this.store = db.render("WITH tiles AS (" + TileRows.STORE + ") UPDATE <schema>.chain_heads"
        + " SET tree_size = ? WHERE workspace_id = ?");
  }

  /**
   * A builder over the data source of the application role (or the owner).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}; the caller owns the
   *     pool
   * @return a new builder
   * @throws NullPointerException when {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * What a {@link #run} did.
   *
   * @param chainsCompleted chains whose tree now covers their head
   * @param leavesAdded event hashes added to trees
   * @param blocked chains whose tree cannot be built from the events table (their old events
   *     were purged), by workspace id
   * @param interrupted whether the run stopped early because its thread was interrupted
   */
  public record Outcome(int chainsCompleted, long leavesAdded, List<UUID> blocked,
      boolean interrupted) {
    /**
     * Checks the counts and copies the blocked chains.
     *
     * @param chainsCompleted chains whose tree now covers their head
     * @param leavesAdded event hashes added to trees
     * @param blocked chains whose tree cannot be built from the events table (their old events
     *     were purged), by workspace id
     * @param interrupted whether the run stopped early because its thread was interrupted
     * @throws IllegalArgumentException when a count is negative
     */
    public Outcome {
      if (chainsCompleted < 0 || leavesAdded < 0) {
        throw new IllegalArgumentException("counts are >= 0, got " + chainsCompleted + " and "
            + leavesAdded);
      }
      blocked = List.copyOf(blocked);
    }
  }

  /**
   * Back-fills every chain whose tree is behind its head, one at a time in workspace id order.
   * A chain that cannot be back-filled is reported and skipped. Stops after the current batch
   * when the thread is interrupted (the interrupt flag stays set).
   *
   * @return the chains completed, the hashes added, the blocked chains and whether the run was
   *     interrupted
   * @throws PostgresStorageException when the database fails (what was committed stays)
   */
  public Outcome run() {
    int completed = 0;
    long leaves = 0;
    List<UUID> blocked = new ArrayList<>();
    UUID after = null;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        return new Outcome(completed, leaves, blocked, true);
      }
      List<EventScope> page = behind(after);
      if (page.isEmpty()) {
        return new Outcome(completed, leaves, blocked, false);
      }
      for (EventScope chain : page) {
        after = chain.workspaceId();
        try {
          leaves += backfill(chain);
          if (Thread.currentThread().isInterrupted()) {
            return new Outcome(completed, leaves, blocked, true); // stopped within the chain
          }
          completed++;
        } catch (UnbuildableTreeException e) {
          LOG.warn("{}", e.getMessage());
          blocked.add(chain.workspaceId());
        }
      }
    }
  }

  /**
   * The number of chains whose tree is behind their head (including blocked ones).
   *
   * @return the number of chains still to back-fill; 0 when every tree is at its head
   * @throws PostgresStorageException when the database fails
   */
  public long pendingChains() {
    return run("count the chains awaiting their back-fill", c -> {
      try (PreparedStatement ps = c.prepareStatement(pending);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Brings one chain's tree to its head, batch by batch; returns at once when it is there (an
   * unknown chain or one outside the scope has nothing to do). Stops after the current batch,
   * resumable, when the thread is interrupted.
   *
   * @param chain a workspace scope
   * @return the number of event hashes added to the tree
   * @throws IllegalArgumentException when the scope is company-wide
   * @throws HyrelogException when events the tree needs are no longer in the events table
   * @throws PostgresStorageException when the database fails (committed batches stay)
   */
  public long backfill(EventScope chain) {
    chain.requireWorkspace();
    long added = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long[] at = run("read where the tree of chain " + chain.workspaceId() + " stands",
          c -> position(c, where, chain));
      if (at == null || at[0] >= at[1]) {
        return added;
      }
      long treeSize = at[0];
      long to = Math.min(at[1], treeSize + batchEvents);
      // Outside the lock: events never change, and appends only add beyond the head.
      List<Digest> leaves = run("read event hashes of chain " + chain.workspaceId(),
          c -> read(c, chain, treeSize + 1, to));
      added += run("store tiles of chain " + chain.workspaceId(), c -> {
        c.setAutoCommit(false);
        try {
          long n = extend(c, chain, treeSize, leaves);
          c.commit();
          return n;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      });
    }
    return added;
  }

  /**
   * Under the chain's head lock: appends {@code leaves} (seqs {@code treeSize + 1} on) to the
   * tree, plus the events appended since they were read when those are few, unless another
   * back-fill moved the tree. Returns the leaves added.
   */
  private long extend(Connection c, EventScope chain, long treeSize, List<Digest> leaves)
      throws SQLException {
    long[] locked = position(c, lock, chain);
    if (locked == null || locked[0] != treeSize) {
      return 0; // another back-fill moved it: start again from where it stands
    }
    long end = treeSize + leaves.size();
    List<Digest> all = leaves;
    if (locked[1] > end && locked[1] - end <= batchEvents) {
      all = new ArrayList<>(leaves);
      all.addAll(read(c, chain, end + 1, locked[1]));
      end = locked[1];
    }
    List<TileRows.ChainTile> tiles = TileRows.grow(c, loadTiles,
        List.of(new TileRows.Growth(chain.workspaceId(), treeSize, all)));
    try (PreparedStatement ps = c.prepareStatement(store)) {
      TileRows.bindStore(c, ps, 1, tiles);
      ps.setLong(5, end);
      ps.setObject(6, chain.workspaceId());
      ps.executeUpdate();
    }
    LOG.debug("chain {}: tree extended from {} to {} of {} events", chain.workspaceId(),
        treeSize, end, locked[1]);
    return end - treeSize;
  }

  /** {@code [tree_size, seq]} of the chain, or null when there is no such chain. */
  private static long[] position(Connection c, String sql, EventScope chain)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, chain.workspaceId());
      ps.setObject(2, chain.companyId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
      }
    }
  }

  /** The hashes of seqs {@code from..to}, which must all be stored. */
  private List<Digest> read(Connection c, EventScope chain, long from, long to)
      throws SQLException {
    List<Digest> out = new ArrayList<>((int) (to - from + 1));
    try (PreparedStatement ps = c.prepareStatement(hashes)) {
      ps.setObject(1, chain.workspaceId());
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          if (seq != from + out.size()) {
            break;
          }
          out.add(Digest.of(rs.getBytes(2)));
        }
      }
    }
    if (out.size() != to - from + 1) {
      throw new UnbuildableTreeException("chain " + chain.workspaceId() + ": seq "
          + (from + out.size()) + " is not in the events table (purged after archival?), so"
          + " its stored tree (" + (from - 1) + " leaves) cannot be back-filled from the"
          + " database; checkpoints and proofs of it keep reading the events");
    }
    return out;
  }

  private List<EventScope> behind(UUID after) {
    return run("list chains awaiting their back-fill", c -> {
      try (PreparedStatement ps = c.prepareStatement(behind)) {
        ps.setObject(1, after);
        ps.setObject(2, after);
        List<EventScope> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(EventScope.workspace(rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class)));
          }
        }
        return out;
      }
    });
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> T run(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new PostgresStorageException(what, e);
    }
  }

  /** Events a chain's tree needs are no longer in the events table. */
  static final class UnbuildableTreeException extends HyrelogException {
    private static final long serialVersionUID = 1L;

    UnbuildableTreeException(String message) {
      super(message);
    }
  }

  /** Builder of {@link PostgresTreeBackfill}; each setter rejects a bad value at once. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = PostgresMigrations.DEFAULT_SCHEMA;
    private int batchEvents = 10_000;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The schema of HyreLog's tables (default {@value PostgresMigrations#DEFAULT_SCHEMA}).
     *
     * @param schema the schema
     * @return this builder
     * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier or
     *     starts with {@code pg_}
     */
    public Builder schema(String schema) {
      this.schema = Database.requireSchema(schema);
      return this;
    }

    /**
     * Event hashes read and added per transaction (default 10,000, 1 to 1,000,000): what the
     * back-fill holds in memory (32 bytes each) and about how long an append to the chain may
     * wait for one batch's write.
     *
     * @param n the hashes per batch
     * @return this builder
     * @throws IllegalArgumentException when {@code n} is outside 1..1,000,000
     */
    public Builder batchEvents(int n) {
      if (n < 1 || n > 1_000_000) {
        throw new IllegalArgumentException("batchEvents must be in 1..1000000, got " + n);
      }
      this.batchEvents = n;
      return this;
    }

    /**
     * Checks the schema holds the tiles (migration V10).
     *
     * @return the back-fill
     * @throws HyrelogException when the database is unreachable or the schema not migrated
     */
    public PostgresTreeBackfill build() {
      return new PostgresTreeBackfill(Database.open(dataSource, schema, "events",
          "chain_heads", "chain_tiles"), batchEvents);
    }
  }
}
