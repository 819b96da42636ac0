package io.hyrelog.server.internal.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.IdSource;
import io.hyrelog.storage.postgres.PostgresExports;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The HOT_AND_ARCHIVED merge against an {@link InMemoryArchive} of real events (sealed by
 * {@link EventLog} on the in-memory store): whatever the archived and purged boundaries — rows
 * archived but not purged (in both places), rows purged during the export and only in a segment
 * archived after the job was created, heads below the chain's end — every event in the snapshot
 * that matches comes out exactly once, in the defined order, and each chain verifies.
 */
class ExportMergeTest {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  private static final UUID COMPANY = UUID.fromString("0192f0c1-0000-7000-8000-00000000c0de");

  /** Chains of real events; many share one timestamp. */
  private static Map<UUID, List<AuditEvent>> chains(Random r, int count) {
    InMemoryEventStore store = new InMemoryEventStore();
    MutableClock clock = new MutableClock(T0);
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock,
        r.nextLong())).build();
    Map<UUID, List<AuditEvent>> out = new LinkedHashMap<>();
    List<WorkspaceRef> refs = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      refs.add(new WorkspaceRef(COMPANY, new UUID(r.nextLong(), r.nextLong()), DataRegion.EU));
    }
    int[] lengths = new int[count];
    for (int c = 0; c < count; c++) {
      lengths[c] = 1 + r.nextInt(30);
    }
    for (int i = 0; i < 30; i++) {
      for (int c = 0; c < count; c++) {
        if (i < lengths[c]) {
          log.append(refs.get(c), NewEvent.builder(r.nextInt(3) == 0 ? "billing" : "user",
              "a" + i).timestamp(T0.minusSeconds(r.nextInt(2))).build());
        }
      }
      clock.advance(Duration.ofMillis(1));
    }
    for (WorkspaceRef ref : refs) {
      try (Stream<AuditEvent> s = store.read(EventScope.of(ref), 1, Long.MAX_VALUE)) {
        out.put(ref.workspaceId(), s.toList());
      }
    }
    return out;
  }

  /** Interleaves per-chain lists at random, keeping each chain's order (a segment file). */
  private static List<AuditEvent> interleave(Random r, List<List<AuditEvent>> parts) {
    List<AuditEvent> out = new ArrayList<>();
    int[] at = new int[parts.size()];
    int left = parts.stream().mapToInt(List::size).sum();
    while (left > 0) {
      int k = r.nextInt(parts.size());
      if (at[k] < parts.get(k).size()) {
        out.add(parts.get(k).get(at[k]++));
        left--;
      }
    }
    return out;
  }

  private record Scenario(ExportPlan plan, InMemoryArchive archive, InMemoryArchive.Hot hot,
      Map<UUID, List<AuditEvent>> chains) {}

  private static Scenario scenario(long seed) {
    Random r = new Random(seed);
    Map<UUID, List<AuditEvent>> chains = chains(r, 1 + r.nextInt(3));
    InMemoryArchive archive = new InMemoryArchive();
    InMemoryArchive.Hot hot = new InMemoryArchive.Hot(chains);
    Map<UUID, Long> heads = new HashMap<>();
    List<List<AuditEvent>> day1 = new ArrayList<>();
    List<List<AuditEvent>> day2 = new ArrayList<>();
    List<List<AuditEvent>> later = new ArrayList<>();
    Map<UUID, Long> purgeDuring = new HashMap<>();
    for (Map.Entry<UUID, List<AuditEvent>> c : chains.entrySet()) {
      List<AuditEvent> ev = c.getValue();
      int n = ev.size();
      int archived = r.nextInt(n + 1); // seqs 1..archived are in segments of the plan
      int cut = archived == 0 ? 0 : r.nextInt(archived + 1);
      day1.add(ev.subList(0, cut));
      day2.add(ev.subList(cut, archived));
      int purged = r.nextInt(archived + 1); // purged <= archived: the rest is in both places
      hot.purgedTo.put(c.getKey(), (long) purged);
      // Archived after the job was created, then purged during the export.
      int archivedLater = archived + r.nextInt(n - archived + 1);
      later.add(ev.subList(archived, archivedLater));
      if (r.nextBoolean()) {
        purgeDuring.put(c.getKey(), (long) archived + r.nextInt(archivedLater - archived + 1));
      }
      heads.put(c.getKey(), (long) 1 + r.nextInt(n)); // later appends are not exported
    }
    List<ArchivedSegment> planned = new ArrayList<>();
    ArchivedSegment s1 = archive.add(LocalDate.of(2026, 11, 1), interleave(r, day1), false);
    ArchivedSegment s2 = archive.add(LocalDate.of(2026, 11, 2), interleave(r, day2), false);
    for (ArchivedSegment s : List.of(s1, s2)) {
      if (!s.ranges().isEmpty()) {
        planned.add(s);
      }
    }
    ArchivedSegment s3 = archive.add(LocalDate.of(2026, 11, 3), interleave(r, later), false);
    // The purge runs while the plan's segments are being read.
    archive.onRead(planned.isEmpty() ? s3 : planned.get(planned.size() - 1),
        s -> purgeDuring.forEach((ws, to) -> hot.purgedTo.merge(ws, to, Math::max)));
    if (planned.isEmpty()) {
      purgeDuring.forEach((ws, to) -> hot.purgedTo.merge(ws, to, Math::max));
    }
    EventQuery filter = switch (r.nextInt(3)) {
      case 0 -> InMemoryArchive.all(COMPANY);
      case 1 -> EventQuery.builder(EventScope.company(COMPANY)).category("billing").build();
      default -> EventQuery.builder(EventScope.company(COMPANY)).from(T0).build();
    };
    long limit = r.nextInt(4) == 0 ? 1 + r.nextInt(40) : Long.MAX_VALUE;
    ExportPlan plan = new ExportPlan(COMPANY, ExportSource.HOT_AND_ARCHIVED, filter, heads,
        planned, limit);
    return new Scenario(plan, archive, hot, chains);
  }

  /**
   * The defined order, computed without the merge: the plan's segments in order (each event
   * once, seq at most its head), then per chain in workspace-id order the remaining seqs up to
   * the head; only matching events; cut at the limit.
   */
  private static List<AuditEvent> expected(Scenario s) {
    List<AuditEvent> out = new ArrayList<>();
    Map<UUID, Long> covered = new HashMap<>();
    for (ArchivedSegment seg : s.plan().segments()) {
      for (AuditEvent e : s.archive().files(seg)) {
        long head = s.plan().heads().get(e.workspaceId());
        if (e.seq() <= head && e.seq() > covered.getOrDefault(e.workspaceId(), 0L)) {
          covered.put(e.workspaceId(), e.seq());
          out.add(e);
        }
      }
    }
    TreeMap<UUID, Long> ordered = new TreeMap<>(PostgresExports.CHAIN_ORDER);
    ordered.putAll(s.plan().heads());
    ordered.forEach((ws, head) -> {
      for (AuditEvent e : s.chains().get(ws)) {
        if (e.seq() > covered.getOrDefault(ws, 0L) && e.seq() <= head) {
          out.add(e);
        }
      }
    });
    return out.stream().filter(s.plan().filter()::matches).collect(Collectors.toList());
  }

  private static List<AuditEvent> run(Scenario s, List<Boolean> truncated) throws IOException {
    List<AuditEvent> out = new ArrayList<>();
    ExportMerge.Result result = ExportMerge.run(s.plan(), s.archive(), s.hot(), out::add);
    assertThat(result.rows()).isEqualTo(out.size());
    truncated.add(result.truncated());
    return out;
  }

  @Property(tries = 300)
  void merge_randomArchivedAndPurgedBoundaries_everyEventOnceInOrder(@ForAll long seed)
      throws IOException {
    Scenario s = scenario(seed);
    List<AuditEvent> want = expected(s);
    List<Boolean> truncated = new ArrayList<>();
    List<AuditEvent> got = run(s, truncated);
    long limit = s.plan().limit();
    assertThat(got).isEqualTo(want.subList(0, (int) Math.min(limit, want.size())));
    assertThat(truncated.get(0)).isEqualTo(want.size() > limit);
    Set<UUID> ids = new HashSet<>();
    got.forEach(e -> assertThat(ids.add(e.id())).as("written twice: %s", e).isTrue());
    // Each chain in seq order: the export verifies (with gaps only when filtered or cut).
    ChainVerifier.Builder vb = ChainVerifier.builder();
    boolean unfiltered = s.plan().filter().category() == null
        && s.plan().filter().from() == null;
    if (!unfiltered) {
      vb.allowGaps();
    }
    ChainVerifier v = vb.build();
    got.forEach(v::accept);
    VerificationReport report = v.finish();
    assertThat(report.ok()).as("%s", report.failure()).isTrue();
    if (unfiltered) {
      // everything from the lowest seq any source still holds up to the head, no gaps
      for (var range : report.chains()) {
        assertThat(range.gaps()).isZero();
      }
    }
  }

  @Test
  void merge_purgeDuringExport_missingRangeComesFromALaterSegmentInPlace() throws IOException {
    Random r = new Random(1);
    Map<UUID, List<AuditEvent>> chains = chains(r, 1);
    UUID ws = chains.keySet().iterator().next();
    List<AuditEvent> ev = chains.get(ws);
    int n = ev.size();
    assertThat(n).isGreaterThan(4);
    InMemoryArchive archive = new InMemoryArchive();
    InMemoryArchive.Hot hot = new InMemoryArchive.Hot(chains);
    ArchivedSegment first = archive.add(LocalDate.of(2026, 11, 1), ev.subList(0, 2), false);
    archive.add(LocalDate.of(2026, 11, 2), ev.subList(2, 4), false);
    archive.onRead(first, s -> hot.purgedTo.put(ws, 4L));
    ExportPlan plan = new ExportPlan(COMPANY, ExportSource.HOT_AND_ARCHIVED,
        InMemoryArchive.all(COMPANY), Map.of(ws, (long) n), List.of(first), Long.MAX_VALUE);
    List<AuditEvent> out = new ArrayList<>();
    ExportMerge.run(plan, archive, hot, out::add);
    assertThat(out).isEqualTo(ev);
    assertThat(archive.reads).isEqualTo(2);
  }

  @Test
  void merge_purgedRangeInNoSegment_failsNamingTheSeqs() {
    Map<UUID, List<AuditEvent>> chains = chains(new Random(2), 1);
    UUID ws = chains.keySet().iterator().next();
    InMemoryArchive.Hot hot = new InMemoryArchive.Hot(chains);
    hot.purgedTo.put(ws, 3L);
    ExportPlan plan = new ExportPlan(COMPANY, ExportSource.HOT_AND_ARCHIVED,
        InMemoryArchive.all(COMPANY), Map.of(ws, (long) chains.get(ws).size()), List.of(),
        Long.MAX_VALUE);
    assertThatThrownBy(() -> ExportMerge.run(plan, new InMemoryArchive(), hot, e -> { }))
        .isInstanceOf(HyrelogException.class).hasMessageContaining("seqs 1..3 of chain " + ws);
  }

  @Test
  void merge_purgedRangeOnlyInAColdSegment_failsSayingRestore() {
    Map<UUID, List<AuditEvent>> chains = chains(new Random(3), 1);
    UUID ws = chains.keySet().iterator().next();
    InMemoryArchive archive = new InMemoryArchive();
    ArchivedSegment cold = archive.add(LocalDate.of(2026, 11, 1),
        chains.get(ws).subList(0, 3), true);
    InMemoryArchive.Hot hot = new InMemoryArchive.Hot(chains);
    hot.purgedTo.put(ws, 3L);
    ExportPlan plan = new ExportPlan(COMPANY, ExportSource.HOT_AND_ARCHIVED,
        InMemoryArchive.all(COMPANY), Map.of(ws, (long) chains.get(ws).size()), List.of(),
        Long.MAX_VALUE);
    assertThatThrownBy(() -> ExportMerge.run(plan, archive, hot, e -> { }))
        .hasMessageContaining(cold.id().toString()).hasMessageContaining("restore");
  }

  @Test
  void merge_archivedOnly_segmentsInOrderWithoutHot() throws IOException {
    Map<UUID, List<AuditEvent>> chains = chains(new Random(4), 2);
    List<UUID> ws = new ArrayList<>(chains.keySet());
    InMemoryArchive archive = new InMemoryArchive();
    List<AuditEvent> file = new ArrayList<>(chains.get(ws.get(1)).subList(0, 1));
    file.addAll(chains.get(ws.get(0)).subList(0, 1));
    ArchivedSegment s = archive.add(LocalDate.of(2026, 11, 1), file, false);
    ExportPlan plan = new ExportPlan(COMPANY, ExportSource.ARCHIVED,
        InMemoryArchive.all(COMPANY), Map.of(ws.get(0), 100L, ws.get(1), 100L), List.of(s),
        Long.MAX_VALUE);
    List<AuditEvent> out = new ArrayList<>();
    ExportMerge.run(plan, archive, null, out::add);
    assertThat(out).isEqualTo(file);
  }
}
