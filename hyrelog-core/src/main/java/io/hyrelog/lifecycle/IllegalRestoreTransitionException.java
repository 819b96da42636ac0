package io.hyrelog.lifecycle;

import io.hyrelog.HyrelogException;

/**
 * A restore request was asked to move somewhere its status does not allow (for example
 * approving a rejected request, or cancelling one whose restore has started). Nothing changed;
 * read the request again to see where it stands.
 */
public final class IllegalRestoreTransitionException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** The status the request was in. */
  private final RestoreStatus from;
  /** The status it was asked to move to. */
  private final RestoreStatus to;

  /**
   * A move the status table does not allow.
   *
   * @param from the status the request is in
   * @param to the status it was asked to move to
   */
  public IllegalRestoreTransitionException(RestoreStatus from, RestoreStatus to) {
    super("a restore request cannot move from " + from + " to " + to + " (from " + from
        + " it may move to " + (from.terminal() ? "nothing: " + from + " is final"
            : from.next().toString()) + ")");
    this.from = from;
    this.to = to;
  }

  /**
   * The status the request was in.
   *
   * @return the status
   */
  public RestoreStatus from() {
    return from;
  }

  /**
   * The status it was asked to move to.
   *
   * @return the status
   */
  public RestoreStatus to() {
    return to;
  }
}
