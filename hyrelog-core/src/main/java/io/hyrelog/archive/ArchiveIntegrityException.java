package io.hyrelog.archive;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * An archive object does not hold what the catalog recorded: it is missing, its bytes hash to
 * something else, or the chains inside do not verify or do not match the recorded ranges. The
 * object must not be trusted; its hot rows (if any are left) must not be purged. Investigate
 * the store (who changed the object) and restore it from a copy whose SHA-256 matches.
 */
public final class ArchiveIntegrityException extends HyrelogException {
  /** What is wrong with the object. */
  private final Problem problem;

  /** What is wrong with the object. */
  public enum Problem {
    /** The store has no object under the segment's key. */
    OBJECT_MISSING,
    /** The object's size differs from the recorded size. */
    SIZE_MISMATCH,
    /** The object's SHA-256 differs from the recorded one. */
    SHA256_MISMATCH,
    /** An event inside does not verify (hash, link, order, format). */
    CHAIN_INVALID,
    /** The chains verify but are not exactly the recorded ranges and boundary hashes. */
    RANGE_MISMATCH,
    /** The object cannot be read from the store. */
    UNREADABLE,
    /**
     * A sealed personal value does not open under its existing subject keys, or opens to bytes
     * that do not match its commitment ({@link SealedValueException}); the chain may still
     * verify, but the object was altered.
     */
    SEALED_VALUE_INVALID
  }

  /**
   * A segment object that does not match its record.
   *
   * @param problem what is wrong
   * @param message the segment, key and the numbers that differ
   */
  public ArchiveIntegrityException(Problem problem, String message) {
    super(problem + ": " + message);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /**
   * A segment object that does not match its record, with the cause.
   *
   * @param problem what is wrong
   * @param message the segment, key and the numbers that differ
   * @param cause the underlying failure
   */
  public ArchiveIntegrityException(Problem problem, String message, Throwable cause) {
    super(problem + ": " + message, cause);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /**
   * What is wrong with the object.
   *
   * @return the problem
   */
  public Problem problem() {
    return problem;
  }
}
