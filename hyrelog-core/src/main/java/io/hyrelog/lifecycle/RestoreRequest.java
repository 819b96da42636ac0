package io.hyrelog.lifecycle;

import static io.hyrelog.lifecycle.RestoreStatus.APPROVED;
import static io.hyrelog.lifecycle.RestoreStatus.CANCELLED;
import static io.hyrelog.lifecycle.RestoreStatus.COMPLETED;
import static io.hyrelog.lifecycle.RestoreStatus.EXPIRED;
import static io.hyrelog.lifecycle.RestoreStatus.FAILED;
import static io.hyrelog.lifecycle.RestoreStatus.INITIATING;
import static io.hyrelog.lifecycle.RestoreStatus.IN_PROGRESS;
import static io.hyrelog.lifecycle.RestoreStatus.PENDING;
import static io.hyrelog.lifecycle.RestoreStatus.REJECTED;

import io.hyrelog.RestoreTier;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A customer's request to make one cold archive segment readable again. Immutable; every change
 * is a method returning the next value, checked against the {@link RestoreStatus} table (an
 * illegal move throws {@link IllegalRestoreTransitionException}), and the compact constructor
 * checks that the fields agree with the status (the database's CHECK constraints say the same).
 *
 * @param id the request's id
 * @param companyId the company that asked
 * @param segmentId the archive segment (the "archive id" users see)
 * @param tier the retrieval tier
 * @param days how long the restored copy stays readable (1..365; the policy narrows it)
 * @param status where the request stands
 * @param requestedBy the dashboard user id of the requester
 * @param requestedByEmail the requester's email
 * @param estimatedCost the cost estimate made when the request was created
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param approvedBy the admin who approved it (set from APPROVED on)
 * @param approvedAt when it was approved
 * @param rejectedBy the admin who rejected it (REJECTED only)
 * @param rejectedAt when it was rejected
 * @param rejectionReason why (REJECTED only)
 * @param cancelledBy who cancelled it: the customer (PENDING) or an admin (CANCELLED only)
 * @param cancelledAt when it was cancelled
 * @param initiatedAt when a worker claimed it to ask the store (from INITIATING on)
 * @param completedAt when the store reported the copy readable (COMPLETED, EXPIRED)
 * @param restoredUntil until when the restored copy is readable (COMPLETED, EXPIRED)
 * @param expiredAt when the expiry job returned the segment to cold (EXPIRED only)
 * @param failure what went wrong (FAILED only)
 */
public record RestoreRequest(
    UUID id,
    UUID companyId,
    UUID segmentId,
    RestoreTier tier,
    int days,
    RestoreStatus status,
    String requestedBy,
    String requestedByEmail,
    CostEstimate estimatedCost,
    Instant createdAt,
    Instant updatedAt,
    Optional<String> approvedBy,
    Optional<Instant> approvedAt,
    Optional<String> rejectedBy,
    Optional<Instant> rejectedAt,
    Optional<String> rejectionReason,
    Optional<String> cancelledBy,
    Optional<Instant> cancelledAt,
    Optional<Instant> initiatedAt,
    Optional<Instant> completedAt,
    Optional<Instant> restoredUntil,
    Optional<Instant> expiredAt,
    Optional<String> failure) {

  /** The longest rejection reason, in characters. */
  public static final int MAX_REASON = 500;
  /** Failure texts longer than this are cut (they come from store exceptions). */
  public static final int MAX_FAILURE = 1000;

  private static final Set<RestoreStatus> APPROVED_SET =
      EnumSet.of(APPROVED, INITIATING, IN_PROGRESS, COMPLETED, EXPIRED, FAILED);
  private static final Set<RestoreStatus> INITIATED_SET =
      EnumSet.of(INITIATING, IN_PROGRESS, COMPLETED, EXPIRED, FAILED);
  private static final Set<RestoreStatus> COMPLETED_SET = EnumSet.of(COMPLETED, EXPIRED);

  /**
   * Validates the request: the fields set match its status.
   *
   * @param id the request's id
   * @param companyId the company that asked
   * @param segmentId the archive segment (the "archive id" users see)
   * @param tier the retrieval tier
   * @param days how long the restored copy stays readable (1..365; the policy narrows it)
   * @param status where the request stands
   * @param requestedBy the dashboard user id of the requester
   * @param requestedByEmail the requester's email
   * @param estimatedCost the cost estimate made when the request was created
   * @param createdAt when it was created
   * @param updatedAt when it last changed
   * @param approvedBy the admin who approved it (set from APPROVED on)
   * @param approvedAt when it was approved
   * @param rejectedBy the admin who rejected it (REJECTED only)
   * @param rejectedAt when it was rejected
   * @param rejectionReason why (REJECTED only)
   * @param cancelledBy who cancelled it: the customer (PENDING) or an admin (CANCELLED only)
   * @param cancelledAt when it was cancelled
   * @param initiatedAt when a worker claimed it to ask the store (from INITIATING on)
   * @param completedAt when the store reported the copy readable (COMPLETED, EXPIRED)
   * @param restoredUntil until when the restored copy is readable (COMPLETED, EXPIRED)
   * @param expiredAt when the expiry job returned the segment to cold (EXPIRED only)
   * @param failure what went wrong (FAILED only)
   */
  public RestoreRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(segmentId, "segmentId");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(status, "status");
    requireText("requestedBy", requestedBy, 256);
    requireText("requestedByEmail", requestedByEmail, 320);
    Objects.requireNonNull(estimatedCost, "estimatedCost");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (days < 1 || days > 365) {
      throw new IllegalArgumentException("restore days must be 1..365, got " + days);
    }
    boolean approved = both("approvedBy", approvedBy, "approvedAt", approvedAt);
    boolean rejected = both("rejectedBy", rejectedBy, "rejectedAt", rejectedAt);
    Objects.requireNonNull(rejectionReason, "rejectionReason");
    boolean cancelled = both("cancelledBy", cancelledBy, "cancelledAt", cancelledAt);
    Objects.requireNonNull(initiatedAt, "initiatedAt");
    boolean completed = both("completedAt", completedAt, "restoredUntil", restoredUntil);
    Objects.requireNonNull(expiredAt, "expiredAt");
    Objects.requireNonNull(failure, "failure");
    // CANCELLED may come from PENDING (never approved) or APPROVED.
    if (status != CANCELLED) {
      agree(status, "approvedBy/approvedAt", approved, APPROVED_SET.contains(status));
    }
    agree(status, "rejectedBy/rejectedAt", rejected, status == REJECTED);
    agree(status, "rejectionReason", rejectionReason.isPresent(), status == REJECTED);
    agree(status, "cancelledBy/cancelledAt", cancelled, status == CANCELLED);
    agree(status, "initiatedAt", initiatedAt.isPresent(), INITIATED_SET.contains(status));
    agree(status, "completedAt/restoredUntil", completed, COMPLETED_SET.contains(status));
    agree(status, "expiredAt", expiredAt.isPresent(), status == EXPIRED);
    agree(status, "failure", failure.isPresent(), status == FAILED);
  }

  /**
   * A new PENDING request.
   *
   * @param id the request's id
   * @param companyId the company
   * @param segmentId the segment to restore
   * @param tier how fast to restore
   * @param days how long the copy stays readable
   * @param requestedBy who asked (a user id)
   * @param requestedByEmail the requester's email
   * @param estimatedCost the estimated cost
   * @param at when it was asked
   * @return the request
   */
  public static RestoreRequest create(UUID id, UUID companyId, UUID segmentId, RestoreTier tier,
      int days, String requestedBy, String requestedByEmail, CostEstimate estimatedCost,
      Instant at) {
    return new RestoreRequest(id, companyId, segmentId, tier, days, PENDING, requestedBy,
        requestedByEmail, estimatedCost, at, at, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * PENDING → APPROVED, by an admin.
   *
   * @param by who approved
   * @param at when
   * @return the approved request
   */
  public RestoreRequest approve(String by, Instant at) {
    status.requireMoveTo(APPROVED);
    requireText("approvedBy", by, 256);
    return with(APPROVED, at, Optional.of(by), Optional.of(at), rejectedBy, rejectedAt,
        rejectionReason, cancelledBy, cancelledAt, initiatedAt, completedAt, restoredUntil,
        expiredAt, failure);
  }

  /**
   * PENDING → REJECTED, by an admin, with a reason (1..500 characters).
   *
   * @param by who rejected
   * @param reason why
   * @param at when
   * @return the rejected request
   */
  public RestoreRequest reject(String by, String reason, Instant at) {
    status.requireMoveTo(REJECTED);
    requireText("rejectedBy", by, 256);
    requireText("reason", reason, MAX_REASON);
    return with(REJECTED, at, approvedBy, approvedAt, Optional.of(by), Optional.of(at),
        Optional.of(reason), cancelledBy, cancelledAt, initiatedAt, completedAt, restoredUntil,
        expiredAt, failure);
  }

  /**
   * PENDING or APPROVED → CANCELLED.
   *
   * @param by who cancelled
   * @param at when
   * @return the cancelled request
   */
  public RestoreRequest cancel(String by, Instant at) {
    status.requireMoveTo(CANCELLED);
    requireText("cancelledBy", by, 256);
    return with(CANCELLED, at, approvedBy, approvedAt, rejectedBy, rejectedAt, rejectionReason,
        Optional.of(by), Optional.of(at), initiatedAt, completedAt, restoredUntil, expiredAt,
        failure);
  }

  /**
   * APPROVED → INITIATING: a worker claimed it and is about to ask the store.
   *
   * @param at when
   * @return the request, INITIATING
   */
  public RestoreRequest initiating(Instant at) {
    status.requireMoveTo(INITIATING);
    return with(INITIATING, at, approvedBy, approvedAt, rejectedBy, rejectedAt,
        rejectionReason, cancelledBy, cancelledAt, Optional.of(at), completedAt, restoredUntil,
        expiredAt, failure);
  }

  /**
   * INITIATING → IN_PROGRESS: the store accepted the restore.
   *
   * @param at when
   * @return the request, IN_PROGRESS
   */
  public RestoreRequest inProgress(Instant at) {
    status.requireMoveTo(IN_PROGRESS);
    return with(IN_PROGRESS, at, approvedBy, approvedAt, rejectedBy, rejectedAt,
        rejectionReason, cancelledBy, cancelledAt, initiatedAt, completedAt, restoredUntil,
        expiredAt, failure);
  }

  /**
   * IN_PROGRESS → COMPLETED: the copy is readable until {@code until}.
   *
   * @param until when the restored copy expires
   * @param at when
   * @return the request, COMPLETED
   */
  public RestoreRequest complete(Instant until, Instant at) {
    status.requireMoveTo(COMPLETED);
    Objects.requireNonNull(until, "until");
    return with(COMPLETED, at, approvedBy, approvedAt, rejectedBy, rejectedAt,
        rejectionReason, cancelledBy, cancelledAt, initiatedAt, Optional.of(at),
        Optional.of(until), expiredAt, failure);
  }

  /**
   * COMPLETED → EXPIRED: the copy's time is up and the segment is cold again.
   *
   * @param at when
   * @return the request, EXPIRED
   */
  public RestoreRequest expire(Instant at) {
    status.requireMoveTo(EXPIRED);
    return with(EXPIRED, at, approvedBy, approvedAt, rejectedBy, rejectedAt, rejectionReason,
        cancelledBy, cancelledAt, initiatedAt, completedAt, restoredUntil, Optional.of(at),
        failure);
  }

  /**
   * INITIATING or IN_PROGRESS → FAILED, with what went wrong (cut to 1000 characters).
   *
   * @param message what went wrong (no secrets)
   * @param at when
   * @return the request, FAILED
   */
  public RestoreRequest fail(String message, Instant at) {
    status.requireMoveTo(FAILED);
    String m = message == null || message.isBlank() ? "unknown failure" : message.strip();
    if (m.length() > MAX_FAILURE) {
      m = m.substring(0, MAX_FAILURE - 1) + "…";
    }
    return with(FAILED, at, approvedBy, approvedAt, rejectedBy, rejectedAt, rejectionReason,
        cancelledBy, cancelledAt, initiatedAt, completedAt, restoredUntil, expiredAt,
        Optional.of(m));
  }

  private RestoreRequest with(RestoreStatus s, Instant at, Optional<String> apBy,
      Optional<Instant> apAt, Optional<String> rjBy, Optional<Instant> rjAt,
      Optional<String> rjReason, Optional<String> cnBy, Optional<Instant> cnAt,
      Optional<Instant> init, Optional<Instant> done, Optional<Instant> until,
      Optional<Instant> exp, Optional<String> fail) {
    Objects.requireNonNull(at, "at");
    return new RestoreRequest(id, companyId, segmentId, tier, days, s, requestedBy,
        requestedByEmail, estimatedCost, createdAt, at, apBy, apAt, rjBy, rjAt, rjReason, cnBy,
        cnAt, init, done, until, exp, fail);
  }

  private static void requireText(String name, String value, int max) {
    Objects.requireNonNull(value, name);
    if (value.isBlank() || value.length() > max) {
      throw new IllegalArgumentException(name + " must be 1.." + max
          + " characters and not blank (got " + value.length() + ")");
    }
  }

  private static boolean both(String an, Optional<?> a, String bn, Optional<?> b) {
    Objects.requireNonNull(a, an);
    Objects.requireNonNull(b, bn);
    if (a.isPresent() != b.isPresent()) {
      throw new IllegalArgumentException(an + " and " + bn + " are set together");
    }
    return a.isPresent();
  }

  private static void agree(RestoreStatus s, String fields, boolean present, boolean expected) {
    if (present != expected) {
      throw new IllegalArgumentException("a " + s + " restore request " + (expected
          ? "needs " : "has no ") + fields);
    }
  }
}
