package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.ExportJobs.HotSnapshot;
import io.hyrelog.spi.ExportJobs.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ExportJobs}, beside the event store and archive catalog of the same
 * storage: every adapter's test extends this class and supplies fresh, empty {@link
 * StoragePorts}. Two chains of one company hold 20 events each (event i at seq i), all with
 * the same client timestamp, every third one of category {@code billing}; seqs 1..5 of the low
 * chain were recorded a day before the rest, so archival can purge just them.
 */
public abstract class ExportJobsContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  /** The client timestamp of every event. */
  protected static final Instant TS = T0.minus(Duration.ofDays(2));
  // Ids whose signed-long order differs from their text (and PostgreSQL's uuid) order.
  protected static final UUID WS_LOW = UUID.fromString("10000000-0000-7000-8000-000000000001");
  protected static final UUID WS_HIGH = UUID.fromString("f0000000-0000-7000-8000-000000000002");
  protected final UUID company = UUID.fromString("0190eeee-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190eeee-0000-7000-8000-000000000002");

  protected ExportJobs exports;

  @Override
  protected Instant start() {
    return T0.minus(Duration.ofDays(1));
  }

  @BeforeEach
  void setUpExports() {
    exports = ports.exports();
    company(company, "Acme");
    company(other, "Other");
    WorkspaceRef low = workspace(company, WS_LOW);
    WorkspaceRef high = workspace(company, WS_HIGH);
    for (int i = 1; i <= 5; i++) {
      append(low, i);
    }
    clock.set(T0);
    for (int i = 1; i <= 20; i++) {
      append(high, i);
      if (i > 5) {
        append(low, i);
      }
    }
  }

  private void append(WorkspaceRef ws, int i) {
    log.append(ws, NewEvent.builder(i % 3 == 0 ? "billing" : "user", "a" + i).timestamp(TS)
        .actor(new Actor("u" + (i % 2), "u" + (i % 2) + "@example.com", null, null)).build());
  }

  protected EventQuery all(UUID companyId) {
    return EventQuery.builder(EventScope.company(companyId)).build();
  }

  protected static List<Long> seqs(Stream<AuditEvent> events) {
    try (events) {
      return events.map(AuditEvent::seq).toList();
    }
  }

  protected static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  protected Job job(UUID id, String status, String error) {
    return new Job(id, company, WS_LOW, UUID.nameUUIDFromBytes(new byte[] {1}), null,
        "HOT_AND_ARCHIVED", "CSV", "{\"category\":\"user\"}", 10L,
        Map.of(WS_LOW, 20L, WS_HIGH, 19L), List.of(UUID.nameUUIDFromBytes(new byte[] {2})),
        status, 0, 0, false, 0, T0, null, null, error);
  }

  /** Archives and purges seqs 1..5 of the low chain (the only events of the day before T0). */
  protected void purgeLowOneToFive() {
    ArchiveCatalog archive = ports.archive();
    LocalDate day = LocalDate.ofInstant(T0.minus(Duration.ofDays(1)), ZoneOffset.UTC);
    archive.markCandidates(company, day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        T0);
    UUID id = UUID.nameUUIDFromBytes(new byte[] {3});
    ArchiveSegment s = archive.plan(company, day, id, "archives/e/" + id, T0).orElseThrow();
    assertThat(s.ranges()).singleElement().satisfies(r -> {
      assertThat(r.workspaceId()).isEqualTo(WS_LOW);
      assertThat(r.toSeq()).isEqualTo(5);
    });
    archive.uploaded(id, new ArchiveObject(s.key(), 1, Digest.ZERO, T0), T0);
    archive.verified(id, T0);
    assertThat(archive.purge(id, T0)).isEqualTo(5);
  }

  /** A company's heads come in the order of the ids' text. */
  @Test
  public void heads_company_inUuidTextOrder() {
    SortedMap<UUID, Long> heads = exports.heads(company, null);
    assertThat(heads.keySet()).containsExactly(WS_LOW, WS_HIGH);
    assertThat(heads.values()).containsExactly(20L, 20L);
    assertThat(WS_HIGH.compareTo(WS_LOW)).as("signed order differs").isNegative();
    assertThat(exports.heads(company, WS_HIGH).keySet()).containsExactly(WS_HIGH);
    assertThat(exports.heads(other, null)).isEmpty();
    assertThat(exports.heads(company, UUID.nameUUIDFromBytes(new byte[] {4}))).isEmpty();
  }

  /** Heads are unchanged by a purge. */
  @Test
  public void heads_afterPurge_unchanged() {
    purgeLowOneToFive();
    assertThat(exports.heads(company, null)).containsEntry(WS_LOW, 20L);
  }

  /** A job round-trips through insert, find, started and finished. */
  @Test
  public void job_insertFindStartFinish_roundTrips() {
    UUID id = UUID.nameUUIDFromBytes(new byte[] {5});
    Job j = job(id, "PENDING", null);
    exports.insert(j);
    assertThat(exports.find(company, id)).contains(j);
    assertThat(exports.find(company, id).orElseThrow().heads().keySet())
        .containsExactly(WS_LOW, WS_HIGH);
    assertThat(exports.find(other, id)).isEmpty();
    assertThat(exports.find(company, UUID.nameUUIDFromBytes(new byte[] {6}))).isEmpty();
    exports.started(id, T0.plusSeconds(1));
    Job running = exports.find(company, id).orElseThrow();
    assertThat(running.status()).isEqualTo("RUNNING");
    assertThat(running.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(running.downloads()).isEqualTo(1);
    exports.finished(id, 7, 1234, true, T0.plusSeconds(2), null);
    Job done = exports.find(company, id).orElseThrow();
    assertThat(done.status()).isEqualTo("COMPLETED");
    assertThat(done.rowsExported()).isEqualTo(7);
    assertThat(done.bytes()).isEqualTo(1234);
    assertThat(done.truncated()).isTrue();
    assertThat(done.downloads()).isEqualTo(1);
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(done.error()).isNull();
    exports.started(id, T0.plusSeconds(3));
    Job again = exports.find(company, id).orElseThrow();
    assertThat(again.finishedAt()).isNull();
    exports.finished(id, 0, 0, false, T0.plusSeconds(4), "archive segment x is corrupt");
    Job failed = exports.find(company, id).orElseThrow();
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.error()).isEqualTo("archive segment x is corrupt");
    assertThat(failed.downloads()).isEqualTo(2);
    // What the job fixed at creation never changes.
    assertThat(failed.heads()).isEqualTo(j.heads());
    assertThat(failed.segmentIds()).isEqualTo(j.segmentIds());
    assertThat(failed.filters()).isEqualTo(j.filters());
  }

  /** A dashboard user's job names the user instead of a key, and keeps it through downloads. */
  @Test
  public void job_byDashboardUser_keepsRequesterThroughDownloads() {
    UUID id = UUID.nameUUIDFromBytes(new byte[] {8});
    Job k = job(id, "PENDING", null);
    Job j = new Job(id, company, null, null, "dashboard:user-42", k.source(), k.format(),
        k.filters(), k.rowLimit(), k.heads(), k.segmentIds(), "PENDING", 0, 0, false, 0, T0,
        null, null, null);
    exports.insert(j);
    assertThat(exports.find(company, id)).contains(j);
    exports.started(id, T0.plusSeconds(1));
    exports.finished(id, 1, 2, false, T0.plusSeconds(2), null);
    Job done = exports.find(company, id).orElseThrow();
    assertThat(done.keyId()).isNull();
    assertThat(done.requestedBy()).isEqualTo("dashboard:user-42");
  }

  /** A taken job id or an unknown job is refused and nothing changes. */
  @Test
  public void job_takenIdOrUnknownJob_refusedAndNothingChanged() {
    UUID id = UUID.nameUUIDFromBytes(new byte[] {7});
    Job j = job(id, "PENDING", null);
    exports.insert(j);
    assertThatThrownBy(() -> exports.insert(job(id, "FAILED", "x")))
        .isInstanceOf(AlreadyStoredException.class).hasMessageContaining(id.toString());
    assertThat(exports.find(company, id)).contains(j);
    UUID unknown = UUID.nameUUIDFromBytes(new byte[] {8});
    assertThatThrownBy(() -> exports.started(unknown, T0)).isInstanceOf(HyrelogException.class)
        .hasMessageContaining(unknown.toString());
    assertThatThrownBy(() -> exports.finished(unknown, 1, 1, false, T0, null))
        .isInstanceOf(HyrelogException.class);
  }

  /** Counting stops at the bound and applies the filters. */
  @Test
  public void countUpTo_boundedAndFiltered() {
    SortedMap<UUID, Long> heads = exports.heads(company, null);
    assertThat(exports.countUpTo(all(company), heads, 1000)).isEqualTo(40);
    assertThat(exports.countUpTo(all(company), heads, 11)).isEqualTo(11);
    assertThat(exports.countUpTo(all(company), heads, 0)).isZero();
    assertThat(exports.countUpTo(all(company), Map.of(WS_LOW, 5L, WS_HIGH, 2L), 1000))
        .isEqualTo(7);
    EventQuery billing = EventQuery.builder(EventScope.company(company)).category("billing")
        .build();
    assertThat(exports.countUpTo(billing, heads, 1000)).isEqualTo(12);
    EventQuery email = EventQuery.builder(EventScope.company(company))
        .actorEmail("u1@example.com").build();
    assertThat(exports.countUpTo(email, heads, 1000)).isEqualTo(20);
    EventQuery lowOnly = EventQuery.builder(EventScope.workspace(company, WS_LOW)).build();
    assertThat(exports.countUpTo(lowOnly, heads, 1000)).isEqualTo(20);
    assertThat(exports.countUpTo(all(other), heads, 1000)).isZero();
    assertThat(exports.countUpTo(all(company), Map.of(), 1000)).isZero();
    assertThatThrownBy(() -> exports.countUpTo(all(company), heads, -1))
        .isInstanceOf(IllegalArgumentException.class);
    purgeLowOneToFive();
    assertThat(exports.countUpTo(all(company), heads, 1000)).isEqualTo(35);
  }

  /** A snapshot reads a chain in seq order, filtered and within the seq bounds. */
  @Test
  public void snapshot_readsChainInSeqOrder_filteredAndBounded() {
    EventQuery billing = EventQuery.builder(EventScope.company(company)).category("billing")
        .build();
    try (HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      assertThat(s.firstSeq(WS_LOW, 3, 20)).isEqualTo(OptionalLong.of(4));
      assertThat(s.firstSeq(WS_LOW, 20, 30)).isEmpty();
      assertThat(seqs(s.read(WS_LOW, 0, 20, all(company)))).isEqualTo(range(1, 20));
      assertThat(seqs(s.read(WS_HIGH, 4, 12, billing))).containsExactly(6L, 9L, 12L);
      assertThat(seqs(s.read(WS_HIGH, 0, 20, all(other)))).isEmpty();
      assertThat(seqs(s.read(UUID.nameUUIDFromBytes(new byte[] {9}), 0, 20, all(company))))
          .isEmpty();
    }
  }

  /** A snapshot still sees rows purged after its first read. */
  @Test
  public void snapshot_purgeAfterFirstRead_stillSeesThePurgedRows() {
    try (HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      purgeLowOneToFive();
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(1));
      assertThat(seqs(s.read(WS_LOW, 0, 20, all(company)))).isEqualTo(range(1, 20));
    }
    try (HotSnapshot s = exports.snapshot()) {
      assertThat(s.firstSeq(WS_LOW, 0, 20)).isEqualTo(OptionalLong.of(6));
      assertThat(seqs(s.read(WS_LOW, 0, 20, all(company)))).isEqualTo(range(6, 20));
    }
  }
}
