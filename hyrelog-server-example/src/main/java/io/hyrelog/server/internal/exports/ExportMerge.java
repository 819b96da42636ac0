package io.hyrelog.server.internal.exports;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The order of an export, in constant memory (one small state per chain):
 * <ul>
 *   <li>archived sources: the plan's segments in (day, key) order, each in file order;
 *   <li>HOT: per chain in {@code CHAIN_ORDER}, seq ascending;
 *   <li>HOT_AND_ARCHIVED: the segments first, then per chain the hot events above the highest
 *       seq the segments held. If the hot part of a chain starts above that (a purge ran after
 *       the job was created), the segments are listed again and the missing seqs come from
 *       the archive, in place, before the hot events.
 * </ul>
 * A seq is never written twice; nothing above the plan's heads is written. The order key
 * (chain, seq) is unique, so equal timestamps cannot reorder, skip or repeat rows. Each chain's
 * events are in seq order, so {@code hyrelog.jar verify} checks every chain across the
 * archive/hot boundary.
 */
final class ExportMerge {
  /** Receives the exported events in order. */
  interface EventSink {
    void accept(AuditEvent e) throws IOException;
  }

  /** How many rows were written, and whether more matched beyond the limit. */
  record Result(long rows, boolean truncated) {}

  private final ExportPlan plan;
  private final ArchiveSource archive;
  private final HotEvents hot;
  private final EventSink sink;
  /** Per chain: the highest seq taken from the archive (matching the filter or not). */
  private final Map<UUID, Long> covered = new HashMap<>();
  private long rows;
  private boolean truncated;

  private ExportMerge(ExportPlan plan, ArchiveSource archive, HotEvents hot, EventSink sink) {
    this.plan = plan;
    this.archive = archive;
    this.hot = hot;
    this.sink = sink;
  }

  /** Writes the plan's events to {@code sink}. {@code hot} may be null for ARCHIVED. */
  static Result run(ExportPlan plan, ArchiveSource archive, HotEvents hot, EventSink sink)
      throws IOException {
    ExportMerge m = new ExportMerge(plan, archive, hot, sink);
    m.run();
    return new Result(m.rows, m.truncated);
  }

  private void run() throws IOException {
    if (plan.source().readsArchive()) {
      for (ArchivedSegment s : plan.segments()) {
        if (s.expired() || !plan.mayMatch(s)) {
          skip(s, null);
        } else if (!segment(s, null, 0, Long.MAX_VALUE)) {
          return;
        }
      }
    }
    if (plan.source() == ExportSource.ARCHIVED) {
      return;
    }
    Set<UUID> read = new HashSet<>(); // segments read whole: nothing more to find in them
    plan.segments().forEach(s -> read.add(s.id()));
    for (Map.Entry<UUID, Long> h : plan.heads().entrySet()) {
      UUID chain = h.getKey();
      long head = h.getValue();
      long after = covered.getOrDefault(chain, 0L);
      if (after >= head) {
        continue;
      }
      if (plan.source() == ExportSource.HOT_AND_ARCHIVED) {
        OptionalLong first = hot.firstSeq(chain, after, head);
        long missingTo = first.isPresent() ? first.getAsLong() - 1 : head;
        if (missingTo > after) {
          if (!fillFromArchive(chain, after, missingTo, read)) {
            return;
          }
          after = missingTo;
        }
      }
      try (Stream<AuditEvent> events = hot.read(chain, after, head, plan.filter(),
          plan.source() == ExportSource.HOT_AND_ARCHIVED)) {
        for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
          if (!emit(it.next())) {
            return;
          }
        }
      }
    }
  }

  /**
   * Seqs {@code after+1..to} of a chain are not in the hot store: purged after the job was
   * created. They must be in segments archived since; read them from there, in place.
   */
  private boolean fillFromArchive(UUID chain, long after, long to, Set<UUID> read)
      throws IOException {
    List<ArchivedSegment> more = new ArrayList<>();
    for (ArchivedSegment s : archive.segments(plan.companyId())) {
      ArchivedRange r = s.range(chain);
      if (r != null && r.toSeq() > after && r.fromSeq() <= to && !read.contains(s.id())) {
        more.add(s);
      }
    }
    for (ArchivedSegment s : more) {
      if (s.expired() || !plan.mayMatch(s)) {
        skip(s, chain);
        continue;
      }
      if (s.coldNotRestored()) {
        throw new HyrelogException("seqs " + (after + 1) + ".." + to + " of chain " + chain
            + " were purged during the export and are in cold archive segment " + s.id()
            + "; restore it and download again");
      }
      // not added to `read`: only this chain's part of it was taken; another chain may need it
      if (!segment(s, chain, after, to)) {
        return false;
      }
    }
    long got = covered.getOrDefault(chain, 0L);
    if (got < to) {
      throw new HyrelogException("seqs " + (Math.max(got, after) + 1) + ".." + to + " of chain "
          + chain + " are neither in the hot store nor in a verified archive segment");
    }
    return true;
  }

  /**
   * A segment none of whose events can match the time filter, or an expired one: not read, its
   * seqs only counted as covered (of one chain, or of every chain in scope).
   */
  private void skip(ArchivedSegment s, UUID onlyChain) {
    for (ArchivedRange r : s.ranges()) {
      Long head = plan.heads().get(r.workspaceId());
      if (head == null || (onlyChain != null && !onlyChain.equals(r.workspaceId()))) {
        continue;
      }
      covered.merge(r.workspaceId(), Math.min(r.toSeq(), head), Math::max);
    }
  }

  /**
   * Emits a segment's events, or only those of {@code onlyChain} in {@code after+1..to}.
   *
   * @return false when the limit stopped the export
   */
  private boolean segment(ArchivedSegment s, UUID onlyChain, long after, long to)
      throws IOException {
    try (Stream<AuditEvent> events = archive.read(s)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        UUID chain = e.workspaceId();
        if (onlyChain != null && (!chain.equals(onlyChain) || e.seq() <= after
            || e.seq() > to)) {
          continue;
        }
        Long head = plan.heads().get(chain);
        long last = covered.getOrDefault(chain, 0L);
        if (head == null || e.seq() > head || e.seq() <= last) {
          continue; // out of scope, after the snapshot, or already written
        }
        if (onlyChain != null && e.seq() != Math.max(last, after) + 1) {
          throw new HyrelogException("archive segment " + s.id() + " skips from seq "
              + Math.max(last, after) + " to " + e.seq() + " of chain " + chain);
        }
        covered.put(chain, e.seq());
        if (plan.filter().matches(e) && !emit(e)) {
          return false;
        }
      }
    }
    return true;
  }

  /** @return false when the limit is reached and this event is one too many */
  private boolean emit(AuditEvent e) throws IOException {
    if (rows >= plan.limit()) {
      truncated = true;
      return false;
    }
    sink.accept(e);
    rows++;
    return true;
  }
}
