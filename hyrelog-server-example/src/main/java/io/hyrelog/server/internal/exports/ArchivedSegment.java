package io.hyrelog.server.internal.exports;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One verified archive segment: a company's events of one UTC day, one seq range per chain.
 *
 * @param key the object key in the archive store
 * @param minRecordedAt the earliest {@code recordedAt} of its events
 * @param maxRecordedAt the latest {@code recordedAt} of its events
 * @param coldNotRestored whether it sits in the cold tier without a current restore (reading
 *     it would fail)
 * @param expired whether its archive retention ended: its seqs are gone by policy, so exports
 *     count them as covered and read nothing
 */
public record ArchivedSegment(UUID id, LocalDate day, String key, Instant minRecordedAt,
    Instant maxRecordedAt, List<ArchivedRange> ranges, boolean coldNotRestored,
    boolean expired) {
  /** A segment that has not expired. */
  public ArchivedSegment(UUID id, LocalDate day, String key, Instant minRecordedAt,
      Instant maxRecordedAt, List<ArchivedRange> ranges, boolean coldNotRestored) {
    this(id, day, key, minRecordedAt, maxRecordedAt, ranges, coldNotRestored, false);
  }

  public ArchivedSegment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(minRecordedAt, "minRecordedAt");
    Objects.requireNonNull(maxRecordedAt, "maxRecordedAt");
    ranges = List.copyOf(ranges);
    if (maxRecordedAt.isBefore(minRecordedAt)) {
      throw new IllegalArgumentException("maxRecordedAt " + maxRecordedAt
          + " is before minRecordedAt " + minRecordedAt);
    }
  }

  /** The range of {@code workspaceId}'s chain in this segment, or {@code null}. */
  public ArchivedRange range(UUID workspaceId) {
    for (ArchivedRange r : ranges) {
      if (r.workspaceId().equals(workspaceId)) {
        return r;
      }
    }
    return null;
  }
}
