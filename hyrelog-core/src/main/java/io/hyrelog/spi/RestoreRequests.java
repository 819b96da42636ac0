package io.hyrelog.spi;

import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The restore requests of cold archive segments in one region's storage, next to the {@link
 * ArchiveCatalog} of those segments (the PostgreSQL adapter keeps both in one database). {@link
 * RestoreRequest} and {@link RestoreStatus} hold the rules; this port makes each change durable
 * so that several processes cannot both win. The testkit's {@code RestoreRequestsContract}
 * checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe and safe when several processes share the storage.
 *   <li><b>One open request per segment</b>: at most one request of a segment is {@link
 *       RestoreStatus#open() open} (PENDING up to COMPLETED) at any time.
 *   <li><b>Moves follow the table</b>: a stored request changes only through {@link #update},
 *       only to a status {@link RestoreStatus#next()} allows, and keeps its id, company,
 *       segment, tier, days, requester, estimate and creation time. A terminal request never
 *       changes again; nothing is deleted.
 *   <li><b>Exactly one writer wins</b>: {@link #update} is conditional on the stored status
 *       still being the one the caller read, so of several processes moving one request
 *       (approve and cancel, two workers claiming it) exactly one succeeds and the others get
 *       {@link RestoreConflictException} with nothing written.
 *   <li><b>The segment follows</b>: moving a request to COMPLETED sets its segment's {@link
 *       ArchiveSegment#restoredUntil()} to the request's, moving it to EXPIRED clears it (the
 *       segment is cold again), in the same atomic step as the request's change.
 *   <li>Instants keep microsecond precision (finer digits are dropped when stored), an
 *       estimate's amount six decimal places (rounded half up), and what {@link #update}
 *       returns is what is stored.
 * </ul>
 *
 * <h2>References</h2>
 * A request names an existing company and an existing segment of the catalog; callers MUST keep
 * to this (an adapter with foreign keys refuses anything else with a {@link
 * io.hyrelog.HyrelogException}).
 */
public interface RestoreRequests {
  /** The most requests one read returns. */
  int MAX_LIMIT = 500;

  /**
   * Stores a new PENDING request.
   *
   * @param r the new request
   * @throws RestoreConflictException ({@code SEGMENT_HAS_OPEN_REQUEST}) when the segment
   *     already has an open request (nothing written)
   * @throws AlreadyStoredException when a request with its id is stored
   * @throws IllegalArgumentException when the request is not PENDING
   */
  void insert(RestoreRequest r);

  /**
   * Stores {@code to}, the next state of {@code from}, if the stored request is still in {@code
   * from}'s status; moving to COMPLETED or EXPIRED also sets or clears the segment's restored
   * copy (see above).
   *
   * @param from the request as the caller last read it
   * @param to its next state
   * @return {@code to} as stored (instants at microsecond precision)
   * @throws RestoreConflictException ({@code STATUS_CHANGED}) when another writer moved the
   *     request first, or it is not stored; nothing written, read it again
   * @throws IllegalArgumentException when {@code to} is not a move of {@code from} ({@link
   *     #requireMove})
   */
  RestoreRequest update(RestoreRequest from, RestoreRequest to);

  /**
   * The request with this id (of any company), or empty.
   *
   * @param id the request's id
   * @return the request, or empty
   */
  Optional<RestoreRequest> find(UUID id);

  /**
   * Requests newest first (by creation time, ties by id descending in the order of its
   * canonical text), optionally of one company only and in one status only.
   *
   * @param limit 1..{@value #MAX_LIMIT}
   * @param companyId only this company's requests; empty for all
   * @param status only requests in this status; empty for all
   * @return at most {@code limit} requests, newest first
   * @throws IllegalArgumentException when {@code limit} is out of range
   */
  List<RestoreRequest> list(Optional<UUID> companyId, Optional<RestoreStatus> status,
      int limit);

  /**
   * Work for the restore workers: the requests in {@code status} whose last change was at or
   * before {@code changedBy}, oldest change first (ties by id).
   *
   * @param limit 1..{@value #MAX_LIMIT}
   * @param status the status
   * @param changedBy only requests last changed at or before this instant
   * @return at most {@code limit} requests, oldest change first
   * @throws IllegalArgumentException when {@code limit} is out of range
   */
  List<RestoreRequest> inStatus(RestoreStatus status, Instant changedBy, int limit);

  /**
   * COMPLETED requests whose restored copy is readable only until {@code asOf} or earlier,
   * soonest first (ties by id).
   *
   * @param limit 1..{@value #MAX_LIMIT}
   * @param asOf the expiry bound
   * @return at most {@code limit} requests, soonest expiry first
   * @throws IllegalArgumentException when {@code limit} is out of range
   */
  List<RestoreRequest> expiring(Instant asOf, int limit);

  /**
   * The argument checks of {@link #update} every implementation applies: both are one request
   * (same id, company, segment, tier, days, requester, estimate and creation time) and {@code
   * from}'s status may move to {@code to}'s.
   *
   * @param from the stored state
   * @param to the next state
   * @throws IllegalArgumentException naming the request and both statuses
   */
  static void requireMove(RestoreRequest from, RestoreRequest to) {
    boolean same = from.id().equals(to.id()) && from.companyId().equals(to.companyId())
        && from.segmentId().equals(to.segmentId()) && from.tier() == to.tier()
        && from.days() == to.days() && from.requestedBy().equals(to.requestedBy())
        && from.requestedByEmail().equals(to.requestedByEmail())
        && from.estimatedCost().equals(to.estimatedCost())
        && from.createdAt().equals(to.createdAt());
    if (!same || !from.status().canMoveTo(to.status())) {
      throw new IllegalArgumentException("restore request " + to.id() + ": " + from.status()
          + " -> " + to.status() + " is not a move of one request");
    }
  }

  /**
   * The argument check of the reads.
   *
   * @param limit the requested page size
   * @throws IllegalArgumentException when {@code limit} is not 1..{@value #MAX_LIMIT}
   */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
