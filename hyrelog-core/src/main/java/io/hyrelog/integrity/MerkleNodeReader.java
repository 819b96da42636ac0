package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.List;

/**
 * Where {@link MerkleProofs} reads the hashes of perfect subtrees when it computes a root or a
 * proof: tiles ({@link io.hyrelog.tlog.TiledTree}), a stream of leaves, or a list in memory.
 * One call asks for every node an operation needs, so a store can answer with one query.
 */
@FunctionalInterface
public interface MerkleNodeReader {
  /**
   * The Merkle Tree Hash of each node, in the order asked.
   *
   * @param nodes distinct nodes, each inside the tree being read
   * @return exactly one hash per node, in the same order
   * @throws io.hyrelog.HyrelogException when a node cannot be read (for example, its tile is
   *     missing)
   */
  List<Digest> read(List<MerkleNode> nodes);
}
