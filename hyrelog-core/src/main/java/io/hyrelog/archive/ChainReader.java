package io.hyrelog.archive;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.internal.LazyStreams;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.spi.EventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Reads and verifies one chain across the hot/archive boundary: the catalog says which seqs
 * were purged into which segments; those come from the segments (verified as they stream), the
 * rest from the hot store, opened one part after the other so memory stays that of one event.
 */
final class ChainReader {
  private final EventStore events;
  private final ArchiveCatalog catalog;
  private final SegmentReader segments;
  private final Clock clock;

  ChainReader(EventStore events, ArchiveCatalog catalog, SegmentReader segments, Clock clock) {
    this.events = events;
    this.catalog = catalog;
    this.segments = segments;
    this.clock = clock;
  }

  /** See {@link Archival#readChain}: sealed personal values opened where the keys exist. */
  Stream<AuditEvent> readChain(EventScope chain, long fromSeq, long toSeq) {
    return readChain(chain, fromSeq, toSeq, true);
  }

  /**
   * As {@link #readChain(EventScope, long, long)}; without {@code open}, sealed values read as
   * erased (verification needs no key).
   */
  private Stream<AuditEvent> readChain(EventScope chain, long fromSeq, long toSeq,
      boolean open) {
    EventStore.requireRange(chain, fromSeq, toSeq);
    UUID ws = chain.workspaceId();
    List<ArchiveSegment> all = catalog.segments(chain.companyId());
    // Expired seqs are gone by policy: the read starts after them.
    long from = Math.max(fromSeq, expiredPrefix(ws, all).map(ExpiredPrefix::throughSeq)
        .orElse(0L) + 1);
    if (from > toSeq) {
      return Stream.empty();
    }
    long purgedThrough = 0;
    List<ArchiveSegment> sources = new ArrayList<>();
    for (ArchiveSegment s : all) {
      if (s.purgedAt().isEmpty()) {
        continue;
      }
      for (Range r : s.ranges()) {
        if (r.workspaceId().equals(ws)) {
          purgedThrough = Math.max(purgedThrough, r.toSeq());
          if (s.status() != Status.EXPIRED && r.fromSeq() <= toSeq && r.toSeq() >= from) {
            sources.add(s);
          }
        }
      }
    }
    Instant now = clock.instant();
    List<UUID> cold = sources.stream().filter(s -> s.coldAndNotRestoredAt(now))
        .map(ArchiveSegment::id).toList();
    if (!cold.isEmpty()) {
      throw new ColdSegmentException(cold);
    }
    // Opened one after the other as they are used up (flatMap would buffer a whole part).
    List<Supplier<Stream<AuditEvent>>> parts = new ArrayList<>();
    for (ArchiveSegment s : sources) {
      parts.add(() -> segments.read(s, open).filter(e -> e.workspaceId().equals(ws) && e.seq() >= from
          && e.seq() <= toSeq));
    }
    long hotFrom = Math.max(from, purgedThrough + 1);
    if (hotFrom <= toSeq) {
      parts.add(() -> events.read(chain, hotFrom, toSeq));
    }
    return LazyStreams.concat(parts);
  }

  /** See {@link Archival#expiredPrefix}. */
  Optional<ExpiredPrefix> expiredPrefix(EventScope chain) {
    return expiredPrefix(chain.requireWorkspace().workspaceId(),
        catalog.segments(chain.companyId()));
  }

  /** The chain's expired prefix among the company's segments: the last expired seq and hash. */
  static Optional<ExpiredPrefix> expiredPrefix(UUID ws, List<ArchiveSegment> companySegments) {
    return Optional.ofNullable(expiredPrefixes(companySegments).get(ws));
  }

  /** Every chain's expired prefix among the company's segments, by workspace id. */
  static Map<UUID, ExpiredPrefix> expiredPrefixes(List<ArchiveSegment> companySegments) {
    Map<UUID, ExpiredPrefix> out = new LinkedHashMap<>();
    for (ArchiveSegment s : companySegments) {
      if (s.status() == Status.EXPIRED) {
        for (Range r : s.ranges()) {
          out.merge(r.workspaceId(), new ExpiredPrefix(r.workspaceId(), r.toSeq(),
              r.lastHash()), (a, b) -> a.throughSeq() >= b.throughSeq() ? a : b);
        }
      }
    }
    return out;
  }

  /** See {@link Archival#verifyChain}. */
  VerificationReport verifyChain(EventScope chain, boolean rereadArchive) {
    UUID ws = chain.requireWorkspace().workspaceId();
    Optional<ChainHead> head = events.head(chain);
    long headSeq = head.map(ChainHead::seq).orElse(0L);
    long boundary = 0;
    Digest boundaryHash = Digest.ZERO;
    if (rereadArchive) {
      // Reading from seq 1 starts after an expired prefix, at the seq linking to its hash.
      Optional<ExpiredPrefix> expired = expiredPrefix(chain);
      if (expired.isPresent()) {
        boundary = expired.get().throughSeq();
        boundaryHash = expired.get().lastHash();
      }
    } else {
      for (ArchiveSegment s : catalog.segments(chain.companyId())) {
        for (Range r : s.ranges()) {
          if (s.purgedAt().isPresent() && r.workspaceId().equals(ws) && r.toSeq() > boundary) {
            boundary = r.toSeq();
            boundaryHash = r.lastHash();
          }
        }
      }
    }
    ChainVerifier.Builder b = ChainVerifier.builder().expectChains(List.of(ws));
    if (boundary == 0) {
      b.requireCompleteChains();
    }
    ChainVerifier v = b.build();
    IntegrityFailure extra = null;
    if (headSeq > 0) {
      try {
        extra = verifyEvents(chain, rereadArchive, headSeq, boundary, boundaryHash, v);
      } catch (ArchiveIntegrityException e) {
        extra = new IntegrityFailure(ws, -1, -1,
            FailureReason.ARCHIVE_MISMATCH, e.getMessage());
      }
    }
    VerificationReport r = v.finish();
    if (extra == null && r.ok()) {
      long last = r.chains().isEmpty() ? boundary : r.chains().get(0).lastSeq();
      Digest lastHash = r.chains().isEmpty() ? boundaryHash : r.chains().get(0).headHash();
      if (last != headSeq || (headSeq > 0 && !lastHash.equals(head.get().hash()))) {
        extra = new IntegrityFailure(ws, last + 1, 0,
            FailureReason.GAP, "the stored events end at seq " + last
                + (last == headSeq ? " with another hash than" : " but") + " the chain head (seq "
                + headSeq + ")");
      }
    }
    return extra == null ? r : new VerificationReport(r.events(), r.chains(),
        r.checkpointsChecked(), Optional.of(extra));
  }

  private IntegrityFailure verifyEvents(EventScope chain,
      boolean rereadArchive, long headSeq, long boundary, Digest boundaryHash,
      ChainVerifier v) {
    UUID ws = chain.workspaceId();
    long from = boundary + 1;
    try (Stream<AuditEvent> s = rereadArchive ? readChain(chain, 1, headSeq, false)
        : from > headSeq ? Stream.empty() : events.read(chain, from, headSeq)) {
      boolean first = true;
      for (Iterator<AuditEvent> it = s.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        if (first && boundary > 0 && (e.seq() != from || !e.prevHash().equals(boundaryHash))) {
          return new IntegrityFailure(ws, from, 0,
              FailureReason.BROKEN_LINK, "the first hot event (seq "
                  + e.seq() + ") does not follow the archived seq " + boundary + " and its hash");
        }
        first = false;
        if (!v.accept(e)) {
          return null;
        }
      }
    }
    return null;
  }
}
