package io.hyrelog.lifecycle;

import io.hyrelog.HyrelogException;

/**
 * A restore request was asked to move somewhere its status does not allow (for example
 * approving a rejected request, or cancelling one whose restore has started). Nothing changed;
 * read the request again to see where it stands.
 */
public final class IllegalRestoreTransitionException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  private final RestoreStatus from;
  private final RestoreStatus to;

  public IllegalRestoreTransitionException(RestoreStatus from, RestoreStatus to) {
    super("a restore request cannot move from " + from + " to " + to + " (from " + from
        + " it may move to " + (from.terminal() ? "nothing: " + from + " is final"
            : from.next().toString()) + ")");
    this.from = from;
    this.to = to;
  }

  public RestoreStatus from() {
    return from;
  }

  public RestoreStatus to() {
    return to;
  }
}
