package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An {@link ArchiveCatalog} in memory, beside the {@link InMemoryEventStore} whose events it
 * marks, plans and purges: the twin of the PostgreSQL catalog, passing {@code
 * ArchiveCatalogContract} and {@code ArchivalScenarios} (marking by chain and running-maximum
 * UTC day, each day planned once even by racing planners, purging only verified ranges and only
 * from the hot events, microsecond instants). The {@link InMemoryRestoreRequests} and {@link
 * InMemorySnapshotCatalog} of the same storage are built on it. Nothing survives the JVM.
 * Thread-safe: one lock (this catalog's monitor), which the restore requests share so that a
 * request and its segment change together.
 */
public final class InMemoryArchiveCatalog implements ArchiveCatalog {
  private static final Comparator<ArchiveSegment> CREATION_ORDER = Comparator
      .comparing(ArchiveSegment::createdAt).thenComparing(ArchiveSegment::id,
          StoredValues.ID_ORDER);

  /** A candidate range of one chain and day. */
  private record Candidate(UUID workspaceId, long fromSeq, long toSeq, UUID companyId,
      LocalDate day) {}

  private final InMemoryEventStore events;
  private final List<Candidate> candidates = new ArrayList<>();
  private final Map<UUID, ArchiveSegment> segments = new LinkedHashMap<>();
  /** The archived (verified) ranges of each chain: from seq to to seq. */
  private final Map<UUID, TreeMap<Long, Long>> archived = new LinkedHashMap<>();

  /**
   * A catalog of {@code events}' chains.
   *
   * @param events the store whose events the catalog marks and purges
   */
  public InMemoryArchiveCatalog(InMemoryEventStore events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public synchronized long markCandidates(UUID companyId, Instant cutoff, Instant markedAt) {
    long marked = 0;
    for (UUID ws : events.heads(companyId).keySet()) {
      // The chain's last marked or archived range: marking goes on after it, never before
      // its day.
      long after = 0;
      LocalDate prevDay = null;
      for (Candidate c : candidates) {
        if (c.workspaceId().equals(ws) && c.toSeq() > after) {
          after = c.toSeq();
          prevDay = c.day();
        }
      }
      for (ArchiveSegment s : segments.values()) {
        for (Range r : s.ranges()) {
          if (r.workspaceId().equals(ws) && r.toSeq() > after) {
            after = r.toSeq();
            prevDay = s.day();
          }
        }
      }
      // Up to the seq before the first event recorded at or after the cutoff.
      List<AuditEvent> tail = new ArrayList<>();
      for (AuditEvent e : events.hotEvents(ws)) {
        if (e.seq() > after) {
          if (!e.recordedAt().isBefore(cutoff)) {
            break;
          }
          tail.add(e);
        }
      }
      Instant runningMax = null;
      Candidate open = null;
      for (AuditEvent e : tail) {
        runningMax = runningMax == null || e.recordedAt().isAfter(runningMax) ? e.recordedAt()
            : runningMax;
        LocalDate day = LocalDate.ofInstant(runningMax, ZoneOffset.UTC);
        if (prevDay != null && day.isBefore(prevDay)) {
          day = prevDay;
        }
        if (open != null && open.day().equals(day)) {
          open = new Candidate(ws, open.fromSeq(), e.seq(), companyId, day);
        } else {
          if (open != null) {
            candidates.add(open);
          }
          open = new Candidate(ws, e.seq(), e.seq(), companyId, day);
        }
        marked++;
      }
      if (open != null) {
        candidates.add(open);
      }
    }
    return marked;
  }

  @Override
  public synchronized List<LocalDate> candidateDays(UUID companyId) {
    TreeSet<LocalDate> days = new TreeSet<>();
    for (Candidate c : candidates) {
      if (c.companyId().equals(companyId)) {
        days.add(c.day());
      }
    }
    return List.copyOf(days);
  }

  @Override
  public synchronized Optional<ArchiveSegment> plan(UUID companyId, LocalDate day,
      UUID segmentId, String key, Instant now) {
    Objects.requireNonNull(segmentId, "segmentId");
    Objects.requireNonNull(key, "key");
    List<Candidate> planned = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.companyId().equals(companyId) && c.day().equals(day)) {
        planned.add(c);
      }
    }
    if (planned.isEmpty()) {
      return Optional.empty();
    }
    if (segments.containsKey(segmentId)
        || segments.values().stream().anyMatch(s -> s.key().equals(key))) {
      throw new AlreadyStoredException("archive segment " + segmentId + " (or its key) is"
          + " already stored");
    }
    planned.sort(Comparator.comparing(Candidate::workspaceId, StoredValues.ID_ORDER)
        .thenComparingLong(Candidate::fromSeq));
    Map<UUID, long[]> chains = new LinkedHashMap<>();
    for (Candidate c : planned) {
      long[] r = chains.get(c.workspaceId());
      if (r == null) {
        chains.put(c.workspaceId(), new long[] {c.fromSeq(), c.toSeq()});
      } else if (r[1] + 1 == c.fromSeq()) {
        r[1] = c.toSeq();
      } else {
        throw new IllegalStateException("candidates of chain " + c.workspaceId() + " on " + day
            + " are not contiguous (" + r[0] + ".." + r[1] + " then " + c.fromSeq() + ")");
      }
    }
    List<Range> ranges = new ArrayList<>();
    long count = 0;
    Instant min = null;
    Instant max = null;
    for (Map.Entry<UUID, long[]> e : chains.entrySet()) {
      long from = e.getValue()[0];
      long to = e.getValue()[1];
      List<AuditEvent> hot = events.hotEvents(e.getKey()).stream()
          .filter(x -> x.seq() >= from && x.seq() <= to).toList();
      if (hot.size() != to - from + 1) {
        throw new IllegalStateException("chain " + e.getKey() + " holds " + hot.size()
            + " hot events in candidate range " + from + ".." + to + ", expected "
            + (to - from + 1));
      }
      for (AuditEvent x : hot) {
        min = min == null || x.recordedAt().isBefore(min) ? x.recordedAt() : min;
        max = max == null || x.recordedAt().isAfter(max) ? x.recordedAt() : max;
      }
      ranges.add(new Range(e.getKey(), from, to, hot.get(0).prevHash(),
          hot.get(hot.size() - 1).hash()));
      count += to - from + 1;
    }
    ArchiveSegment s = new ArchiveSegment(segmentId, companyId, day, key, Status.PENDING, count,
        StoredValues.instant(min), StoredValues.instant(max), Optional.empty(),
        StoredValues.instant(now), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), ranges);
    segments.put(segmentId, s);
    candidates.removeAll(planned);
    return Optional.of(s);
  }

  @Override
  public synchronized Optional<ArchiveSegment> segment(UUID segmentId) {
    return Optional.ofNullable(segments.get(segmentId));
  }

  @Override
  public synchronized List<ArchiveSegment> segments(List<Status> statuses) {
    List<ArchiveSegment> out = new ArrayList<>();
    for (ArchiveSegment s : segments.values()) {
      if (statuses.contains(s.status())) {
        out.add(s);
      }
    }
    out.sort(CREATION_ORDER);
    return out;
  }

  @Override
  public synchronized List<ArchiveSegment> segments(UUID companyId) {
    List<ArchiveSegment> out = new ArrayList<>();
    for (ArchiveSegment s : segments.values()) {
      if (s.companyId().equals(companyId)) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(ArchiveSegment::day).thenComparing(CREATION_ORDER));
    return out;
  }

  @Override
  public synchronized void uploaded(UUID segmentId, ArchiveObject object, Instant at) {
    ArchiveSegment s = existing(segmentId);
    if (s.status() != Status.PENDING) {
      return;
    }
    Instant t = StoredValues.instant(at);
    put(s, Status.UPLOADED, Optional.of(new ArchiveObject(s.key(), object.size(),
        object.sha256(), t)), s.verifiedAt(), Optional.empty(), s.purgedAt(), s.coldAt(),
        s.restoredUntil());
  }

  @Override
  public synchronized void verified(UUID segmentId, Instant at) {
    ArchiveSegment s = uploadedOnce(segmentId);
    put(s, Status.VERIFIED, s.object(),
        Optional.of(s.verifiedAt().orElse(StoredValues.instant(at))), Optional.empty(),
        s.purgedAt(), s.coldAt(), s.restoredUntil());
    for (Range r : s.ranges()) {
      archived.computeIfAbsent(r.workspaceId(), k -> new TreeMap<>())
          .putIfAbsent(r.fromSeq(), r.toSeq());
    }
  }

  @Override
  public synchronized void failed(UUID segmentId, String error, Instant at) {
    Objects.requireNonNull(error, "error");
    ArchiveSegment s = uploadedOnce(segmentId);
    put(s, Status.FAILED, s.object(), s.verifiedAt(), Optional.of(error), s.purgedAt(),
        s.coldAt(), s.restoredUntil());
  }

  @Override
  public synchronized long purge(UUID segmentId, Instant at) {
    ArchiveSegment s = existing(segmentId);
    if (s.status() != Status.VERIFIED) {
      throw new IllegalStateException("segment " + segmentId + " is " + s.status()
          + ", expected one of [VERIFIED]");
    }
    if (s.purgedAt().isPresent()) {
      return 0;
    }
    for (Range r : s.ranges()) {
      // The narrow purge path: only seqs one archived range covers (PostgreSQL's
      // hyrelog_purge_events() refuses anything else).
      Map.Entry<Long, Long> cover = archived.getOrDefault(r.workspaceId(), new TreeMap<>())
          .floorEntry(r.fromSeq());
      if (cover == null || cover.getValue() < r.toSeq()) {
        throw new IllegalStateException("seqs " + r.fromSeq() + ".." + r.toSeq()
            + " of chain " + r.workspaceId() + " are not covered by one archived range");
      }
    }
    long n = events.purge(s.ranges());
    put(s, s.status(), s.object(), s.verifiedAt(), s.verificationError(),
        Optional.of(StoredValues.instant(at)), s.coldAt(), s.restoredUntil());
    return n;
  }

  @Override
  public synchronized int markCold(UUID companyId, Instant storedBefore, Instant at) {
    int n = 0;
    for (ArchiveSegment s : List.copyOf(segments.values())) {
      if (s.companyId().equals(companyId) && s.status() == Status.VERIFIED
          && s.coldAt().isEmpty() && s.object().orElseThrow().storedAt().isBefore(storedBefore)) {
        put(s, s.status(), s.object(), s.verifiedAt(), s.verificationError(), s.purgedAt(),
            Optional.of(StoredValues.instant(at)), s.restoredUntil());
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized boolean expire(UUID segmentId, Instant at) {
    ArchiveSegment s = existing(segmentId);
    if (s.status() == Status.EXPIRED) {
      return false;
    }
    if (s.status() != Status.VERIFIED || s.purgedAt().isEmpty()) {
      throw new IllegalStateException("segment " + segmentId + " is " + s.status()
          + (s.purgedAt().isEmpty() ? " and not purged" : "") + ", expected VERIFIED and purged");
    }
    segments.put(s.id(), new ArchiveSegment(s.id(), s.companyId(), s.day(), s.key(),
        Status.EXPIRED, s.events(), s.minRecordedAt(), s.maxRecordedAt(), s.object(),
        s.createdAt(), s.verifiedAt(), s.verificationError(), s.purgedAt(), s.coldAt(),
        Optional.empty(), Optional.of(StoredValues.instant(at)), s.ranges()));
    return true;
  }

  /**
   * Sets or clears a segment's restored copy (the restore requests of this storage complete
   * and expire it); nothing when the segment is unknown.
   */
  synchronized void restoredUntil(UUID segmentId, Optional<Instant> until) {
    ArchiveSegment s = segments.get(segmentId);
    if (s != null) {
      put(s, s.status(), s.object(), s.verifiedAt(), s.verificationError(), s.purgedAt(),
          s.coldAt(), StoredValues.instant(until));
    }
  }

  /**
   * The first seq of the chain's ranges (in segments and candidates) whose UTC day is {@code
   * day} or later, when a purged segment holds one of them; empty otherwise. See {@link
   * io.hyrelog.spi.SnapshotCatalog#purgedScanStart}.
   */
  synchronized OptionalLong purgedScanStart(UUID workspaceId, LocalDate day) {
    boolean purged = false;
    long first = Long.MAX_VALUE;
    for (ArchiveSegment s : segments.values()) {
      if (s.day().isBefore(day)) {
        continue;
      }
      for (Range r : s.ranges()) {
        if (r.workspaceId().equals(workspaceId)) {
          first = Math.min(first, r.fromSeq());
          purged |= s.purgedAt().isPresent();
        }
      }
    }
    for (Candidate c : candidates) {
      if (c.workspaceId().equals(workspaceId) && !c.day().isBefore(day)) {
        first = Math.min(first, c.fromSeq());
      }
    }
    return purged ? OptionalLong.of(first) : OptionalLong.empty();
  }

  private ArchiveSegment existing(UUID segmentId) {
    ArchiveSegment s = segments.get(segmentId);
    if (s == null) {
      throw new IllegalStateException("segment " + segmentId + " does not exist");
    }
    return s;
  }

  private ArchiveSegment uploadedOnce(UUID segmentId) {
    ArchiveSegment s = segments.get(segmentId);
    if (s == null || s.status() == Status.PENDING || s.status() == Status.EXPIRED) {
      throw new IllegalStateException("segment " + segmentId
          + " does not exist, was never uploaded or has expired");
    }
    return s;
  }

  private void put(ArchiveSegment s, Status status, Optional<ArchiveObject> object,
      Optional<Instant> verifiedAt, Optional<String> error, Optional<Instant> purgedAt,
      Optional<Instant> coldAt, Optional<Instant> restoredUntil) {
    segments.put(s.id(), new ArchiveSegment(s.id(), s.companyId(), s.day(), s.key(), status,
        s.events(), s.minRecordedAt(), s.maxRecordedAt(), object, s.createdAt(), verifiedAt,
        error, purgedAt, coldAt, restoredUntil, s.expiredAt(), s.ranges()));
  }
}
