package io.hyrelog.compliance.snapshot;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * A snapshot could not be taken, and nothing of it was recorded. {@link #reason()} says why; the
 * message names the company, period, archive key or chain, never a payload or key material.
 */
public class SnapshotException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** Why a snapshot was refused. */
  public enum Reason {
    /** The period overlaps a recorded snapshot of the company: periods never overlap. */
    OVERLAPPING_PERIOD,
    /**
     * The archive store already holds a different manifest or signature at the snapshot's key
     * (not a crashed earlier try of the same snapshot): investigate before removing it.
     */
    STORED_OBJECT_DIFFERS,
    /**
     * The archive store holds a signature over this very snapshot by a key that the signing
     * keys do not accept: accept that key (as a retired key) and take the snapshot again.
     */
    UNACCEPTED_SIGNATURE,
    /** The store returned fewer events of a chain than its seq range holds: verify the chain. */
    INCOMPLETE_CHAIN
  }

  /** Why the snapshot was refused. */
  private final Reason reason;

  /**
   * A snapshot was refused.
   *
   * @param reason why
   * @param message what was found, naming the company, period, archive key or chain
   * @throws NullPointerException when {@code reason} is null
   */
  public SnapshotException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * A snapshot was refused, with the cause.
   *
   * @param reason why
   * @param message what was found, naming the company, period, archive key or chain
   * @param cause the cause
   * @throws NullPointerException when {@code reason} is null
   */
  public SnapshotException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the snapshot was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
