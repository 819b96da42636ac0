package io.hyrelog.integrity;

/** Why a chain failed verification. Stable names: the CLI and the HTTP API print them. */
public enum FailureReason {
  /** The event's recomputed hash differs from its stated hash: a covered field was changed. */
  HASH_MISMATCH,
  /** The event's {@code prevHash} is not the previous event's hash. */
  BROKEN_LINK,
  /** One or more seqs are missing before this one. */
  GAP,
  /** A seq appears again (a duplicated, re-ordered or forked event). */
  DUPLICATE,
  /** An event of a chain other than the one(s) being verified. */
  WRONG_CHAIN,
  /** A disclosed personal value and salt do not match the event's commitment. */
  BAD_COMMITMENT,
  /** The events do not match a checkpoint (size, Merkle root or head hash). */
  CHECKPOINT_MISMATCH,
  /** A line is not a well-formed event (not I-JSON, unknown field, wrong type). */
  MALFORMED,
  /**
   * An archive segment holding part of the chain is missing or is not what was recorded when it
   * was stored (size, SHA-256 or chain ranges).
   */
  ARCHIVE_MISMATCH
}
