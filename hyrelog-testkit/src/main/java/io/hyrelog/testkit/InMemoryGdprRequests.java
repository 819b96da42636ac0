package io.hyrelog.testkit;

import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.GdprRequests;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link GdprRequests} in memory: the twin of the PostgreSQL adapter, passing {@code
 * GdprRequestsContract} (moves only along {@link GdprRequestStatus}'s table, conditional on the
 * state read so racing writers get one winner). Nothing survives the JVM. Thread-safe.
 */
public final class InMemoryGdprRequests implements GdprRequests {
  private static final Comparator<GdprRequest> NEWEST_FIRST = Comparator
      .comparing(GdprRequest::filedAt)
      .thenComparing(GdprRequest::id, StoredValues.ID_ORDER).reversed();
  private static final Comparator<GdprRequest> OLDEST_FIRST = Comparator
      .comparing(GdprRequest::filedAt)
      .thenComparing(GdprRequest::id, StoredValues.ID_ORDER);

  private final Map<UUID, GdprRequest> requests = new LinkedHashMap<>();

  @Override
  public synchronized void insert(GdprRequest r) {
    GdprRequests.requireNew(r);
    if (requests.containsKey(r.id())) {
      throw new AlreadyStoredException("gdpr request " + r.id() + " is already stored");
    }
    requests.put(r.id(), r);
  }

  @Override
  public synchronized GdprRequest update(GdprRequest from, GdprRequest to) {
    GdprRequests.requireMove(from, to);
    GdprRequest current = requests.get(to.id());
    if (current == null || !current.equals(from)) {
      throw new GdprConflictException(GdprConflictException.Reason.STATUS_CHANGED, to.id(),
          "gdpr request " + to.id() + " changed since it was read (it is no longer "
              + from.status() + " as read); read it again");
    }
    requests.put(to.id(), to);
    return to;
  }

  @Override
  public synchronized Optional<GdprRequest> find(UUID id) {
    return Optional.ofNullable(requests.get(id));
  }

  @Override
  public synchronized List<GdprRequest> list(UUID companyId, Optional<GdprRequestStatus> status,
      Optional<Cursor> after, int limit) {
    GdprRequests.requireLimit(limit);
    return requests.values().stream()
        .filter(r -> r.companyId().equals(companyId))
        .filter(r -> status.isEmpty() || r.status() == status.get())
        .filter(r -> after.isEmpty() || r.filedAt().isBefore(after.get().filedAt())
            || r.filedAt().equals(after.get().filedAt())
            && StoredValues.ID_ORDER.compare(r.id(), after.get().id()) < 0)
        .sorted(NEWEST_FIRST).limit(limit).toList();
  }

  @Override
  public synchronized List<GdprRequest> inStatus(GdprRequestStatus status, int limit) {
    GdprRequests.requireLimit(limit);
    return requests.values().stream().filter(r -> r.status() == status).sorted(OLDEST_FIRST)
        .limit(limit).toList();
  }

  @Override
  public synchronized long countOverdue(Instant asOf) {
    return requests.values().stream().filter(r -> r.overdue(asOf)).count();
  }
}
