package io.hyrelog.integrity;

/**
 * A perfect subtree of an RFC 9162 Merkle tree: the {@code 2^level} leaves from {@code index *
 * 2^level} (inclusive) to {@code (index + 1) * 2^level} (exclusive). Its hash is the Merkle Tree
 * Hash of those leaves and never changes once the tree holds them all, which is what makes it
 * storable (see {@link io.hyrelog.tlog.TiledTree}).
 *
 * @param level the height of the subtree, 0 for a single leaf; at most 62
 * @param index the position of the subtree among those of its level, from 0
 */
public record MerkleNode(int level, long index) {
  /** The highest level a node of a tree of at most {@code 2^63 - 1} leaves can have. */
  public static final int MAX_LEVEL = 62;

  /**
   * @param level the height of the subtree, 0 for a single leaf; at most 62
   * @param index the position of the subtree among those of its level, from 0
   * @throws IllegalArgumentException when the level is outside 0..62, the index is negative, or
   *     the subtree would end beyond leaf {@code 2^63 - 1}
   */
  public MerkleNode {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException(
          "a Merkle node level is 0.." + MAX_LEVEL + ", got " + level);
    }
    if (index < 0 || index >= (Long.MAX_VALUE >> level)) {
      throw new IllegalArgumentException("Merkle node index " + index + " at level " + level
          + " is negative or ends beyond leaf 2^63 - 1");
    }
  }

  /**
   * The single leaf at {@code index}.
   *
   * @param index the leaf's 0-based index
   * @return the node
   */
  public static MerkleNode leaf(long index) {
    return new MerkleNode(0, index);
  }

  /**
   * The index of the first leaf under this node.
   *
   * @return the first leaf's index
   */
  public long start() {
    return index << level;
  }

  /**
   * The index just past the last leaf under this node.
   *
   * @return the index past the last leaf
   */
  public long end() {
    return (index + 1) << level;
  }

  /**
   * The number of leaves under this node, {@code 2^level}.
   *
   * @return the width
   */
  public long width() {
    return 1L << level;
  }
}
