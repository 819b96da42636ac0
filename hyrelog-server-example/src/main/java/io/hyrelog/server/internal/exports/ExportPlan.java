package io.hyrelog.server.internal.exports;

import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.ExportJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What one export reads, fixed when its job is created, so that every download of the job
 * writes the same events in the same order.
 *
 * @param filter the scope and filters (its limit and cursor are not used)
 * @param heads the head seq of each chain in scope at creation; nothing above is exported
 * @param segments the archive segments read first (archived sources), in (day, key) order
 * @param limit the most rows written; {@link Long#MAX_VALUE} for no limit
 */
record ExportPlan(UUID companyId, ExportSource source, EventQuery filter,
    Map<UUID, Long> heads, List<ArchivedSegment> segments, long limit) {
  ExportPlan {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(filter, "filter");
    TreeMap<UUID, Long> h = new TreeMap<>(ExportJobs.CHAIN_ORDER);
    h.putAll(heads);
    heads = Collections.unmodifiableSortedMap(h);
    segments = List.copyOf(segments);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
  }

  /**
   * How far an event's {@code timestamp} may lie before its {@code recordedAt}: the ingest
   * limit (30 days by default in {@code EventLimits}) with a day of margin.
   */
  static final Duration TS_BEFORE_RECORDED = Duration.ofDays(31);
  /** How far it may lie after: the ingest limit (5 minutes) with margin. */
  static final Duration TS_AFTER_RECORDED = Duration.ofHours(1);

  /**
   * Whether a segment may hold events matching the time filter, judged conservatively from its
   * recorded-at bounds (the filter is on the client's {@code timestamp}).
   */
  boolean mayMatch(ArchivedSegment s) {
    Instant from = filter.from();
    Instant to = filter.to();
    return (to == null || s.minRecordedAt().minus(TS_BEFORE_RECORDED).isBefore(to))
        && (from == null || !s.maxRecordedAt().plus(TS_AFTER_RECORDED).isBefore(from));
  }

  /** Whether a segment holds seqs of a chain in scope, at most its head. */
  boolean inScope(ArchivedSegment s) {
    for (ArchivedRange r : s.ranges()) {
      Long head = heads.get(r.workspaceId());
      if (head != null && r.fromSeq() <= head) {
        return true;
      }
    }
    return false;
  }
}
