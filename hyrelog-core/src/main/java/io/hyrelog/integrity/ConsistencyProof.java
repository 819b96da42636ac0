package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 (section 2.1.4) consistency proof as received or served: the tree of {@code to}
 * leaves extends the tree of {@code from} leaves, through {@code hashes}. This is a carrier:
 * {@link MerkleProofs#verifyConsistency(ConsistencyProof, Digest, Digest)} decides whether it
 * proves anything.
 *
 * <p>JSON form (the HTTP API's and the CLI's; see {@link #toJson()}):
 *
 * <pre>{"from":4,"to":8,"hashes":["&lt;hex&gt;",...]}</pre>
 *
 * @param from the size of the older tree, at least 0
 * @param to the size of the newer tree, at least 0
 * @param hashes the proof, at most {@link InclusionProof#MAX_HASHES}; copied
 */
public record ConsistencyProof(long from, long to, List<Digest> hashes) {
  /**
   * @param from the size of the older tree, at least 0
   * @param to the size of the newer tree, at least 0
   * @param hashes the proof, at most {@link InclusionProof#MAX_HASHES}; copied
   * @throws IllegalArgumentException when a size is negative or there are more than {@link
   *     InclusionProof#MAX_HASHES} hashes
   * @throws NullPointerException when a hash is null
   */
  public ConsistencyProof {
    Objects.requireNonNull(hashes, "hashes");
    hashes = List.copyOf(hashes);
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("a consistency proof has sizes >= 0, got " + from
          + " and " + to);
    }
    if (hashes.size() > InclusionProof.MAX_HASHES) {
      throw new IllegalArgumentException("a proof has at most " + InclusionProof.MAX_HASHES
          + " hashes, got " + hashes.size());
    }
  }

  /**
   * This proof as compact JSON with the members {@code from}, {@code to} and {@code hashes}, in
   * that order; hashes as lowercase hex.
   *
   * @return the JSON text
   */
  public String toJson() {
    return ProofJson.writeConsistency(this);
  }

  /**
   * Parses the JSON form strictly: an object with exactly the three members, integral sizes from
   * 0 to 2^53 - 1, hashes of 64 lowercase hex digits, at most {@link InclusionProof#MAX_HASHES}
   * of them, the whole document at most 16,384 characters of I-JSON.
   *
   * @param json the JSON text
   * @return the proof
   * @throws MalformedProofException naming the offending member
   */
  public static ConsistencyProof parseJson(String json) {
    return ProofJson.parseConsistency(json);
  }
}
