package io.hyrelog.lifecycle;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a restore request stands. The allowed moves are an explicit table ({@link #next()}):
 *
 * <pre>
 * PENDING     → APPROVED | REJECTED | CANCELLED   (admin decides; the customer may cancel)
 * APPROVED    → INITIATING | CANCELLED            (a worker claims it; an admin may still cancel)
 * INITIATING  → IN_PROGRESS | FAILED              (the store accepted or refused the restore)
 * IN_PROGRESS → COMPLETED | FAILED                (the store reports the copy readable, or fails)
 * COMPLETED   → EXPIRED                           (the restored copy's time is up: cold again)
 * EXPIRED, REJECTED, CANCELLED, FAILED            terminal
 * </pre>
 *
 * A restore cannot be cancelled once the store was asked (S3 has no "cancel restore").
 */
public enum RestoreStatus {
  /** Asked for; waits for an admin. */
  PENDING,
  /** Approved; waits for a worker. */
  APPROVED,
  /** A worker claimed it and is asking the store. */
  INITIATING,
  /** The store is restoring the object. */
  IN_PROGRESS,
  /** The restored copy is readable. */
  COMPLETED,
  /** The restored copy's time is up: the segment is cold again. */
  EXPIRED,
  /** An admin refused it. */
  REJECTED,
  /** The customer or an admin withdrew it. */
  CANCELLED,
  /** The store refused or failed the restore. */
  FAILED;

  private static final Map<RestoreStatus, Set<RestoreStatus>> NEXT =
      new EnumMap<>(RestoreStatus.class);

  static {
    NEXT.put(PENDING, Collections.unmodifiableSet(EnumSet.of(APPROVED, REJECTED, CANCELLED)));
    NEXT.put(APPROVED, Collections.unmodifiableSet(EnumSet.of(INITIATING, CANCELLED)));
    NEXT.put(INITIATING, Collections.unmodifiableSet(EnumSet.of(IN_PROGRESS, FAILED)));
    NEXT.put(IN_PROGRESS, Collections.unmodifiableSet(EnumSet.of(COMPLETED, FAILED)));
    NEXT.put(COMPLETED, Collections.unmodifiableSet(EnumSet.of(EXPIRED)));
    for (RestoreStatus s : values()) {
      NEXT.putIfAbsent(s, Collections.unmodifiableSet(EnumSet.noneOf(RestoreStatus.class)));
    }
  }

  /**
   * The statuses this one may move to (empty for a terminal status).
   *
   * @return the next statuses
   */
  public Set<RestoreStatus> next() {
    return NEXT.get(this);
  }

  /**
   * Whether moving from this status to {@code to} is allowed.
   *
   * @param to the next status
   * @return true when allowed
   */
  public boolean canMoveTo(RestoreStatus to) {
    return NEXT.get(this).contains(to);
  }

  /**
   * Whether nothing can happen to a request in this status any more.
   *
   * @return true for a terminal status
   */
  public boolean terminal() {
    return NEXT.get(this).isEmpty();
  }

  /**
   * Whether a request in this status still holds its segment: at most one open request per
   * segment (PENDING up to COMPLETED).
   *
   * @return true while the request holds its segment
   */
  public boolean open() {
    return !terminal();
  }

  /**
   * Checks a move.
   *
   * @param to the next status
   * @throws IllegalRestoreTransitionException naming both statuses and the allowed moves
   */
  public void requireMoveTo(RestoreStatus to) {
    if (!canMoveTo(to)) {
      throw new IllegalRestoreTransitionException(this, to);
    }
  }
}
