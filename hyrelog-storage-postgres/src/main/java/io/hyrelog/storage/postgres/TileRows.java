package io.hyrelog.storage.postgres;

import io.hyrelog.Digest;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TileWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The write side of {@code chain_tiles} on plain JDBC, shared by the two writers of tiles: the
 * group-commit appender (its hot path) and {@link PostgresTreeBackfill}. Both call it inside a
 * transaction that holds the chain heads' locks. Not part of the public API.
 */
final class TileRows {
  /** The stored tiles at given (chain, level, index) positions; 3 array parameters. */
  static final String LOAD = "SELECT t.workspace_id, t.level, t.idx, t.hashes"
      + " FROM <schema>.chain_tiles t"
      + " JOIN unnest(?::uuid[], ?::smallint[], ?::bigint[]) AS q (workspace_id, level, idx)"
      + " ON t.workspace_id = q.workspace_id AND t.level = q.level AND t.idx = q.idx";

  /**
   * Stores tiles, a tile's row replaced by its wider version (the table's trigger refuses
   * anything else); 4 array parameters, see {@link #bindStore}.
   */
  static final String STORE = "INSERT INTO <schema>.chain_tiles (workspace_id, level, idx,"
      + " hashes) SELECT * FROM unnest(?::uuid[], ?::smallint[], ?::bigint[], ?::bytea[])"
      + " ON CONFLICT (workspace_id, level, idx) DO UPDATE SET hashes = excluded.hashes";

  /** One tile to store for one chain. */
  record ChainTile(UUID workspaceId, Tile tile) {}

  /** Where one chain's stored tree stands and what is appended to it. */
  record Growth(UUID workspaceId, long treeSize, List<Digest> leaves) {}

  private TileRows() {}

  /**
   * The tiles to store when each chain's tree grows by its leaves ({@link TileWriter#append}),
   * from the stored partial tiles of each tree, read in one statement ({@code load}: {@link
   * #LOAD} rendered).
   *
   * @throws IllegalArgumentException when the stored partial tiles do not fit a tree's size
   *     (the stored tree is damaged)
   */
  static List<ChainTile> grow(Connection c, String load, List<Growth> growths)
      throws SQLException {
    Map<UUID, Map<Integer, TileId>> edges = new HashMap<>();
    List<UUID> chainOf = new ArrayList<>();
    List<Integer> levels = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    for (Growth g : growths) {
      Map<Integer, TileId> edge = new HashMap<>();
      for (TileId id : TileId.partials(g.treeSize())) {
        edge.put(id.level(), id);
        chainOf.add(g.workspaceId());
        levels.add(id.level());
        indexes.add(id.index());
      }
      edges.put(g.workspaceId(), edge);
    }
    Map<UUID, List<Tile>> stored = new HashMap<>();
    if (!levels.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(load)) {
        ps.setArray(1, c.createArrayOf("uuid", chainOf.toArray()));
        ps.setArray(2, c.createArrayOf("smallint", levels.toArray()));
        ps.setArray(3, c.createArrayOf("bigint", indexes.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            UUID chain = rs.getObject(1, UUID.class);
            // Of exactly the width the tree size implies, or Tile.of refuses it.
            TileId id = edges.get(chain).get(rs.getInt(2));
            stored.computeIfAbsent(chain, k -> new ArrayList<>()).add(Tile.of(id,
                rs.getBytes(4)));
          }
        }
      }
    }
    List<ChainTile> out = new ArrayList<>();
    for (Growth g : growths) {
      for (Tile t : TileWriter.append(g.treeSize(),
          stored.getOrDefault(g.workspaceId(), List.of()), g.leaves())) {
        out.add(new ChainTile(g.workspaceId(), t));
      }
    }
    return out;
  }

  /** Binds {@code tiles} to the 4 array parameters of {@link #STORE} from {@code first} on. */
  static void bindStore(Connection c, PreparedStatement ps, int first, List<ChainTile> tiles)
      throws SQLException {
    List<UUID> chains = new ArrayList<>(tiles.size());
    List<Integer> levels = new ArrayList<>(tiles.size());
    List<Long> indexes = new ArrayList<>(tiles.size());
    byte[][] bytes = new byte[tiles.size()][];
    for (int i = 0; i < tiles.size(); i++) {
      ChainTile t = tiles.get(i);
      chains.add(t.workspaceId());
      levels.add(t.tile().id().level());
      indexes.add(t.tile().id().index());
      bytes[i] = t.tile().bytes();
    }
    ps.setArray(first, c.createArrayOf("uuid", chains.toArray()));
    ps.setArray(first + 1, c.createArrayOf("smallint", levels.toArray()));
    ps.setArray(first + 2, c.createArrayOf("bigint", indexes.toArray()));
    ps.setArray(first + 3, c.createArrayOf("bytea", bytes));
  }
}
