package io.hyrelog.integrity;

import io.hyrelog.Digest;
import io.hyrelog.integrity.InvalidProofException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * RFC 9162 Merkle proofs: verification of inclusion proofs (section 2.1.3.2) and consistency
 * proofs (section 2.1.4.2), and their generation (sections 2.1.3.1 and 2.1.4.1) from a source of
 * perfect-subtree hashes ({@link MerkleNodeReader}, for example a {@link
 * io.hyrelog.tlog.TiledTree} over stored tiles).
 *
 * <p>Verification needs nothing but the proof and the trusted root(s): this is what an auditor
 * runs offline. It throws {@link InvalidProofException} with a {@link Reason} when the proof does
 * not verify; it returns normally when it does.
 *
 * <p>Generation reads every node it needs in one {@link MerkleNodeReader#read} call: {@code O(log
 * n)} nodes for a proof or a root.
 *
 * <p>All methods are static and thread-safe.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  // ---------------------------------------------------------------- verification

  /**
   * Verifies that {@code proof} shows its leaf hash at its leaf index in the tree of its size
   * whose root is {@code root}.
   *
   * @param proof the proof
   * @param root the tree's root
   * @throws InvalidProofException when it does not, with the reason
   */
  public static void verifyInclusion(InclusionProof proof, Digest root) {
    Objects.requireNonNull(proof, "proof");
    verifyInclusion(proof.leafIndex(), proof.treeSize(), proof.leafHash(), proof.hashes(), root);
  }

  /**
   * Verifies an inclusion proof (RFC 9162 section 2.1.3.2): the leaf {@code leafHash} is at
   * {@code leafIndex} in the tree of {@code treeSize} leaves whose root is {@code root}.
   *
   * @param hashes the audit path, bottom first
   * @param leafIndex the leaf's 0-based index
   * @param treeSize the tree's number of leaves
   * @param leafHash the leaf's hash
   * @param root the tree's root
   * @throws InvalidProofException with {@link Reason#INDEX_OUT_OF_RANGE} when {@code leafIndex
   *     >= treeSize}, {@link Reason#WRONG_LENGTH} when the path does not have the length the index
   *     and size call for, {@link Reason#ROOT_MISMATCH} when it does not lead to {@code root}
   * @throws IllegalArgumentException when {@code leafIndex} or {@code treeSize} is negative
   */
  public static void verifyInclusion(long leafIndex, long treeSize, Digest leafHash,
      List<Digest> hashes, Digest root) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(hashes, "hashes");
    Objects.requireNonNull(root, "root");
    if (leafIndex < 0 || treeSize < 0) {
      throw new IllegalArgumentException("leafIndex and treeSize are >= 0, got " + leafIndex
          + " and " + treeSize);
    }
    if (leafIndex >= treeSize) {
      throw new InvalidProofException(Reason.INDEX_OUT_OF_RANGE, "leaf index " + leafIndex
          + " is not in a tree of size " + treeSize);
    }
    int expected = inclusionLength(leafIndex, treeSize);
    if (hashes.size() != expected) {
      throw new InvalidProofException(Reason.WRONG_LENGTH, "an inclusion proof of leaf "
          + leafIndex + " in a tree of size " + treeSize + " has " + expected
          + " hashes, got " + hashes.size());
    }
    // RFC 9162 section 2.1.3.2, step by step.
    long fn = leafIndex;
    long sn = treeSize - 1;
    Digest r = leafHash;
    for (Digest p : hashes) {
      if (sn == 0) {
        throw wrongLength(leafIndex, treeSize);
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleTree.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleTree.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw wrongLength(leafIndex, treeSize);
    }
    if (!r.equals(root)) {
      throw new InvalidProofException(Reason.ROOT_MISMATCH, "the inclusion proof of leaf "
          + leafIndex + " does not lead to the root of the tree of size " + treeSize);
    }
  }

  /**
   * Verifies that {@code proof} shows the tree of its {@code to} size with root {@code toRoot}
   * extends the tree of its {@code from} size with root {@code fromRoot}.
   *
   * @param proof the proof
   * @param fromRoot the root of the smaller tree
   * @param toRoot the root of the larger tree
   * @throws InvalidProofException when it does not, with the reason
   */
  public static void verifyConsistency(ConsistencyProof proof, Digest fromRoot, Digest toRoot) {
    Objects.requireNonNull(proof, "proof");
    verifyConsistency(proof.from(), proof.to(), proof.hashes(), fromRoot, toRoot);
  }

  /**
   * Verifies a consistency proof (RFC 9162 section 2.1.4.2): the tree of {@code to} leaves with
   * root {@code toRoot} is an append-only extension of the tree of {@code from} leaves with root
   * {@code fromRoot}. Equal sizes need an empty proof and equal roots.
   *
   * @param from the smaller tree's size
   * @param to the larger tree's size
   * @param hashes the proof's hashes
   * @param fromRoot the root of the smaller tree
   * @param toRoot the root of the larger tree
   * @throws InvalidProofException with {@link Reason#SIZES_OUT_OF_ORDER} when {@code from > to},
   *     {@link Reason#EMPTY_OLD_TREE} when {@code from == 0} (every tree extends the empty tree;
   *     there is nothing to prove), {@link Reason#WRONG_LENGTH} when the proof does not have the
   *     length the sizes call for, {@link Reason#OLD_ROOT_MISMATCH} when it does not reproduce
   *     {@code fromRoot}, {@link Reason#ROOT_MISMATCH} when it does not lead to {@code toRoot}
   * @throws IllegalArgumentException when a size is negative
   */
  public static void verifyConsistency(long from, long to, List<Digest> hashes, Digest fromRoot,
      Digest toRoot) {
    Objects.requireNonNull(hashes, "hashes");
    Objects.requireNonNull(fromRoot, "fromRoot");
    Objects.requireNonNull(toRoot, "toRoot");
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("tree sizes are >= 0, got " + from + " and " + to);
    }
    if (from > to) {
      throw new InvalidProofException(Reason.SIZES_OUT_OF_ORDER, "a consistency proof from size "
          + from + " to the smaller size " + to + " proves nothing");
    }
    if (from == 0) {
      throw new InvalidProofException(Reason.EMPTY_OLD_TREE, "a consistency proof from the empty"
          + " tree proves nothing: every tree extends it");
    }
    int expected = from == to ? 0 : consistencyRanges(from, to).size();
    if (hashes.size() != expected) {
      throw new InvalidProofException(Reason.WRONG_LENGTH, "a consistency proof from size "
          + from + " to " + to + " has " + expected + " hashes, got " + hashes.size());
    }
    if (from == to) {
      if (!fromRoot.equals(toRoot)) {
        throw new InvalidProofException(Reason.ROOT_MISMATCH, "two trees of size " + from
            + " have different roots");
      }
      return;
    }
    // RFC 9162 section 2.1.4.2, step by step.
    List<Digest> path = hashes;
    if (Long.bitCount(from) == 1) {
      path = new ArrayList<>(hashes.size() + 1);
      path.add(fromRoot);
      path.addAll(hashes);
    }
    long fn = from - 1;
    long sn = to - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    Digest fr = path.get(0);
    Digest sr = path.get(0);
    for (Digest c : path.subList(1, path.size())) {
      if (sn == 0) {
        throw wrongLength(from, to, hashes.size());
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleTree.nodeHash(c, fr);
        sr = MerkleTree.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleTree.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw wrongLength(from, to, hashes.size());
    }
    if (!fr.equals(fromRoot)) {
      throw new InvalidProofException(Reason.OLD_ROOT_MISMATCH, "the consistency proof from size "
          + from + " to " + to + " does not reproduce the root of size " + from);
    }
    if (!sr.equals(toRoot)) {
      throw new InvalidProofException(Reason.ROOT_MISMATCH, "the consistency proof from size "
          + from + " to " + to + " does not lead to the root of size " + to);
    }
  }

  private static InvalidProofException wrongLength(long leafIndex, long treeSize) {
    return new InvalidProofException(Reason.WRONG_LENGTH, "the inclusion proof of leaf "
        + leafIndex + " in a tree of size " + treeSize + " has the wrong length");
  }

  private static InvalidProofException wrongLength(long from, long to, int got) {
    return new InvalidProofException(Reason.WRONG_LENGTH, "the consistency proof from size "
        + from + " to " + to + " has the wrong length (" + got + " hashes)");
  }

  /** The length of every inclusion proof of leaf {@code index} in a tree of {@code size}. */
  static int inclusionLength(long index, long size) {
    // Below the level where the paths to index and to size - 1 part, one sibling per level;
    // above it, one left sibling per set bit (the tree's right border).
    int inner = Long.SIZE - Long.numberOfLeadingZeros(index ^ (size - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  // ---------------------------------------------------------------- generation

  /**
   * The RFC 9162 Merkle Tree Hash of the first {@code size} leaves, from {@code O(log size)}
   * nodes (one per set bit of {@code size}).
   *
   * @param size the number of leaves
   * @param nodes where to read subtree hashes
   * @return the root
   * @throws IllegalArgumentException when {@code size} is negative
   */
  public static Digest root(long size, MerkleNodeReader nodes) {
    Objects.requireNonNull(nodes, "nodes");
    if (size < 0) {
      throw new IllegalArgumentException("a tree size is >= 0, got " + size);
    }
    if (size == 0) {
      return MerkleTree.emptyRoot();
    }
    return hashRanges(List.of(new long[] {0, size}), null, nodes).get(0);
  }

  /**
   * The inclusion proof of leaf {@code leafIndex} in the tree of the first {@code treeSize}
   * leaves (RFC 9162 section 2.1.3.1), with the leaf's hash.
   *
   * @param leafIndex the leaf's 0-based index
   * @param treeSize the tree's number of leaves
   * @param nodes where to read subtree hashes
   * @return the proof
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
   */
  public static InclusionProof inclusionProof(long leafIndex, long treeSize,
      MerkleNodeReader nodes) {
    Objects.requireNonNull(nodes, "nodes");
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException("an inclusion proof needs 0 <= leafIndex < treeSize,"
          + " got leafIndex " + leafIndex + " and treeSize " + treeSize);
    }
    List<Digest> hashes = hashRanges(inclusionRanges(leafIndex, treeSize),
        MerkleNode.leaf(leafIndex), nodes);
    Digest leaf = hashes.remove(hashes.size() - 1);
    return new InclusionProof(leafIndex, treeSize, leaf, hashes);
  }

  /**
   * The consistency proof from the tree of the first {@code from} leaves to the tree of the
   * first {@code to} leaves (RFC 9162 section 2.1.4.1); empty when the sizes are equal.
   *
   * @param from the smaller tree's size
   * @param to the larger tree's size
   * @param nodes where to read subtree hashes
   * @return the proof
   * @throws IllegalArgumentException unless {@code 1 <= from <= to}
   */
  public static ConsistencyProof consistencyProof(long from, long to, MerkleNodeReader nodes) {
    Objects.requireNonNull(nodes, "nodes");
    if (from < 1 || from > to) {
      throw new IllegalArgumentException("a consistency proof needs 1 <= from <= to, got from "
          + from + " and to " + to);
    }
    List<Digest> hashes = from == to ? List.of()
        : hashRanges(consistencyRanges(from, to), null, nodes);
    return new ConsistencyProof(from, to, hashes);
  }

  /**
   * The leaf ranges {@code [start, end)} whose Merkle Tree Hashes form PATH(m, D[n]), bottom
   * first. Iterative form of the RFC's recursion: at each step the subtree holding {@code m} is
   * split at the largest power of two below its size, and the other half is a proof element.
   */
  static List<long[]> inclusionRanges(long m, long n) {
    List<long[]> topDown = new ArrayList<>();
    long lo = 0;
    long hi = n;
    while (hi - lo > 1) {
      long k = Long.highestOneBit(hi - lo - 1);
      if (m - lo < k) {
        topDown.add(new long[] {lo + k, hi});
        hi = lo + k;
      } else {
        topDown.add(new long[] {lo, lo + k});
        lo += k;
      }
    }
    Collections.reverse(topDown);
    return topDown;
  }

  /**
   * The leaf ranges whose Merkle Tree Hashes form PROOF(m, D[n]) for {@code 0 < m < n}, in proof
   * order. Iterative form of the RFC's SUBPROOF(m, D[lo:hi], b).
   */
  static List<long[]> consistencyRanges(long m, long n) {
    List<long[]> topDown = new ArrayList<>();
    long lo = 0;
    long hi = n;
    boolean whole = true; // the RFC's b: the old tree is the subtree itself, known to the verifier
    while (true) {
      long size = hi - lo;
      if (m == size) {
        if (!whole) {
          topDown.add(new long[] {lo, hi});
        }
        break;
      }
      long k = Long.highestOneBit(size - 1);
      if (m <= k) {
        topDown.add(new long[] {lo + k, hi});
        hi = lo + k;
      } else {
        topDown.add(new long[] {lo, lo + k});
        m -= k;
        lo += k;
        whole = false;
      }
    }
    Collections.reverse(topDown);
    return topDown;
  }

  /**
   * The Merkle Tree Hash of each range (plus, when {@code extra} is given, that node's hash at
   * the end), reading every perfect subtree they consist of in one call.
   */
  private static List<Digest> hashRanges(List<long[]> ranges, MerkleNode extra,
      MerkleNodeReader reader) {
    List<MerkleNode> nodes = new ArrayList<>();
    int[] counts = new int[ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      counts[i] = decompose(ranges.get(i)[0], ranges.get(i)[1], nodes);
    }
    if (extra != null) {
      nodes.add(extra);
    }
    List<Digest> read = reader.read(Collections.unmodifiableList(nodes));
    if (read == null || read.size() != nodes.size()) {
      throw new IllegalStateException("the node reader returned "
          + (read == null ? "null" : read.size() + " hashes") + " for " + nodes.size()
          + " nodes");
    }
    List<Digest> out = new ArrayList<>(ranges.size() + 1);
    int at = 0;
    for (int count : counts) {
      // RFC 9162 splits at the largest power of two, so the right-hand pieces combine first.
      Digest acc = Objects.requireNonNull(read.get(at + count - 1), "node hash");
      for (int j = count - 2; j >= 0; j--) {
        acc = MerkleTree.nodeHash(Objects.requireNonNull(read.get(at + j), "node hash"), acc);
      }
      out.add(acc);
      at += count;
    }
    if (extra != null) {
      out.add(Objects.requireNonNull(read.get(at), "node hash"));
    }
    return out;
  }

  /**
   * Appends the perfect subtrees of leaves {@code [start, end)}, largest (leftmost) first, and
   * returns how many. Every range of an RFC 9162 proof starts at a multiple of the power of two
   * at or above its size, so each piece is aligned.
   */
  static int decompose(long start, long end, List<MerkleNode> out) {
    long pos = start;
    int count = 0;
    for (long rest = end - start; rest != 0; count++) {
      int level = 63 - Long.numberOfLeadingZeros(rest);
      if ((pos & ((1L << level) - 1)) != 0) {
        throw new IllegalStateException("range " + start + ".." + end + " is not aligned");
      }
      out.add(new MerkleNode(level, pos >> level));
      pos += 1L << level;
      rest -= 1L << level;
    }
    return count;
  }
}
