package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Streaming RFC 9162 (section 2.1) Merkle Tree Hash over a growing list of leaf hashes, kept in
 * O(log n) memory: only the roots of the maximal complete subtrees are held, one per set bit of
 * {@link #size()}.
 *
 * <p>The caller appends leaf hashes, not leaf data: a HyreLog event hash is already {@code
 * SHA-256(0x00 || canonical bytes)}, which is the RFC 9162 leaf hash. Use {@link #leafHash} to hash
 * raw leaf data.
 *
 * <p>Not thread-safe: one instance reuses a single {@link MessageDigest}; confine it to one thread
 * or synchronize externally. The static methods are thread-safe.
 */
public final class MerkleTree {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final Digest EMPTY_ROOT = Digest.sha256(new byte[0]);

  private final MessageDigest md = Digest.newSha256();
  // subtrees[0] is the leftmost (largest) complete subtree; heights strictly decrease.
  private final Digest[] subtrees = new Digest[Long.SIZE];
  private int count;
  private long size;

  /** An empty tree. */
  public MerkleTree() {}

  /**
   * Appends one leaf hash. Costs one node hash per trailing one bit of the old size (amortized
   * one).
   *
   * @param leafHash the leaf hash
   * @throws NullPointerException when {@code leafHash} is null
   * @throws IllegalStateException when the tree already holds {@link Long#MAX_VALUE} leaves
   */
  public void append(Digest leafHash) {
    Objects.requireNonNull(leafHash, "leafHash");
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("a Merkle tree holds at most 2^63 - 1 leaves");
    }
    Digest carry = leafHash;
    // Each trailing one bit of the old size is a complete subtree of the same height as carry.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      carry = node(md, subtrees[--count], carry);
    }
    subtrees[count++] = carry;
    size++;
  }

  /**
   * An independent tree holding the same leaves: appending to one leaves the other unchanged.
   * Costs O(log n) — a tree is its frontier, so a verified prefix can be remembered and grown
   * later without reading its leaves again.
   *
   * @return the copy
   */
  public MerkleTree copy() {
    MerkleTree t = new MerkleTree();
    System.arraycopy(subtrees, 0, t.subtrees, 0, count);
    t.count = count;
    t.size = size;
    return t;
  }

  /**
   * Number of leaves appended so far.
   *
   * @return the size
   */
  public long size() {
    return size;
  }

  /**
   * The Merkle Tree Hash of the leaves appended so far; {@link #emptyRoot()} for no leaves. Does
   * not change the tree, so it may be called after every append.
   *
   * @return the root
   */
  public Digest root() {
    if (count == 0) {
      return EMPTY_ROOT;
    }
    // RFC 9162 splits at the largest power of two below n, so the smaller right-hand subtrees
    // combine first.
    Digest acc = subtrees[count - 1];
    for (int i = count - 2; i >= 0; i--) {
      acc = node(md, subtrees[i], acc);
    }
    return acc;
  }

  /**
   * The RFC 9162 leaf hash {@code SHA-256(0x00 || data)}.
   *
   * @param data the leaf's bytes
   * @return the leaf hash
   */
  public static Digest leafHash(byte[] data) {
    Objects.requireNonNull(data, "data");
    MessageDigest md = Digest.newSha256();
    md.update(LEAF_PREFIX);
    md.update(data);
    return Digest.finish(md);
  }

  /**
   * The RFC 9162 interior node hash {@code SHA-256(0x01 || left || right)}.
   *
   * @param left the left child's hash
   * @param right the right child's hash
   * @return the node hash
   */
  public static Digest nodeHash(Digest left, Digest right) {
    return node(
        Digest.newSha256(),
        Objects.requireNonNull(left, "left"),
        Objects.requireNonNull(right, "right"));
  }

  /**
   * The root of the empty tree: SHA-256 of the empty string.
   *
   * @return the empty root
   */
  public static Digest emptyRoot() {
    return EMPTY_ROOT;
  }

  private static Digest node(MessageDigest md, Digest left, Digest right) {
    md.update(NODE_PREFIX);
    left.updateInto(md);
    right.updateInto(md);
    return Digest.finish(md);
  }
}
