package io.hyrelog.spi;

import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The personal-data requests of one region's storage. {@link GdprRequest} holds the rules; this
 * port makes each change durable so that several processes cannot both win. The testkit's
 * {@code GdprRequestsContract} checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe and safe when several processes share the storage.
 *   <li><b>Moves follow the table</b>: a stored request changes only through {@link #update},
 *       only as {@link GdprRequestStatus#next()} allows, and keeps its id, company, scope, type,
 *       subject kind, key and hash, reason, requester, filing and due time. A final request
 *       never changes again; nothing is deleted.
 *   <li><b>Exactly one writer wins</b>: {@link #update} is conditional on the stored status and
 *       update time still being the caller's, so of two approvals, an approval and a
 *       cancellation, or two workers claiming a request, exactly one succeeds and the others get
 *       {@link GdprConflictException} ({@code STATUS_CHANGED}) with nothing written.
 *   <li><b>Dual control</b>: an erasure's approver is never its requester (the PostgreSQL
 *       adapter's constraint refuses it whoever writes).
 *   <li>Instants keep microsecond precision; what {@link #update} returns is what is stored.
 * </ul>
 * A request names an existing company; callers MUST keep to this.
 */
public interface GdprRequests {
  /** The most requests one read returns. */
  int MAX_LIMIT = 500;

  /**
   * Stores a new request (PENDING_APPROVAL, or APPROVED for an access request).
   *
   * @param r the new request
   * @throws AlreadyStoredException when a request with its id is stored
   * @throws IllegalArgumentException when the request is not new
   */
  void insert(GdprRequest r);

  /**
   * Stores {@code to}, the next state of {@code from}, if the stored request is still {@code
   * from} (same status and update time).
   *
   * @param from the request as the caller last read it
   * @param to its next state
   * @return {@code to} as stored
   * @throws GdprConflictException ({@code STATUS_CHANGED}) when another writer changed it
   *     first, or it is not stored; nothing written
   * @throws IllegalArgumentException when {@code to} is not a move of {@code from}
   */
  GdprRequest update(GdprRequest from, GdprRequest to);

  /**
   * The request with this id (of any company), or empty.
   *
   * @param id the id
   * @return the request
   */
  Optional<GdprRequest> find(UUID id);

  /**
   * One company's requests, newest first (filing time descending, then id descending), after a
   * cursor.
   *
   * @param companyId the company
   * @param status only this status; empty for all
   * @param after the last request of the previous page; empty for the first page
   * @param limit 1..{@value #MAX_LIMIT}
   * @return at most {@code limit} requests
   */
  List<GdprRequest> list(UUID companyId, Optional<GdprRequestStatus> status,
      Optional<Cursor> after, int limit);

  /**
   * Work for the {@code gdpr.erase} job: requests in {@code status}, oldest filing first (ties
   * by id), of every company.
   *
   * @param status APPROVED or RUNNING
   * @param limit 1..{@value #MAX_LIMIT}
   * @return at most {@code limit} requests
   */
  List<GdprRequest> inStatus(GdprRequestStatus status, int limit);

  /**
   * How many requests are open (not final) and past their due date.
   *
   * @param asOf now
   * @return the count
   */
  long countOverdue(Instant asOf);

  /**
   * A position in {@link #list}'s order.
   *
   * @param filedAt the last request's filing time
   * @param id the last request's id
   */
  record Cursor(Instant filedAt, UUID id) {
    /**
     * Validates.
     *
     * @param filedAt the last request's filing time
     * @param id the last request's id
     */
    public Cursor {
      Objects.requireNonNull(filedAt, "filedAt");
      Objects.requireNonNull(id, "id");
    }

    /**
     * The cursor after {@code r}.
     *
     * @param r the last request of a page
     * @return the cursor
     */
    public static Cursor after(GdprRequest r) {
      return new Cursor(r.filedAt(), r.id());
    }
  }

  /**
   * The argument checks of {@link #update}: one request, and a move the table allows.
   *
   * @param from the stored state
   * @param to the next state
   * @throws IllegalArgumentException naming the request and both statuses
   */
  static void requireMove(GdprRequest from, GdprRequest to) {
    boolean same = from.id().equals(to.id()) && from.companyId().equals(to.companyId())
        && from.workspaceId().equals(to.workspaceId()) && from.type() == to.type()
        && from.subjectKind() == to.subjectKind() && from.subjectKey().equals(to.subjectKey())
        && from.subjectHash().equals(to.subjectHash()) && from.reason().equals(to.reason())
        && from.requester().equals(to.requester()) && from.filedAt().equals(to.filedAt());
    if (!same || !from.status().canMoveTo(to.status())) {
      throw new IllegalArgumentException("gdpr request " + to.id() + ": " + from.status()
          + " -> " + to.status() + " is not a move of one request");
    }
  }

  /**
   * The argument check of {@link #insert}.
   *
   * @param r the request
   * @throws IllegalArgumentException when it is not as {@link GdprRequest#file} makes it
   */
  static void requireNew(GdprRequest r) {
    GdprRequestStatus expected = r.type() == io.hyrelog.personal.GdprRequestType.ACCESS
        ? GdprRequestStatus.APPROVED : GdprRequestStatus.PENDING_APPROVAL;
    if (r.status() != expected) {
      throw new IllegalArgumentException("a new " + r.type() + " request is " + expected
          + ", got " + r.status());
    }
  }

  /**
   * The argument check of the reads.
   *
   * @param limit the page size
   * @throws IllegalArgumentException when not 1..{@value #MAX_LIMIT}
   */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
