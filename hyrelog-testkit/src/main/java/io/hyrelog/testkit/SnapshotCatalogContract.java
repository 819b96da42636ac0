package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SnapshotCatalog}, beside the event store and archive catalog of the
 * same storage: every adapter's test extends this class and supplies fresh, empty {@link
 * StoragePorts}. One chain holds four events recorded an hour apart (seqs 1..4 at T0 .. T0+3h);
 * the racing test checks whichever interleaving the threads produce.
 */
public abstract class SnapshotCatalogContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  protected static final Duration HOUR = Duration.ofHours(1);

  protected SnapshotCatalog snapshots;
  protected WorkspaceRef ws;
  private final SampleEvents samples = new SampleEvents(4);
  private int seq;

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpSnapshots() {
    snapshots = ports.snapshots();
    WorkspaceRef sample = SampleEvents.workspace(21, io.hyrelog.DataRegion.US);
    company(sample.companyId(), "Acme");
    ws = workspace(sample.companyId(), sample.workspaceId());
    append(4);
  }

  private void append(int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, samples.next(clock.instant()));
      clock.advance(HOUR);
    }
  }

  private UUID id() {
    return UUID.nameUUIDFromBytes(("snapshot-contract-" + ++seq).getBytes(StandardCharsets.UTF_8));
  }

  protected Snapshot snapshot(Instant from, Instant to) {
    UUID id = id();
    return new Snapshot(id, ws.companyId(), from, to, Digest.sha256(new byte[] {1, 2, 3}),
        "snapshots/" + id + "/manifest.json", "snapshots/" + id + "/manifest.sig",
        "hyrelog.test", "0a1b2c3d", 1, 2, T0.plus(HOUR.multipliedBy(5)));
  }

  /** A period's range, by recorded time, covers the events inside the period only. */
  @Test
  public void periodRange_byRecordedTime_coversTheEventsInsideThePeriodOnly() {
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(Duration.ofMinutes(30)),
        T0.plus(Duration.ofMinutes(150)))).contains(new SealedRange(ws.workspaceId(), 2, 3));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0, T0.plus(HOUR.multipliedBy(10))))
        .contains(new SealedRange(ws.workspaceId(), 1, 4));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0, T0.plus(HOUR)))
        .contains(new SealedRange(ws.workspaceId(), 1, 1));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(Duration.ofMinutes(10)),
        T0.plus(Duration.ofMinutes(50)))).isEmpty();
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.minus(HOUR.multipliedBy(2)),
        T0.minus(HOUR))).isEmpty();
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(HOUR.multipliedBy(5)),
        T0.plus(HOUR.multipliedBy(6)))).isEmpty();
    assertThat(snapshots.periodRange(id(), T0, T0.plus(HOUR))).isEmpty();
    assertThat(snapshots.purgedScanStart(ws.workspaceId(), T0)).isEmpty();
  }

  /**
   * After the clock stepped back, a period's range ends before the first event recorded at or after
   * its end.
   */
  @Test
  public void periodRange_clockSteppedBack_endsBeforeTheFirstEventAtOrAfterTheEnd() {
    // Seq 5 at T0+4h, then seq 6 recorded back at T0+30min: after seq 5, it is not in
    // [T0, T0+1h) although its own time is.
    append(1);
    clock.set(T0.plus(Duration.ofMinutes(30)));
    append(1);
    assertThat(snapshots.periodRange(ws.workspaceId(), T0, T0.plus(HOUR)))
        .contains(new SealedRange(ws.workspaceId(), 1, 1));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(HOUR.multipliedBy(4)),
        T0.plus(HOUR.multipliedBy(9)))).contains(new SealedRange(ws.workspaceId(), 5, 6));
  }

  /** After archival purged a day, the scan start points at that day's first seq. */
  @Test
  public void purgedScanStart_afterArchivalPurgedADay_pointsAtItsFirstSeq() {
    // Seqs 5..6 on the next UTC day; day one (seqs 1..4) archived and purged.
    clock.set(T0.plus(Duration.ofDays(1)));
    append(2);
    ArchiveCatalog archive = ports.archive();
    LocalDate day1 = LocalDate.ofInstant(T0, ZoneOffset.UTC);
    Instant day2 = day1.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    archive.markCandidates(ws.companyId(), day2.plus(Duration.ofDays(1)), T0);
    UUID segment = id();
    ArchiveSegment s = archive.plan(ws.companyId(), day1, segment, "archives/s/" + segment,
        T0).orElseThrow();
    assertThat(snapshots.purgedScanStart(ws.workspaceId(), T0)).isEmpty();
    archive.uploaded(segment, new ArchiveObject(s.key(), 1, Digest.ZERO, T0), T0);
    archive.verified(segment, T0);
    archive.purge(segment, T0);

    assertThat(snapshots.purgedScanStart(ws.workspaceId(), T0.plus(HOUR))).hasValue(1);
    // The next day's range is a candidate, not purged: the period is read from the hot store.
    assertThat(snapshots.purgedScanStart(ws.workspaceId(), day2)).isEmpty();
    assertThat(snapshots.periodRange(ws.workspaceId(), T0, T0.plus(HOUR))).isEmpty();
    assertThat(snapshots.periodRange(ws.workspaceId(), day2, day2.plus(Duration.ofDays(1))))
        .contains(new SealedRange(ws.workspaceId(), 5, 6));
    assertThat(snapshots.purgedScanStart(id(), T0)).isEmpty();
  }

  /** One snapshot is recorded per company and period, then found with its sealed ranges. */
  @Test
  public void record_onePerCompanyAndPeriod_thenFoundWithItsSealedRanges() {
    Snapshot first = snapshot(T0, T0.plus(HOUR.multipliedBy(2)));
    List<SealedRange> ranges = List.of(new SealedRange(ws.workspaceId(), 1, 2));

    assertThat(snapshots.record(first, ranges)).isTrue();
    Snapshot again = snapshot(first.from(), first.to());
    assertThat(snapshots.record(again, List.of(new SealedRange(ws.workspaceId(), 3, 4))))
        .isFalse();

    assertThat(snapshots.find(ws.companyId(), first.from(), first.to())).contains(first);
    assertThat(snapshots.find(ws.companyId(), first.from(), first.to().plusSeconds(1)))
        .isEmpty();
    assertThat(snapshots.sealed(first.id())).containsExactlyElementsOf(ranges);
    assertThat(snapshots.sealed(again.id())).isEmpty();
    assertThat(snapshots.overlapping(ws.companyId(), T0.plus(HOUR),
        T0.plus(HOUR.multipliedBy(3)))).contains(first);
    assertThat(snapshots.overlapping(ws.companyId(), first.to(), first.to().plus(HOUR)))
        .isEmpty();
    assertThat(snapshots.overlapping(id(), T0, T0.plus(HOUR))).isEmpty();
  }

  /** Of several overlapping snapshots the one starting first is found. */
  @Test
  public void overlapping_several_theEarliestStarting() {
    Snapshot later = snapshot(T0.plus(HOUR.multipliedBy(2)), T0.plus(HOUR.multipliedBy(3)));
    Snapshot earlier = snapshot(T0, T0.plus(HOUR));
    snapshots.record(later, List.of());
    snapshots.record(earlier, List.of());
    assertThat(snapshots.overlapping(ws.companyId(), T0.minus(HOUR),
        T0.plus(HOUR.multipliedBy(9)))).contains(earlier);
  }

  /**
   * Of concurrent records for one period exactly one records.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void record_concurrentlyForOnePeriod_exactlyOneRecords() throws Exception {
    List<Callable<Boolean>> racers = new ArrayList<>();
    List<Snapshot> tried = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Snapshot s = snapshot(T0, T0.plus(HOUR.multipliedBy(4)));
      tried.add(s);
      racers.add(() -> snapshots.record(s, List.of(new SealedRange(ws.workspaceId(), 1, 4))));
    }
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(Outcome::result).hasSize(1);
    Snapshot winner = tried.get(out.indexOf(out.stream().filter(Outcome::result).findFirst()
        .orElseThrow()));
    assertThat(snapshots.find(ws.companyId(), T0, T0.plus(HOUR.multipliedBy(4))))
        .contains(winner);
    assertThat(snapshots.sealed(winner.id())).hasSize(1);
  }

  /** Recording a range already sealed fails whole and records nothing. */
  @Test
  public void record_rangeAlreadySealed_failsWholeAndRecordsNothing() {
    assertThat(snapshots.record(snapshot(T0, T0.plus(HOUR)),
        List.of(new SealedRange(ws.workspaceId(), 1, 1)))).isTrue();
    Snapshot clash = snapshot(T0.plus(HOUR), T0.plus(HOUR.multipliedBy(2)));

    // The same chain's seq 1 sealed twice.
    assertThatThrownBy(() -> snapshots.record(clash,
        List.of(new SealedRange(ws.workspaceId(), 1, 2))))
        .isInstanceOf(AlreadyStoredException.class)
        .hasMessageContaining("snapshot " + clash.id());
    assertThat(snapshots.find(ws.companyId(), clash.from(), clash.to())).isEmpty();
    assertThat(snapshots.sealed(clash.id())).isEmpty();
    // Nothing of it was kept: the same period records afterwards.
    assertThat(snapshots.record(clash, List.of(new SealedRange(ws.workspaceId(), 2, 2))))
        .isTrue();
  }

  /** Recording a taken manifest key fails whole and records nothing. */
  @Test
  public void record_takenManifestKey_failsWholeAndRecordsNothing() {
    Snapshot first = snapshot(T0, T0.plus(HOUR));
    snapshots.record(first, List.of());
    Snapshot s = snapshot(T0.plus(HOUR), T0.plus(HOUR.multipliedBy(2)));
    Snapshot sameManifest = new Snapshot(s.id(), s.companyId(), s.from(), s.to(),
        s.manifestSha256(), first.manifestKey(), s.signatureKey(), s.keyName(), s.keyId(),
        s.chains(), s.events(), s.createdAt());
    assertThatThrownBy(() -> snapshots.record(sameManifest,
        List.of(new SealedRange(ws.workspaceId(), 2, 2))))
        .isInstanceOf(AlreadyStoredException.class);
    assertThat(snapshots.find(ws.companyId(), s.from(), s.to())).isEmpty();
    assertThat(snapshots.record(s, List.of(new SealedRange(ws.workspaceId(), 2, 2)))).isTrue();
  }

  /** The sealed ranges of several chains come in the order of the workspace ids' text. */
  @Test
  public void sealed_ofSeveralChains_inWorkspaceIdTextOrder() {
    // Ids whose signed order differs from their text order.
    WorkspaceRef low = workspace(ws.companyId(),
        UUID.fromString("10000000-0000-7000-8000-000000000001"));
    WorkspaceRef high = workspace(ws.companyId(),
        UUID.fromString("f0000000-0000-7000-8000-000000000002"));
    Snapshot s = snapshot(T0, T0.plus(HOUR));
    snapshots.record(s, List.of(new SealedRange(high.workspaceId(), 1, 3),
        new SealedRange(low.workspaceId(), 5, 6), new SealedRange(low.workspaceId(), 1, 2)));
    assertThat(snapshots.sealed(s.id())).containsExactly(
        new SealedRange(low.workspaceId(), 1, 2), new SealedRange(low.workspaceId(), 5, 6),
        new SealedRange(high.workspaceId(), 1, 3));
  }
}
