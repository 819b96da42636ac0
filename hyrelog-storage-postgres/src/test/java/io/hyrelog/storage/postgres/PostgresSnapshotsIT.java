package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.log.EventLog;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.IdSource;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot catalog on PostgreSQL: a period's seq range by recorded time, one snapshot per
 * company and period, and a snapshot with its sealed ranges recorded all or nothing.
 */
class PostgresSnapshotsIT {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  private PostgresFixture.Database db;
  private PostgresSnapshots snapshots;
  private WorkspaceRef ws;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    ws = SampleEvents.workspace(21, DataRegion.US);
    PostgresTenants.create(db.app()).createCompany(new Company(ws.companyId(), "Acme",
        DataRegion.US, PlanTier.GROWTH, PlanOverrides.NONE));
    // Four events recorded an hour apart: seqs 1..4 at T0, T0+1h, T0+2h, T0+3h.
    MutableClock clock = new MutableClock(T0);
    try (PostgresEventStore store = PostgresEventStore.builder(db.app()).build()) {
      EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 4))
          .build();
      SampleEvents samples = new SampleEvents(4);
      for (int i = 0; i < 4; i++) {
        log.append(ws, samples.next(clock.instant()));
        clock.advance(HOUR);
      }
    }
    snapshots = PostgresSnapshots.create(db.app());
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void periodRange_byRecordedTime_coversTheEventsInsideThePeriodOnly() {
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(Duration.ofMinutes(30)),
        T0.plus(Duration.ofMinutes(150)))).contains(new SealedRange(ws.workspaceId(), 2, 3));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0, T0.plus(HOUR.multipliedBy(10))))
        .contains(new SealedRange(ws.workspaceId(), 1, 4));
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.minus(HOUR.multipliedBy(2)),
        T0.minus(HOUR))).isEmpty();
    assertThat(snapshots.periodRange(ws.workspaceId(), T0.plus(HOUR.multipliedBy(5)),
        T0.plus(HOUR.multipliedBy(6)))).isEmpty();
    assertThat(snapshots.purgedScanStart(ws.workspaceId(), T0)).isEmpty();
  }

  @Test
  void record_onePerCompanyAndPeriod_thenFoundWithItsSealedRanges() {
    Snapshot first = snapshot(T0, T0.plus(HOUR.multipliedBy(2)));
    List<SealedRange> ranges = List.of(new SealedRange(ws.workspaceId(), 1, 2));

    assertThat(snapshots.record(first, ranges)).isTrue();
    Snapshot again = snapshot(first.from(), first.to());
    assertThat(snapshots.record(again, List.of(new SealedRange(ws.workspaceId(), 3, 4))))
        .isFalse();

    assertThat(snapshots.find(ws.companyId(), first.from(), first.to())).contains(first);
    assertThat(snapshots.sealed(first.id())).containsExactlyElementsOf(ranges);
    assertThat(snapshots.sealed(again.id())).isEmpty();
    assertThat(snapshots.overlapping(ws.companyId(), T0.plus(HOUR),
        T0.plus(HOUR.multipliedBy(3)))).contains(first);
    assertThat(snapshots.overlapping(ws.companyId(), first.to(), first.to().plus(HOUR)))
        .isEmpty();
  }

  @Test
  void record_rangeAlreadySealed_failsWholeAndRecordsNothing() {
    assertThat(snapshots.record(snapshot(T0, T0.plus(HOUR)),
        List.of(new SealedRange(ws.workspaceId(), 1, 1)))).isTrue();
    Snapshot clash = snapshot(T0.plus(HOUR), T0.plus(HOUR.multipliedBy(2)));

    // The same chain's seq 1 sealed twice violates lifecycle_ranges' key.
    assertThatThrownBy(() -> snapshots.record(clash,
        List.of(new SealedRange(ws.workspaceId(), 1, 2))))
        .isInstanceOf(io.hyrelog.spi.AlreadyStoredException.class)
        .hasMessageContaining("snapshot " + clash.id())
        .cause().isInstanceOf(PostgresStorageException.class)
        .satisfies(e -> assertThat(((PostgresStorageException) e).sqlState())
            .isEqualTo("23505"));
    assertThat(snapshots.find(ws.companyId(), clash.from(), clash.to())).isEmpty();
  }

  private Snapshot snapshot(Instant from, Instant to) {
    return new Snapshot(UUID.randomUUID(), ws.companyId(), from, to,
        Digest.sha256(new byte[] {1, 2, 3}), "snapshots/" + UUID.randomUUID() + "/manifest.json",
        "snapshots/" + UUID.randomUUID() + "/manifest.sig", "hyrelog.test", "0a1b2c3d", 1, 2,
        T0.plus(HOUR.multipliedBy(5)));
  }
}
