package io.hyrelog.personal;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a personal-data request stands. The moves are {@code PENDING_APPROVAL → APPROVED →
 * RUNNING → COMPLETED}, or {@code REJECTED} / {@code CANCELLED} from PENDING_APPROVAL, or
 * {@code FAILED} from RUNNING; a RUNNING request may also stay RUNNING (progress is recorded).
 * The PostgreSQL adapter's trigger holds the same table.
 */
public enum GdprRequestStatus {
  /** Filed; waits for a second person's decision (erasures only). */
  PENDING_APPROVAL,
  /** Approved (access requests are filed so); waits for the {@code gdpr.erase} job. */
  APPROVED,
  /** Claimed by the job; progress is recorded so a crashed run resumes. */
  RUNNING,
  /** Done; the result holds the proof. The subject's value is no longer stored. */
  COMPLETED,
  /** Refused by the approver. */
  REJECTED,
  /** Withdrawn while pending. */
  CANCELLED,
  /** The job gave up; the failure says why. */
  FAILED;

  /**
   * The statuses this one may move to (a RUNNING request may also be rewritten in place).
   *
   * @return the next statuses; empty for a final status
   */
  public Set<GdprRequestStatus> next() {
    return switch (this) {
      case PENDING_APPROVAL -> EnumSet.of(APPROVED, REJECTED, CANCELLED);
      case APPROVED -> EnumSet.of(RUNNING);
      case RUNNING -> EnumSet.of(RUNNING, COMPLETED, FAILED);
      case COMPLETED, REJECTED, CANCELLED, FAILED -> EnumSet.noneOf(GdprRequestStatus.class);
    };
  }

  /**
   * Whether a request in this status may move to {@code to}.
   *
   * @param to the next status
   * @return true when the table allows it
   */
  public boolean canMoveTo(GdprRequestStatus to) {
    return next().contains(to);
  }

  /**
   * Whether nothing follows this status.
   *
   * @return true for COMPLETED, REJECTED, CANCELLED and FAILED
   */
  public boolean isFinal() {
    return next().isEmpty();
  }
}
