package io.hyrelog.storage.postgres;

import io.hyrelog.EventScope;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link ChainTree} of a {@link PostgresEventStore}: reads {@code chain_tiles} and the
 * {@code tree_size} of {@code chain_heads} (V10), which the group-commit appender writes in its
 * append transactions and {@link PostgresTreeBackfill} for chains older than the tiles. Each call
 * is one statement in autocommit mode, so it sees committed state only. Thread-safe.
 */
final class PostgresChainTree implements ChainTree {
  /** The most tile ids one {@link #tiles} call takes (the port's limit). */
  static final int MAX_IDS = 1000;

  private final Database db;

  PostgresChainTree(Database db) {
    this.db = db;
  }

  @Override
  public long size(EventScope chain) {
    chain.requireWorkspace();
    return db.first("read the tree size of chain " + chain.workspaceId(), "SELECT tree_size"
        + " FROM <schema>.chain_heads WHERE workspace_id = ? AND company_id = ?",
        (rs, ctx) -> rs.getLong(1), chain.workspaceId(), chain.companyId()).orElse(0L);
  }

  @Override
  public Map<TileId, Tile> tiles(EventScope chain, Collection<TileId> ids) {
    chain.requireWorkspace();
    Objects.requireNonNull(ids, "ids");
    if (ids.size() > MAX_IDS) {
      throw new IllegalArgumentException("at most " + MAX_IDS + " tiles per read, got "
          + ids.size());
    }
    Map<TileId, Tile> out = new HashMap<>();
    Set<TileId> distinct = new LinkedHashSet<>(ids);
    if (distinct.isEmpty()) {
      return out;
    }
    List<Integer> levels = new ArrayList<>(distinct.size());
    List<Long> indexes = new ArrayList<>(distinct.size());
    List<Integer> widths = new ArrayList<>(distinct.size());
    for (TileId id : distinct) {
      levels.add(id.level());
      indexes.add(id.index());
      widths.add(id.width());
    }
    // Only as many bytes as asked for travel: the prefix of a wider stored tile is cut here.
    List<Tile> found = db.list("read tiles of chain " + chain.workspaceId(), """
        SELECT q.level, q.idx, q.width, substring(t.hashes FROM 1 FOR q.width * 32)
        FROM unnest(?::smallint[], ?::bigint[], ?::integer[]) AS q (level, idx, width)
        JOIN <schema>.chain_tiles t
          ON t.workspace_id = ? AND t.level = q.level AND t.idx = q.idx
        WHERE length(t.hashes) >= q.width * 32
          AND EXISTS (SELECT 1 FROM <schema>.chain_heads h
                      WHERE h.workspace_id = ? AND h.company_id = ?)""",
        (rs, ctx) -> Tile.of(new TileId(rs.getInt(1), rs.getLong(2), rs.getInt(3)),
            rs.getBytes(4)),
        Database.array("smallint", levels), Database.array("bigint", indexes),
        Database.array("integer", widths), chain.workspaceId(), chain.workspaceId(),
        chain.companyId());
    for (Tile t : found) {
      out.put(t.id(), t);
    }
    return out;
  }
}
