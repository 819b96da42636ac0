package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.ExportJobs;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@link ExportJobs} in memory, beside the {@link InMemoryEventStore} whose chains they export:
 * the twin of the PostgreSQL adapter, passing {@code ExportJobsContract} (jobs stored whole and
 * scoped to their company, heads that survive purging, a bounded count, and snapshots that keep
 * seeing the events as they were at their first read). Nothing survives the JVM. Thread-safe
 * (one lock); a {@link HotSnapshot} is not.
 */
public final class InMemoryExportJobs implements ExportJobs {
  private final InMemoryEventStore events;
  private final Map<UUID, Job> jobs = new HashMap<>();

  /**
   * Export jobs of {@code events}' chains.
   *
   * @param events the store whose events the jobs read
   */
  public InMemoryExportJobs(InMemoryEventStore events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public synchronized void insert(Job j) {
    if (jobs.containsKey(j.id())) {
      throw new AlreadyStoredException("export job " + j.id() + " is already stored");
    }
    jobs.put(j.id(), new Job(j.id(), j.companyId(), j.scopeWorkspaceId(), j.keyId(),
        j.requestedBy(), j.source(),
        j.format(), j.filters(), j.rowLimit(), j.heads(), j.segmentIds(), j.status(),
        j.rowsExported(), j.bytes(), j.truncated(), j.downloads(),
        StoredValues.instant(j.createdAt()), StoredValues.instant(j.startedAt()),
        StoredValues.instant(j.finishedAt()), j.error()));
  }

  @Override
  public synchronized Optional<Job> find(UUID companyId, UUID id) {
    return Optional.ofNullable(jobs.get(id)).filter(j -> j.companyId().equals(companyId));
  }

  @Override
  public void started(UUID id, Instant at) {
    change(id, j -> new Job(j.id(), j.companyId(), j.scopeWorkspaceId(), j.keyId(),
        j.requestedBy(), j.source(),
        j.format(), j.filters(), j.rowLimit(), j.heads(), j.segmentIds(), "RUNNING",
        j.rowsExported(), j.bytes(), j.truncated(), j.downloads() + 1, j.createdAt(),
        StoredValues.instant(at), null, null));
  }

  @Override
  public void finished(UUID id, long rows, long bytes, boolean truncated, Instant at,
      String error) {
    change(id, j -> new Job(j.id(), j.companyId(), j.scopeWorkspaceId(), j.keyId(),
        j.requestedBy(), j.source(),
        j.format(), j.filters(), j.rowLimit(), j.heads(), j.segmentIds(),
        error == null ? "COMPLETED" : "FAILED", rows, bytes, truncated, j.downloads(),
        j.createdAt(), j.startedAt(), StoredValues.instant(at), error));
  }

  private synchronized void change(UUID id, UnaryOperator<Job> next) {
    Job j = jobs.get(id);
    if (j == null) {
      throw new HyrelogException("export job " + id + " is not stored");
    }
    jobs.put(id, next.apply(j));
  }

  @Override
  public SortedMap<UUID, Long> heads(UUID companyId, UUID workspaceIdOrNull) {
    SortedMap<UUID, Long> out = new TreeMap<>(CHAIN_ORDER);
    events.heads(companyId).forEach((ws, head) -> {
      if (workspaceIdOrNull == null || workspaceIdOrNull.equals(ws)) {
        out.put(ws, head);
      }
    });
    return out;
  }

  @Override
  public long countUpTo(EventQuery filter, Map<UUID, Long> heads, long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    long n = 0;
    for (Map.Entry<UUID, Long> h : heads.entrySet()) {
      for (AuditEvent e : events.hotEvents(h.getKey())) {
        if (n == max) {
          return n;
        }
        if (e.seq() <= h.getValue() && filter.matches(e)) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public HotSnapshot snapshot() {
    return new HotSnapshot() {
      // The hot events as of the first read, taken whole like a REPEATABLE READ transaction.
      private Map<UUID, List<AuditEvent>> seen;

      private List<AuditEvent> chain(UUID chain) {
        if (seen == null) {
          seen = events.hotEvents();
        }
        return seen.getOrDefault(chain, List.of());
      }

      @Override
      public OptionalLong firstSeq(UUID chain, long after, long upTo) {
        return chain(chain).stream().mapToLong(AuditEvent::seq)
            .filter(s -> s > after && s <= upTo).findFirst();
      }

      @Override
      public Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter) {
        return chain(chain).stream()
            .filter(e -> e.seq() > after && e.seq() <= upTo && filter.matches(e));
      }

      @Override
      public void close() {
        seen = null;
      }
    };
  }
}
