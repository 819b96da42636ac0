package io.hyrelog.personal;

import io.hyrelog.HyrelogException;
import java.util.UUID;

/**
 * A personal-data request cannot change as asked: its status does not allow the move, the same
 * person tries to approve their own erasure, or another writer changed it first. Nothing was
 * written; read the request again.
 */
public final class GdprConflictException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** The request's status does not allow the move (e.g. approving a completed request). */
    NOT_ALLOWED_IN_STATUS,
    /** The approver is the requester (dual control). */
    SAME_PERSON,
    /** Another writer changed the request since it was read, or it is not stored. */
    STATUS_CHANGED
  }

  /** Why the change was refused. */
  private final Reason reason;
  /** The request concerned. */
  private final UUID id;

  /**
   * A refused change.
   *
   * @param reason why
   * @param id the request
   * @param message what happened, with the id and statuses (never the subject)
   */
  public GdprConflictException(Reason reason, UUID id, String message) {
    super(message);
    this.reason = reason;
    this.id = id;
  }

  /**
   * Why the change was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The request concerned.
   *
   * @return its id
   */
  public UUID id() {
    return id;
  }
}
