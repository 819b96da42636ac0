package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 (section 2.1.3) inclusion proof as received or served: the leaf at {@code
 * leafIndex} (the event at seq {@code leafIndex + 1}) with hash {@code leafHash} is in the tree of
 * {@code treeSize} leaves, through the audit path {@code hashes} (bottom first). This is a
 * carrier: it holds what a document says; {@link MerkleProofs#verifyInclusion(InclusionProof,
 * Digest)} decides whether it proves anything.
 *
 * <p>JSON form (the HTTP API's and the CLI's; see {@link #toJson()}):
 *
 * <pre>{"treeSize":8,"leafIndex":2,"leafHash":"&lt;hex&gt;","hashes":["&lt;hex&gt;",...]}</pre>
 *
 * @param leafIndex the 0-based index of the leaf, at least 0
 * @param treeSize the size of the tree the proof is for, at least 0
 * @param leafHash the leaf hash (a HyreLog event hash)
 * @param hashes the audit path, at most {@link #MAX_HASHES}; copied
 */
public record InclusionProof(long leafIndex, long treeSize, Digest leafHash, List<Digest> hashes) {
  /** More hashes than any proof in a tree of up to 2^63 - 1 leaves has. */
  public static final int MAX_HASHES = 64;

  /**
   * @param leafIndex the 0-based index of the leaf, at least 0
   * @param treeSize the size of the tree the proof is for, at least 0
   * @param leafHash the leaf hash (a HyreLog event hash)
   * @param hashes the audit path, at most {@link #MAX_HASHES}; copied
   * @throws IllegalArgumentException when an index or size is negative or there are more than
   *     {@link #MAX_HASHES} hashes
   * @throws NullPointerException when a hash is null
   */
  public InclusionProof {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(hashes, "hashes");
    hashes = List.copyOf(hashes);
    if (leafIndex < 0 || treeSize < 0) {
      throw new IllegalArgumentException("an inclusion proof has leafIndex >= 0 and treeSize >= 0,"
          + " got " + leafIndex + " and " + treeSize);
    }
    if (hashes.size() > MAX_HASHES) {
      throw new IllegalArgumentException("a proof has at most " + MAX_HASHES + " hashes, got "
          + hashes.size());
    }
  }

  /**
   * This proof as compact JSON with the members {@code treeSize}, {@code leafIndex}, {@code
   * leafHash} and {@code hashes}, in that order; hashes as lowercase hex.
   *
   * @return the JSON text
   */
  public String toJson() {
    return ProofJson.writeInclusion(this);
  }

  /**
   * Parses the JSON form strictly: an object with exactly the four members, integral sizes from 0
   * to 2^53 - 1, hashes of 64 lowercase hex digits, at most {@link #MAX_HASHES} of them, the
   * whole document at most 16,384 characters of I-JSON.
   *
   * @param json the JSON text
   * @return the proof
   * @throws MalformedProofException naming the offending member
   */
  public static InclusionProof parseJson(String json) {
    return ProofJson.parseInclusion(json);
  }
}
