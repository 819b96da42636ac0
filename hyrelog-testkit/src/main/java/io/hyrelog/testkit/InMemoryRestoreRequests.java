package io.hyrelog.testkit;

import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.RestoreRequests;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link RestoreRequests} in memory, beside the {@link InMemoryArchiveCatalog} of the segments
 * they restore: the twin of the PostgreSQL adapter, passing {@code RestoreRequestsContract} (one
 * open request per segment, moves only along {@link RestoreStatus}'s table and conditional on
 * the status read so racing writers get one winner, the segment's restored copy set and cleared
 * with the request, microsecond instants, estimates to six decimal places). Nothing survives the
 * JVM. Thread-safe: it shares the catalog's lock, so a request and its segment change together.
 */
public final class InMemoryRestoreRequests implements RestoreRequests {
  private static final Comparator<RestoreRequest> BY_ID = Comparator
      .comparing(RestoreRequest::id, StoredValues.ID_ORDER);

  private final InMemoryArchiveCatalog catalog;
  private final Map<UUID, RestoreRequest> requests = new LinkedHashMap<>();

  /**
   * The restore requests of {@code catalog}'s segments.
   *
   * @param catalog the catalog whose segments the requests restore
   */
  public InMemoryRestoreRequests(InMemoryArchiveCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  public void insert(RestoreRequest r) {
    if (r.status() != RestoreStatus.PENDING) {
      throw new IllegalArgumentException("a new restore request is PENDING, got " + r.status());
    }
    synchronized (catalog) {
      if (requests.containsKey(r.id())) {
        throw new AlreadyStoredException("restore request " + r.id() + " is already stored");
      }
      for (RestoreRequest other : requests.values()) {
        if (other.segmentId().equals(r.segmentId()) && other.status().open()) {
          throw new RestoreConflictException(
              RestoreConflictException.Reason.SEGMENT_HAS_OPEN_REQUEST, r.segmentId(),
              "archive segment " + r.segmentId() + " already has an open restore request");
        }
      }
      requests.put(r.id(), stored(r));
    }
  }

  @Override
  public RestoreRequest update(RestoreRequest from, RestoreRequest to) {
    RestoreRequests.requireMove(from, to);
    synchronized (catalog) {
      RestoreRequest current = requests.get(to.id());
      if (current == null || current.status() != from.status()) {
        throw new RestoreConflictException(RestoreConflictException.Reason.STATUS_CHANGED,
            to.id(), "restore request " + to.id() + " is no longer " + from.status()
                + " (changed by another request or worker); read it again");
      }
      RestoreRequest next = stored(to);
      requests.put(next.id(), next);
      if (next.status() == RestoreStatus.COMPLETED) {
        catalog.restoredUntil(next.segmentId(), next.restoredUntil());
      } else if (next.status() == RestoreStatus.EXPIRED) {
        catalog.restoredUntil(next.segmentId(), Optional.empty());
      }
      return next;
    }
  }

  @Override
  public Optional<RestoreRequest> find(UUID id) {
    synchronized (catalog) {
      return Optional.ofNullable(requests.get(id));
    }
  }

  @Override
  public List<RestoreRequest> list(Optional<UUID> companyId, Optional<RestoreStatus> status,
      int limit) {
    RestoreRequests.requireLimit(limit);
    return select(r -> companyId.map(r.companyId()::equals).orElse(true)
            && status.map(s -> r.status() == s).orElse(true),
        Comparator.comparing(RestoreRequest::createdAt).thenComparing(BY_ID).reversed(),
        limit);
  }

  @Override
  public List<RestoreRequest> inStatus(RestoreStatus status, Instant changedBy, int limit) {
    RestoreRequests.requireLimit(limit);
    Instant by = StoredValues.instant(changedBy);
    return select(r -> r.status() == status && !r.updatedAt().isAfter(by),
        Comparator.comparing(RestoreRequest::updatedAt).thenComparing(BY_ID), limit);
  }

  @Override
  public List<RestoreRequest> expiring(Instant asOf, int limit) {
    RestoreRequests.requireLimit(limit);
    Instant by = StoredValues.instant(asOf);
    Function<RestoreRequest, Instant> until = r -> r.restoredUntil().orElseThrow();
    return select(r -> r.status() == RestoreStatus.COMPLETED && !until.apply(r).isAfter(by),
        Comparator.comparing(until).thenComparing(BY_ID), limit);
  }

  private List<RestoreRequest> select(Predicate<RestoreRequest> p,
      Comparator<RestoreRequest> order, int limit) {
    List<RestoreRequest> out = new ArrayList<>();
    synchronized (catalog) {
      for (RestoreRequest r : requests.values()) {
        if (p.test(r)) {
          out.add(r);
        }
      }
    }
    out.sort(order);
    return List.copyOf(out.subList(0, Math.min(limit, out.size())));
  }

  /** {@code r} as stored: instants at microseconds, the estimate at six decimal places. */
  private static RestoreRequest stored(RestoreRequest r) {
    CostEstimate cost = new CostEstimate(r.estimatedCost().amount().setScale(6,
        RoundingMode.HALF_UP), r.estimatedCost().currency());
    return new RestoreRequest(r.id(), r.companyId(), r.segmentId(), r.tier(), r.days(),
        r.status(), r.requestedBy(), r.requestedByEmail(), cost,
        StoredValues.instant(r.createdAt()), StoredValues.instant(r.updatedAt()),
        r.approvedBy(), StoredValues.instant(r.approvedAt()), r.rejectedBy(),
        StoredValues.instant(r.rejectedAt()), r.rejectionReason(), r.cancelledBy(),
        StoredValues.instant(r.cancelledAt()), StoredValues.instant(r.initiatedAt()),
        StoredValues.instant(r.completedAt()), StoredValues.instant(r.restoredUntil()),
        StoredValues.instant(r.expiredAt()), r.failure());
  }
}
