package io.hyrelog.tlog;

import io.hyrelog.Digest;
import io.hyrelog.integrity.MerkleTree;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The write side of stored tiles: which tiles change when leaves are appended to a tree. A pure
 * function, so every store computes exactly the same tiles; a store calls it inside the
 * transaction that appends the events, under the chain's lock, and writes what it returns.
 *
 * <pre>{@code
 * // in the append transaction, with the chain head at seq `size`:
 * List<TileId> edge = TileId.partials(size);          // at most one per level
 * Collection<Tile> stored = readTiles(chain, edge);    // the store's own query
 * for (Tile t : TileWriter.append(size, stored, newEventHashes)) {
 *   upsert(chain, t);    // replaces the narrower partial tile of the same level and index
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TileWriter {
  private TileWriter() {}

  /**
   * The tiles to write when the tree of {@code treeSize} leaves grows by {@code leaves}: every
   * tile the new leaves complete (now full, written once and never again) and the new partial
   * tile of each level that has one, lowest level first and by index. Tiles the append does not
   * touch are not returned. A returned tile replaces the stored tile of the same level and index
   * (always a narrower partial tile, of which it is an extension).
   *
   * @param treeSize the size of the tree before the append
   * @param partials the stored tiles {@link TileId#partials(long) TileId.partials(treeSize)},
   *     in any order
   * @param leaves the new leaf hashes (event hashes), in seq order; may be empty
   * @return the tiles to write
   * @throws IllegalArgumentException when {@code partials} are not exactly the partial tiles of
   *     a tree of {@code treeSize} (the store's tiles are inconsistent with its head), or the tree
   *     would exceed {@code 2^63 - 1} leaves
   */
  public static List<Tile> append(long treeSize, Collection<Tile> partials,
      List<Digest> leaves) {
    Objects.requireNonNull(partials, "partials");
    Objects.requireNonNull(leaves, "leaves");
    Map<Integer, Tile> edge = requireEdge(treeSize, partials);
    if (leaves.size() > Long.MAX_VALUE - treeSize) {
      throw new IllegalArgumentException("a tree holds at most 2^63 - 1 leaves");
    }
    List<Tile> out = new ArrayList<>();
    List<Digest> added = leaves;
    for (int level = 0; !added.isEmpty(); level++) {
      long count = TileId.hashesAt(treeSize, level);
      long index = count >>> TileId.HEIGHT;
      List<Digest> row = new ArrayList<>();
      Tile old = edge.get(level);
      if (old != null) {
        row.addAll(old.hashes());
      }
      row.addAll(added);
      List<Digest> completed = new ArrayList<>();
      int at = 0;
      for (; row.size() - at >= TileId.FULL_WIDTH; at += TileId.FULL_WIDTH, index++) {
        List<Digest> hashes = row.subList(at, at + TileId.FULL_WIDTH);
        out.add(Tile.of(TileId.full(level, index), hashes));
        completed.add(perfectRoot(hashes));
      }
      if (at < row.size()) {
        out.add(Tile.of(new TileId(level, index, row.size() - at), row.subList(at, row.size())));
      }
      added = completed;
    }
    return out;
  }

  /** The root of a perfect subtree over {@code hashes} (a power of two of them). */
  static Digest perfectRoot(List<Digest> hashes) {
    MerkleTree t = new MerkleTree();
    hashes.forEach(t::append);
    return t.root();
  }

  private static Map<Integer, Tile> requireEdge(long treeSize, Collection<Tile> partials) {
    List<TileId> expected = TileId.partials(treeSize);
    Map<Integer, Tile> byLevel = new HashMap<>();
    for (Tile t : partials) {
      Objects.requireNonNull(t, "partial tile");
      if (!expected.contains(t.id()) || byLevel.put(t.id().level(), t) != null) {
        throw new IllegalArgumentException("a tree of size " + treeSize + " has the partial tiles "
            + expected + "; got " + t.id() + (expected.contains(t.id()) ? " twice" : ""));
      }
    }
    if (byLevel.size() != expected.size()) {
      throw new IllegalArgumentException("a tree of size " + treeSize + " has the partial tiles "
          + expected + "; got only " + partials.size() + " of them");
    }
    return byLevel;
  }
}
