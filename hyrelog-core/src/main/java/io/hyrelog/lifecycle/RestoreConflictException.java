package io.hyrelog.lifecycle;

import io.hyrelog.HyrelogException;
import java.util.UUID;

/**
 * A restore request could not be stored as asked because of another one: the segment already
 * has an open request ({@link Reason#SEGMENT_HAS_OPEN_REQUEST}), or the request changed since it
 * was read (another process moved it first: {@link Reason#STATUS_CHANGED}). Nothing was written;
 * read the request again.
 */
public final class RestoreConflictException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** The segment already has an open restore request. */
    SEGMENT_HAS_OPEN_REQUEST,
    /** Another writer moved the request first, or it is no longer in the status read. */
    STATUS_CHANGED
  }

  /** Why the conflict happened. */
  private final Reason reason;
  /** The request or segment concerned. */
  private final UUID id;

  /**
   * A restore request write that lost to another.
   *
   * @param reason why
   * @param id the request (STATUS_CHANGED) or segment (SEGMENT_HAS_OPEN_REQUEST) concerned
   * @param message what happened, with ids and statuses
   */
  public RestoreConflictException(Reason reason, UUID id, String message) {
    super(message);
    this.reason = reason;
    this.id = id;
  }

  /**
   * Why the conflict happened.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The request (STATUS_CHANGED) or segment (SEGMENT_HAS_OPEN_REQUEST) concerned.
   *
   * @return the id
   */
  public UUID id() {
    return id;
  }
}
