package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.SnapshotCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link SnapshotCatalog} in memory, beside the {@link InMemoryEventStore} and {@link
 * InMemoryArchiveCatalog} whose events and archival ranges decide a period's seq range: the
 * twin of the PostgreSQL catalog, passing {@code SnapshotCatalogContract} (one snapshot per
 * company and period, a snapshot recorded whole or not at all, a chain range sealed once,
 * microsecond instants). Nothing survives the JVM. Thread-safe (one lock).
 */
public final class InMemorySnapshotCatalog implements SnapshotCatalog {
  private static final Comparator<SealedRange> RANGE_ORDER = Comparator
      .comparing(SealedRange::workspaceId, StoredValues.ID_ORDER)
      .thenComparingLong(SealedRange::fromSeq);

  private record Period(UUID companyId, Instant from, Instant to) {}

  private record RangeKey(UUID workspaceId, long fromSeq) {}

  private final InMemoryEventStore events;
  private final InMemoryArchiveCatalog archive;
  private final Map<UUID, Snapshot> snapshots = new LinkedHashMap<>();
  private final Map<Period, UUID> byPeriod = new HashMap<>();
  private final Set<String> manifestKeys = new HashSet<>();
  private final Set<String> signatureKeys = new HashSet<>();
  private final Map<RangeKey, UUID> sealedBy = new HashMap<>();
  private final Map<UUID, List<SealedRange>> sealed = new HashMap<>();

  /**
   * The catalog of the snapshots of {@code events}' chains, archived into {@code archive}.
   *
   * @param events the store whose events the snapshots cover
   * @param archive the catalog of the events' archival ranges
   */
  public InMemorySnapshotCatalog(InMemoryEventStore events, InMemoryArchiveCatalog archive) {
    this.events = Objects.requireNonNull(events, "events");
    this.archive = Objects.requireNonNull(archive, "archive");
  }

  @Override
  public synchronized Optional<Snapshot> find(UUID companyId, Instant from, Instant to) {
    return Optional.ofNullable(byPeriod.get(new Period(companyId, StoredValues.instant(from),
        StoredValues.instant(to)))).map(snapshots::get);
  }

  @Override
  public synchronized Optional<Snapshot> overlapping(UUID companyId, Instant from, Instant to) {
    return snapshots.values().stream()
        .filter(s -> s.companyId().equals(companyId) && s.from().isBefore(to)
            && s.to().isAfter(from))
        .min(Comparator.comparing(Snapshot::from));
  }

  @Override
  public Optional<SealedRange> periodRange(UUID workspaceId, Instant from, Instant to) {
    // The first seq recorded at or after `from`; then up to the seq before the first one (at
    // or after it) recorded at or after `to`, or the chain's last.
    long first = -1;
    long last = -1;
    for (AuditEvent e : events.hotEvents(workspaceId)) {
      if (first < 0) {
        if (e.recordedAt().isBefore(from)) {
          continue;
        }
        first = e.seq();
      }
      if (!e.recordedAt().isBefore(to)) {
        last = e.seq() - 1;
        break;
      }
      last = e.seq();
    }
    return first < 0 || last < first ? Optional.empty()
        : Optional.of(new SealedRange(workspaceId, first, last));
  }

  @Override
  public OptionalLong purgedScanStart(UUID workspaceId, Instant from) {
    return archive.purgedScanStart(workspaceId, LocalDate.ofInstant(from, ZoneOffset.UTC));
  }

  @Override
  public synchronized boolean record(Snapshot s, List<SealedRange> ranges) {
    Snapshot stored = new Snapshot(s.id(), s.companyId(), StoredValues.instant(s.from()),
        StoredValues.instant(s.to()), s.manifestSha256(), s.manifestKey(), s.signatureKey(),
        s.keyName(), s.keyId(), s.chains(), s.events(), StoredValues.instant(s.createdAt()));
    Period period = new Period(stored.companyId(), stored.from(), stored.to());
    if (byPeriod.containsKey(period)) {
      return false;
    }
    // Every unique key first, so a refused snapshot leaves nothing behind.
    Set<RangeKey> keys = new HashSet<>();
    boolean taken = snapshots.containsKey(s.id()) || manifestKeys.contains(s.manifestKey())
        || signatureKeys.contains(s.signatureKey());
    for (SealedRange r : ranges) {
      RangeKey k = new RangeKey(r.workspaceId(), r.fromSeq());
      taken |= sealedBy.containsKey(k) || !keys.add(k);
    }
    if (taken) {
      throw new AlreadyStoredException("snapshot " + s.id() + " (or its manifest, its"
          + " signature or one of its sealed ranges) is already stored");
    }
    snapshots.put(stored.id(), stored);
    byPeriod.put(period, stored.id());
    manifestKeys.add(stored.manifestKey());
    signatureKeys.add(stored.signatureKey());
    keys.forEach(k -> sealedBy.put(k, stored.id()));
    List<SealedRange> sorted = new ArrayList<>(ranges);
    sorted.sort(RANGE_ORDER);
    sealed.put(stored.id(), List.copyOf(sorted));
    return true;
  }

  @Override
  public synchronized List<SealedRange> sealed(UUID snapshotId) {
    return sealed.getOrDefault(snapshotId, List.of());
  }
}
