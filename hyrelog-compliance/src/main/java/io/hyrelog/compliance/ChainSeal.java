package io.hyrelog.compliance;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.MerkleTree;
import java.util.Objects;
import java.util.UUID;

/**
 * One chain's part of a snapshot: the contiguous seq range {@code firstSeq..lastSeq} it seals,
 * the RFC 9162 Merkle root over those events' hashes (leaf {@code i} is the event at seq {@code
 * firstSeq + i}), the {@code prevHash} of the first event (which links the range to the chain
 * before it) and the hash of the last (the chain's head at the end of the period).
 *
 * @param workspaceId the chain
 * @param firstSeq the first sealed seq, at least 1
 * @param lastSeq the last sealed seq, at least {@code firstSeq}
 * @param merkleRoot the RFC 9162 Merkle root over the range's event hashes
 * @param firstPrevHash the {@code prevHash} of the event at {@code firstSeq}
 * @param headHash the hash of the event at {@code lastSeq}
 */
public record ChainSeal(UUID workspaceId, long firstSeq, long lastSeq, Digest merkleRoot,
    Digest firstPrevHash, Digest headHash) {
  /**
   * Validates the seal.
   *
   * @param workspaceId the chain
   * @param firstSeq the first sealed seq, at least 1
   * @param lastSeq the last sealed seq, at least {@code firstSeq}
   * @param merkleRoot the RFC 9162 Merkle root over the range's event hashes
   * @param firstPrevHash the {@code prevHash} of the event at {@code firstSeq}
   * @param headHash the hash of the event at {@code lastSeq}
   */
  public ChainSeal {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(merkleRoot, "merkleRoot");
    Objects.requireNonNull(firstPrevHash, "firstPrevHash");
    Objects.requireNonNull(headHash, "headHash");
    if (firstSeq < 1 || lastSeq < firstSeq) {
      throw new IllegalArgumentException("a sealed range is 1 <= firstSeq <= lastSeq, got "
          + firstSeq + ".." + lastSeq);
    }
  }

  /**
   * The number of events sealed.
   *
   * @return {@code lastSeq - firstSeq + 1}
   */
  public long count() {
    return lastSeq - firstSeq + 1;
  }

  /**
   * Builds a seal from a chain's events fed in seq order, in constant memory. Checks that seqs
   * are contiguous and that each event links to the one before ({@code prevHash}); hashes are
   * not recomputed here (the chain verifier does that). Not thread-safe.
   */
  public static final class Builder {
    private final UUID workspaceId;
    private final MerkleTree tree = new MerkleTree();
    private long firstSeq;
    private long lastSeq;
    private Digest firstPrev;
    private Digest last;

    /**
     * Starts the seal of one chain.
     *
     * @param workspaceId the chain
     */
    public Builder(UUID workspaceId) {
      this.workspaceId = Objects.requireNonNull(workspaceId, "workspaceId");
    }

    /**
     * Adds the next event.
     *
     * @param e the next event, in seq order
     * @return this builder
     * @throws HyrelogException when the event is of another chain, skips or repeats a seq, or
     *     does not link to the previous event
     */
    public Builder add(AuditEvent e) {
      if (!e.workspaceId().equals(workspaceId)) {
        throw new HyrelogException("event of chain " + e.workspaceId() + " fed to the seal of "
            + workspaceId);
      }
      if (last == null) {
        firstSeq = e.seq();
        firstPrev = e.prevHash();
      } else if (e.seq() != lastSeq + 1) {
        throw new HyrelogException("chain " + workspaceId + " jumps from seq " + lastSeq
            + " to " + e.seq() + "; verify the chain");
      } else if (!e.prevHash().equals(last)) {
        throw new HyrelogException("chain " + workspaceId + " seq " + e.seq()
            + " does not link to seq " + lastSeq + "; verify the chain");
      }
      tree.append(e.hash());
      lastSeq = e.seq();
      last = e.hash();
      return this;
    }

    /**
     * Events added so far.
     *
     * @return the count
     */
    public long count() {
      return tree.size();
    }

    /**
     * The seal.
     *
     * @return the seal
     * @throws IllegalStateException when no event was added
     */
    public ChainSeal build() {
      if (last == null) {
        throw new IllegalStateException("no event was added to the seal of " + workspaceId);
      }
      return new ChainSeal(workspaceId, firstSeq, lastSeq, tree.root(), firstPrev, last);
    }
  }
}
