package io.hyrelog.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What a log server records about the checkpoints it signed, next to the events (the PostgreSQL
 * adapter keeps it in the same database): the witness cosignatures it collected for each chain
 * and size, the size each witness last cosigned per chain, the witnesses' refusals, and which
 * checkpoint sizes were published to the archive store. The testkit's {@code
 * CheckpointRecordsContract} checks every implementation.
 *
 * <p>A witness is named by its cosignature key's label {@code <name>+<8 hex key id>} (at most
 * {@value #MAX_WITNESS_CHARS} characters); nothing here is secret. Implementations MUST be
 * thread-safe and safe with several processes: a stored cosignature, refusal or publication is
 * never changed or removed, and of two callers storing the same one exactly one reports it as
 * new. Instants keep microsecond precision (finer digits MAY be lost).
 */
public interface CheckpointRecords {
  /** The longest witness label. */
  int MAX_WITNESS_CHARS = 300;
  /** The longest stored cosignature line or refusal reason. */
  int MAX_LINE_CHARS = 500;

  /**
   * A witness's cosignature of a chain's checkpoint, as its note signature line.
   *
   * @param workspaceId the chain
   * @param treeSize the checkpoint's size
   * @param witness the witness's key label
   * @param line the signature line {@code — <name> <base64>}, without its newline
   * @param receivedAt when the server received it
   */
  record StoredCosignature(UUID workspaceId, long treeSize, String witness, String line,
      Instant receivedAt) {
    /**
     * Validates the cosignature.
     *
     * @param workspaceId the chain
     * @param treeSize the checkpoint's size, at least 1
     * @param witness the witness's key label
     * @param line the signature line, one line of at most {@value #MAX_LINE_CHARS} characters
     * @param receivedAt when the server received it
     */
    public StoredCosignature {
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(receivedAt, "receivedAt");
      requireSize("treeSize", treeSize, 1);
      requireWitness(witness);
      requireText("line", line);
    }
  }

  /**
   * A witness's refusal to cosign a chain's checkpoint.
   *
   * @param witness the witness's key label
   * @param workspaceId the chain
   * @param treeSize the size of the refused checkpoint
   * @param witnessSize the size the witness said it holds, or -1 when it did not say
   * @param reason a short stable code such as {@code inconsistent} or {@code bad_cosignature}
   * @param at when it was recorded
   */
  record Refusal(String witness, UUID workspaceId, long treeSize, long witnessSize,
      String reason, Instant at) {
    /**
     * Validates the refusal.
     *
     * @param witness the witness's key label
     * @param workspaceId the chain
     * @param treeSize the size of the refused checkpoint, at least 0
     * @param witnessSize the size the witness said it holds, or -1
     * @param reason lowercase letters and {@code _}, 1 to 40 characters
     * @param at when it was recorded
     */
    public Refusal {
      requireWitness(witness);
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(at, "at");
      requireSize("treeSize", treeSize, 0);
      requireSize("witnessSize", witnessSize, -1);
      Objects.requireNonNull(reason, "reason");
      if (!reason.matches("[a-z_]{1,40}")) {
        throw new IllegalArgumentException("reason is 1-40 of a-z and _, got '" + reason + "'");
      }
    }
  }

  /**
   * A chain and its current head size.
   *
   * @param companyId the chain's company
   * @param workspaceId the chain
   * @param size the head seq, at least 1
   */
  record ChainSize(UUID companyId, UUID workspaceId, long size) {
    /**
     * Validates the chain size.
     *
     * @param companyId the chain's company
     * @param workspaceId the chain
     * @param size the head seq, at least 1
     */
    public ChainSize {
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(workspaceId, "workspaceId");
      requireSize("size", size, 1);
    }
  }

  /**
   * Stores a cosignature, unless one of the same witness for the same chain and size is stored.
   *
   * @param cosignature the cosignature
   * @return true when it was stored, false when the witness's cosignature was there already
   *     (the stored one is kept)
   */
  boolean addCosignature(StoredCosignature cosignature);

  /**
   * The stored cosignatures of a chain's checkpoint of {@code treeSize}, by witness label.
   *
   * @param workspaceId the chain
   * @param treeSize the checkpoint's size
   * @return the cosignatures, possibly empty
   */
  List<StoredCosignature> cosignatures(UUID workspaceId, long treeSize);

  /**
   * The size the witness last cosigned (or said it holds) for the chain; 0 when unknown.
   *
   * @param witness the witness's key label
   * @param workspaceId the chain
   * @return the size
   */
  long witnessSize(String witness, UUID workspaceId);

  /**
   * Sets the size the witness holds for the chain (it may go down: a witness that answers 409
   * with a smaller size is believed).
   *
   * @param witness the witness's key label
   * @param workspaceId the chain
   * @param size the size, at least 0
   * @param at when
   */
  void setWitnessSize(String witness, UUID workspaceId, long size, Instant at);

  /**
   * Records a refusal, once per witness, chain, size and reason.
   *
   * @param refusal the refusal
   * @return true when it is new, false when the same refusal was recorded before
   */
  boolean recordRefusal(Refusal refusal);

  /**
   * The chain's recorded refusals, newest first.
   *
   * @param workspaceId the chain
   * @param limit the most to return, at least 1
   * @return the refusals
   */
  List<Refusal> refusals(UUID workspaceId, int limit);

  /**
   * Chains whose head is beyond the size {@code witness} holds for them and whose head size it
   * has not refused, ordered by workspace id from {@code after} (exclusive; null from the
   * start): what the witnessing job submits.
   *
   * @param witness the witness's key label
   * @param after the last workspace id of the previous page, or null
   * @param limit the most to return, at least 1
   * @return the chains at their head sizes
   */
  List<ChainSize> behindWitness(String witness, UUID after, int limit);

  /**
   * The largest published checkpoint size of the chain.
   *
   * @param workspaceId the chain
   * @return the size, or empty when none was published
   */
  OptionalLong publishedSize(UUID workspaceId);

  /**
   * Chains whose head is beyond their largest published checkpoint size, ordered by workspace
   * id from {@code after} (exclusive; null from the start).
   *
   * @param after the last workspace id of the previous page, or null
   * @param limit the most to return, at least 1
   * @return the chains at their head sizes
   */
  List<ChainSize> unpublished(UUID after, int limit);

  /**
   * Records that the chain's checkpoint of {@code size} was published under {@code key}.
   *
   * @param workspaceId the chain
   * @param size the checkpoint's size, at least 1
   * @param key the archive key
   * @param at when
   * @return true when it is new, false when that size was recorded before (the first record is
   *     kept)
   */
  boolean recordPublication(UUID workspaceId, long size, String key, Instant at);

  private static void requireSize(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }

  private static void requireWitness(String witness) {
    Objects.requireNonNull(witness, "witness");
    if (witness.isEmpty() || witness.length() > MAX_WITNESS_CHARS || witness.contains("\n")) {
      throw new IllegalArgumentException("witness is a key label of 1-" + MAX_WITNESS_CHARS
          + " characters on one line, got " + witness.length() + " characters");
    }
  }

  private static void requireText(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.length() > MAX_LINE_CHARS || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(name + " is one line of 1-" + MAX_LINE_CHARS
          + " characters, got " + value.length() + " characters");
    }
  }
}
