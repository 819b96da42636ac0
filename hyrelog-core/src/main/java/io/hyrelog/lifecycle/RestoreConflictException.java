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
  public enum Reason { SEGMENT_HAS_OPEN_REQUEST, STATUS_CHANGED }

  private final Reason reason;
  private final UUID id;

  public RestoreConflictException(Reason reason, UUID id, String message) {
    super(message);
    this.reason = reason;
    this.id = id;
  }

  public Reason reason() {
    return reason;
  }

  /** The request (STATUS_CHANGED) or segment (SEGMENT_HAS_OPEN_REQUEST) concerned. */
  public UUID id() {
    return id;
  }
}
