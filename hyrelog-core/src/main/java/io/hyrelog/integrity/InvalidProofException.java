package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * A Merkle inclusion or consistency proof does not verify. {@link #reason()} says why in a stable
 * name the CLI and HTTP API print; the message adds the numbers (sizes, index, expected and actual
 * proof length) but never a hash of the data. The proof proves nothing; there is nothing to retry
 * with the same proof.
 */
public final class InvalidProofException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** Why a proof failed. */
  public enum Reason {
    /** An inclusion proof's leaf index is not below its tree size. */
    INDEX_OUT_OF_RANGE,
    /** A consistency proof's old size is larger than its new size. */
    SIZES_OUT_OF_ORDER,
    /** A consistency proof from the empty tree: every tree extends it; nothing to prove. */
    EMPTY_OLD_TREE,
    /** The proof has more or fewer hashes than the sizes (and index) call for. */
    WRONG_LENGTH,
    /** A consistency proof does not reproduce the old root. */
    OLD_ROOT_MISMATCH,
    /** The proof does not lead to the (new) root. */
    ROOT_MISMATCH
  }

  /** Why the proof failed. */
  private final Reason reason;

  /**
   * A proof that does not verify.
   *
   * @param reason why, for callers that branch on it
   * @param message the details, with sizes and indexes
   */
  public InvalidProofException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the proof failed.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
