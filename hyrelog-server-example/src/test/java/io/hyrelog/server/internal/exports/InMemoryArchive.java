package io.hyrelog.server.internal.exports;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventScope;
import io.hyrelog.spi.EventQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An in-memory {@link ArchiveSource} holding real {@link AuditEvent}s, and an in-memory hot
 * store from which archived ranges can be purged. The real archive source comes from the
 * archival work (segments in the archive store, listed from {@code archive_segments}); this one
 * lets the merge be tested against any archived/purged boundaries, including a purge that runs
 * while an export is being written ({@link #onRead}).
 */
final class InMemoryArchive implements ArchiveSource {
  private final List<ArchivedSegment> segments = new ArrayList<>();
  private final Map<UUID, List<AuditEvent>> files = new HashMap<>();
  private final Map<UUID, Consumer<ArchivedSegment>> onRead = new HashMap<>();
  int reads;

  /** Adds a VERIFIED segment whose file holds {@code events} in this order. */
  ArchivedSegment add(LocalDate day, List<AuditEvent> events, boolean cold) {
    Map<UUID, long[]> ranges = new java.util.LinkedHashMap<>();
    Instant min = null;
    Instant max = null;
    for (AuditEvent e : events) {
      ranges.merge(e.workspaceId(), new long[] {e.seq(), e.seq()},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
      min = min == null || e.recordedAt().isBefore(min) ? e.recordedAt() : min;
      max = max == null || e.recordedAt().isAfter(max) ? e.recordedAt() : max;
    }
    List<ArchivedRange> rs = new ArrayList<>();
    ranges.forEach((ws, r) -> rs.add(new ArchivedRange(ws, r[0], r[1])));
    UUID id = UUID.nameUUIDFromBytes(("seg-" + segments.size()).getBytes());
    Instant t = day.atStartOfDay().toInstant(ZoneOffset.UTC);
    ArchivedSegment s = new ArchivedSegment(id, day, "archives/" + day + "/" + id + ".jsonl.gz",
        min == null ? t : min, max == null ? t : max, rs, cold);
    segments.add(s);
    files.put(id, List.copyOf(events));
    return s;
  }

  /** The file of a segment, without the read hooks. */
  List<AuditEvent> files(ArchivedSegment segment) {
    return files.get(segment.id());
  }

  /** Runs {@code action} when {@code segment} is read (e.g. a purge during the export). */
  void onRead(ArchivedSegment segment, Consumer<ArchivedSegment> action) {
    onRead.put(segment.id(), action);
  }

  @Override
  public List<ArchivedSegment> segments(UUID companyId) {
    List<ArchivedSegment> out = new ArrayList<>(segments);
    out.sort(java.util.Comparator.comparing(ArchivedSegment::day)
        .thenComparing(ArchivedSegment::key));
    return out;
  }

  @Override
  public Stream<AuditEvent> read(ArchivedSegment segment) {
    reads++;
    Consumer<ArchivedSegment> a = onRead.remove(segment.id());
    if (a != null) {
      a.accept(segment);
    }
    return files.get(segment.id()).stream();
  }

  /** The hot store: whole chains, of which a prefix may have been purged. */
  static final class Hot implements HotEvents {
    private final Map<UUID, List<AuditEvent>> chains;
    final Map<UUID, Long> purgedTo = new HashMap<>();
    boolean closed;

    Hot(Map<UUID, List<AuditEvent>> chains) {
      this.chains = chains;
    }

    @Override
    public OptionalLong firstSeq(UUID chain, long after, long upTo) {
      long lo = Math.max(after, purgedTo.getOrDefault(chain, 0L)) + 1;
      long n = chains.getOrDefault(chain, List.of()).size();
      return lo <= Math.min(upTo, n) ? OptionalLong.of(lo) : OptionalLong.empty();
    }

    @Override
    public Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter,
        boolean continuous) {
      long purged = purgedTo.getOrDefault(chain, 0L);
      return chains.getOrDefault(chain, List.of()).stream()
          .filter(e -> e.seq() > after && e.seq() <= upTo && e.seq() > purged)
          .filter(filter::matches);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static EventQuery all(UUID company) {
    return EventQuery.builder(EventScope.company(company)).build();
  }
}
