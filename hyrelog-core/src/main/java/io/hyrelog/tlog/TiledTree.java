package io.hyrelog.tlog;

import io.hyrelog.Digest;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleNode;
import io.hyrelog.integrity.MerkleNodeReader;
import io.hyrelog.integrity.MerkleProofs;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Merkle tree of a given size read from its tiles: root, leaf hashes, inclusion and
 * consistency proofs, each from {@code O(log n)} tiles fetched in one {@link TileSource#read}
 * call. A node at Merkle level {@code 8L + r} is the root of {@code 2^r} consecutive hashes of
 * one level-{@code L} tile, so it costs at most 127 hash operations on top of the read.
 *
 * <p>Reads the tiles of exactly this size (full tiles, and partial tiles of the widths the size
 * implies), so a tree of any size up to what is stored can be read: C2SP partial tiles of a
 * smaller tree are prefixes of the stored ones.
 *
 * <p>Immutable; thread-safe when its source is.
 */
public final class TiledTree implements MerkleNodeReader {
  private final long size;
  private final TileSource source;

  private TiledTree(long size, TileSource source) {
    this.size = size;
    this.source = source;
  }

  /**
   * The tree of the first {@code size} leaves, read from {@code source}.
   *
   * @param size the number of leaves
   * @param source where to read tiles
   * @return the tree
   * @throws IllegalArgumentException when {@code size} is negative
   */
  public static TiledTree of(long size, TileSource source) {
    Objects.requireNonNull(source, "source");
    if (size < 0) {
      throw new IllegalArgumentException("a tree size is >= 0, got " + size);
    }
    return new TiledTree(size, source);
  }

  /**
   * The number of leaves.
   *
   * @return the size
   */
  public long size() {
    return size;
  }

  /**
   * The RFC 9162 root.
   *
   * @return the root
   * @throws MissingTileException when a tile of this size is not stored
   */
  public Digest root() {
    return MerkleProofs.root(size, this);
  }

  /**
   * The hash of leaf {@code index} (the event at seq {@code index + 1}).
   *
   * @param index the leaf's 0-based index
   * @return the leaf hash
   * @throws IllegalArgumentException unless {@code 0 <= index < size()}
   * @throws MissingTileException when its tile is not stored
   */
  public Digest leafHash(long index) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    return read(List.of(MerkleNode.leaf(index))).get(0);
  }

  /**
   * The inclusion proof of leaf {@code leafIndex} in this tree.
   *
   * @param leafIndex the leaf's 0-based index
   * @return the proof
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < size()}
   * @throws MissingTileException when a tile of this size is not stored
   */
  public InclusionProof inclusionProof(long leafIndex) {
    return MerkleProofs.inclusionProof(leafIndex, size, this);
  }

  /**
   * The consistency proof from the tree of the first {@code from} leaves to this tree.
   *
   * @param from the smaller tree's size
   * @return the proof
   * @throws IllegalArgumentException unless {@code 1 <= from <= size()}
   * @throws MissingTileException when a tile of this size is not stored
   */
  public ConsistencyProof consistencyProof(long from) {
    return MerkleProofs.consistencyProof(from, size, this);
  }

  /**
   * The hashes of perfect subtrees of this tree, from the tiles that hold them, read in one call.
   *
   * @throws IllegalArgumentException when a node is not inside this tree
   * @throws MissingTileException when a tile is not stored
   */
  @Override
  public List<Digest> read(List<MerkleNode> nodes) {
    List<TileId> where = new ArrayList<>(nodes.size());
    Set<TileId> ids = new LinkedHashSet<>();
    for (MerkleNode n : nodes) {
      if (n.end() > size) {
        throw new IllegalArgumentException("node " + n.level() + "/" + n.index()
            + " is not inside a tree of size " + size);
      }
      TileId id = TileId.of(size, n.level() / TileId.HEIGHT, first(n) >>> TileId.HEIGHT)
          .orElseThrow(() -> new IllegalStateException("no tile holds node " + n));
      where.add(id);
      ids.add(id);
    }
    Map<TileId, Tile> tiles = source.read(List.copyOf(ids));
    List<Digest> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      MerkleNode n = nodes.get(i);
      TileId id = where.get(i);
      Tile tile = tiles.get(id);
      if (tile == null) {
        throw new MissingTileException("tile " + id.path() + " of a tree of size " + size
            + " is not stored; the stored tree is incomplete");
      }
      if (!tile.id().equals(id)) {
        throw new IllegalStateException("the tile source answered " + id + " with " + tile.id());
      }
      int from = (int) (first(n) & (TileId.FULL_WIDTH - 1));
      int count = 1 << (n.level() % TileId.HEIGHT);
      out.add(count == 1 ? tile.hash(from)
          : TileWriter.perfectRoot(tile.hashes().subList(from, from + count)));
    }
    return out;
  }

  /** The position of the node's first hash within its tile level. */
  private static long first(MerkleNode n) {
    return n.index() << (n.level() % TileId.HEIGHT);
  }
}
