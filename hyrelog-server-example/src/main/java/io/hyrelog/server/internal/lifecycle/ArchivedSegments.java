package io.hyrelog.server.internal.lifecycle;

import io.hyrelog.AuditEvent;
import io.hyrelog.archive.Archival;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.exports.ArchiveSource;
import io.hyrelog.server.internal.exports.ArchivedRange;
import io.hyrelog.server.internal.exports.ArchivedSegment;
import io.hyrelog.spi.ArchiveSegment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The exports' view of the archive: a company's segments that verified once (a segment that
 * failed a later audit is listed too, so reading it fails loudly instead of its seqs going
 * missing), read through {@link Archival#read}, which checks every event, the chain ranges and
 * the object's SHA-256. Expired segments are listed as such: their seqs are gone by policy and
 * are not read.
 */
public final class ArchivedSegments implements ArchiveSource {
  private final List<Archival> archives;
  private final Clock clock;

  /** The segments of every region's archive (each read through its handlers' archival). */
  public ArchivedSegments(Regions regions, Clock clock) {
    this.archives = regions.all().stream().map(Region::archival).toList();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<ArchivedSegment> segments(UUID companyId) {
    List<ArchivedSegment> out = new ArrayList<>();
    archives.forEach(archival -> {
      for (ArchiveSegment s : archival.segments(companyId)) {
        if (s.verifiedAt().isEmpty()) {
          continue;
        }
        out.add(new ArchivedSegment(s.id(), s.day(), s.key(), s.minRecordedAt(),
            s.maxRecordedAt(), s.ranges().stream().map(r -> new ArchivedRange(r.workspaceId(),
                r.fromSeq(), r.toSeq())).toList(), s.coldAndNotRestoredAt(clock.instant()),
            s.status() == ArchiveSegment.Status.EXPIRED));
      }
    });
    return out;
  }

  @Override
  public Stream<AuditEvent> read(ArchivedSegment segment) {
    // Read again from the catalog: what is checked is the record, never the caller's copy.
    for (Archival archival : archives) {
      Optional<ArchiveSegment> s = archival.segment(segment.id());
      if (s.isPresent()) {
        return archival.read(s.get());
      }
    }
    throw new IllegalStateException("archive segment " + segment.id() + " does not exist");
  }
}
