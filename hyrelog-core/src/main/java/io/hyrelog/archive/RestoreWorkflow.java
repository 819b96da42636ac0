package io.hyrelog.archive;

import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreRequests;
import io.hyrelog.spi.RestoreState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' side of restore requests over one storage (the {@link RestoreRequests} port, the
 * {@link Archival} workflow's catalog and its {@link ArchiveStore}), as three plain steps that
 * a scheduler calls with its run's {@code asOf} (no scheduling of their own; every time they
 * record is {@code asOf}). Deciding which requests are allowed and approving them is the
 * application's policy ({@link io.hyrelog.lifecycle.RestorePolicy}); this drives approved ones:
 * <ol>
 *   <li>{@link #initiate}: APPROVED → INITIATING (claimed by a conditional update, so of several
 *       processes one wins) → asks the store to restore the segment's object → IN_PROGRESS; a
 *       store refusal → FAILED with its message. A request left INITIATING for {@value
 *       #STALE_MINUTES} minutes (its worker died) is driven on: asking the store again is
 *       harmless.
 *   <li>{@link #checkStatus}: IN_PROGRESS whose object the store reports RESTORED (or READABLE:
 *       a store without a cold tier) → COMPLETED, with the request's and the segment's {@code
 *       restored_until} set to the store's expiry (or {@code asOf} + days); still in progress →
 *       unchanged; the object missing or cold again → FAILED.
 *   <li>{@link #expire}: COMPLETED with {@code restored_until <= asOf} → EXPIRED, and the
 *       segment's {@code restored_until} cleared: its data is cold again.
 * </ol>
 * Each step is idempotent: running it again finds nothing more to do. A lost race with another
 * process counts as a conflict, not an error; a store that cannot answer a status check leaves
 * the request as it was (an entry in {@link Summary#errors()}) for the next run. Each step
 * handles at most {@value #BATCH} requests per status; run it again for more. Thread-safe.
 */
public final class RestoreWorkflow {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreWorkflow.class);
  /** Minutes after which a request left INITIATING (its worker died) is driven on. */
  public static final long STALE_MINUTES = 10;
  /** Requests per status one step handles at most. */
  public static final int BATCH = 500;

  private final RestoreRequests requests;
  private final Archival archival;
  private final ArchiveStore store;

  /**
   * @param requests the restore requests of the storage whose catalog {@code archival} reads
   * @param archival the archival workflow, for the requests' segments
   * @param store the archive store holding the segments' objects
   */
  public RestoreWorkflow(RestoreRequests requests, Archival archival,
      ArchiveStore store) {
    this.requests = Objects.requireNonNull(requests, "requests");
    this.archival = Objects.requireNonNull(archival, "archival");
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * What one step did.
   *
   * @param advanced requests moved forward (initiated, completed or expired)
   * @param failed requests moved to FAILED
   * @param waiting IN_PROGRESS requests whose restore has not finished
   * @param conflicts requests another process moved first
   * @param errors transient problems (the request is left as it was and tried again next run)
   */
  public record Summary(int advanced, int failed, int waiting, int conflicts,
      List<String> errors) {
    /**
     * Copies the errors.
     *
     * @param advanced requests moved forward (initiated, completed or expired)
     * @param failed requests moved to FAILED
     * @param waiting IN_PROGRESS requests whose restore has not finished
     * @param conflicts requests another process moved first
     * @param errors transient problems (the request is left as it was and tried again next run)
     */
    public Summary {
      errors = List.copyOf(errors);
    }
  }

  /**
   * Step 1: asks the store to restore every approved request's segment. Claims each APPROVED
   * request (→ INITIATING), asks the store, then moves it to IN_PROGRESS, or to FAILED when the
   * segment left the catalog or the store refused; requests left INITIATING since {@value
   * #STALE_MINUTES} minutes before {@code asOf} are driven on the same way.
   *
   * @param asOf this run's time, recorded on every change
   * @return what the step did
   */
  public Summary initiate(Instant asOf) {
    Counter n = new Counter();
    for (RestoreRequest r : requests.inStatus(RestoreStatus.APPROVED, asOf, BATCH)) {
      RestoreRequest claimed;
      try {
        claimed = requests.update(r, r.initiating(asOf));
      } catch (RestoreConflictException e) {
        n.conflicts++;
        continue;
      }
      startRestore(claimed, asOf, n);
    }
    Instant stale = asOf.minus(Duration.ofMinutes(STALE_MINUTES));
    for (RestoreRequest r : requests.inStatus(RestoreStatus.INITIATING, stale, BATCH)) {
      LOG.info("restore request {} was left INITIATING since {}; asking the store again",
          r.id(), r.updatedAt());
      startRestore(r, asOf, n);
    }
    return n.summary();
  }

  private void startRestore(RestoreRequest r, Instant asOf, Counter n) {
    try {
      Optional<ArchiveSegment> seg = archival.segment(r.segmentId());
      if (seg.isEmpty()) {
        fail(r, "archive segment " + r.segmentId() + " is no longer in the catalog", asOf, n);
        return;
      }
      store.restore(seg.get().key(), r.days(), r.tier());
    } catch (ArchiveObjectNotFoundException | IllegalArgumentException e) {
      fail(r, "the archive store refused the restore: " + e.getMessage(), asOf, n);
      return;
    } catch (RuntimeException e) {
      // S3 unreachable, throttled, ...: the store refused; the customer asks again if needed.
      fail(r, "the archive store failed to start the restore: " + e.getMessage(), asOf, n);
      return;
    }
    try {
      requests.update(r, r.inProgress(asOf));
      n.advanced++;
    } catch (RestoreConflictException e) {
      n.conflicts++;
    }
  }

  /**
   * Step 2: completes every in-progress request whose restored copy is readable, until the
   * store's expiry (or {@code asOf} plus the request's days for a store without a cold tier).
   * A missing segment or object, or an object cold again, fails the request; a restore still
   * running counts as waiting; a store that cannot answer leaves the request for the next run.
   *
   * @param asOf this run's time, recorded on every change
   * @return what the step did
   */
  public Summary checkStatus(Instant asOf) {
    Counter n = new Counter();
    for (RestoreRequest r : requests.inStatus(RestoreStatus.IN_PROGRESS, asOf, BATCH)) {
      Optional<ArchiveSegment> seg = archival.segment(r.segmentId());
      if (seg.isEmpty()) {
        fail(r, "archive segment " + r.segmentId() + " is no longer in the catalog", asOf, n);
        continue;
      }
      RestoreState state;
      try {
        state = store.restoreState(seg.get().key());
      } catch (ArchiveObjectNotFoundException e) {
        fail(r, "the archived object " + seg.get().key() + " is missing from the store", asOf,
            n);
        continue;
      } catch (RuntimeException e) {
        n.errors.add(r.id() + ": " + e.getMessage());
        continue;
      }
      Instant until;
      switch (state.phase()) {
        case IN_PROGRESS -> {
          n.waiting++;
          continue;
        }
        case COLD -> {
          fail(r, "the store reports the object cold again before the restore was seen to"
              + " finish; create a new request", asOf, n);
          continue;
        }
        case RESTORED -> until = state.expiresAt().orElseThrow();
        default -> until = asOf.plus(Duration.ofDays(r.days()));
      }
      try {
        requests.update(r, r.complete(until, asOf));
        n.advanced++;
      } catch (RestoreConflictException e) {
        n.conflicts++;
      }
    }
    return n.summary();
  }

  /**
   * Step 3: expires every completed request whose restored copy is no longer readable ({@code
   * restored_until <= asOf}), which clears its segment's {@code restored_until}.
   *
   * @param asOf this run's time: the expiry bound, recorded on every change
   * @return what the step did
   */
  public Summary expire(Instant asOf) {
    Counter n = new Counter();
    for (RestoreRequest r : requests.expiring(asOf, BATCH)) {
      try {
        requests.update(r, r.expire(asOf));
        n.advanced++;
      } catch (RestoreConflictException e) {
        n.conflicts++;
      }
    }
    return n.summary();
  }

  private void fail(RestoreRequest r, String message, Instant asOf, Counter n) {
    try {
      requests.update(r, r.fail(message, asOf));
      n.failed++;
      LOG.warn("restore request {} failed: {}", r.id(), message);
    } catch (RestoreConflictException e) {
      n.conflicts++;
    }
  }

  private static final class Counter {
    int advanced;
    int failed;
    int waiting;
    int conflicts;
    final List<String> errors = new ArrayList<>();

    Summary summary() {
      return new Summary(advanced, failed, waiting, conflicts, errors);
    }
  }
}
