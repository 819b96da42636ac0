package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive catalog on a real PostgreSQL: retention marking by chain and day, planning a day
 * once even under racing planners, the purge path that only verified segments open, and cold
 * marking. (The archival that writes objects is tested with real stores in the server module.)
 */
class PostgresArchiveCatalogIT {
  private static final Instant DAY1 = Instant.parse("2026-01-10T08:00:00Z");
  private final UUID company = UUID.fromString("0190aaaa-0000-7000-8000-000000000001");
  private final WorkspaceRef a = new WorkspaceRef(company,
      UUID.fromString("0190aaaa-0000-7000-8000-0000000000a1"), DataRegion.US);
  private final WorkspaceRef b = new WorkspaceRef(company,
      UUID.fromString("0190aaaa-0000-7000-8000-0000000000b1"), DataRegion.US);
  private final MutableClock clock = new MutableClock(DAY1);
  private PostgresFixture.Database db;
  private PostgresEventStore store;
  private PostgresArchiveCatalog catalog;
  private EventLog log;
  private final SampleEvents samples = new SampleEvents(5);

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    store = PostgresEventStore.builder(db.app()).build();
    catalog = PostgresArchiveCatalog.create(db.app());
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 3)).build();
    // Day 1: a 1..3, b 1..2; day 2: a 4..5, b 3; day 3: a 6.
    append(a, 3);
    append(b, 2);
    clock.advance(Duration.ofDays(1));
    append(a, 2);
    append(b, 1);
    clock.advance(Duration.ofDays(1));
    append(a, 1);
  }

  @AfterEach
  void tearDown() {
    store.close();
    db.close();
  }

  private void append(WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, samples.next(null));
      clock.advance(Duration.ofMinutes(1));
    }
  }

  private static LocalDate day(int n) {
    return LocalDate.of(2026, 1, 9 + n);
  }

  private static Instant startOf(int n) {
    return day(n).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
  }

  @Test
  void markCandidates_splitsByChainAndDay_andIsIdempotent() {
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isEqualTo(8);
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isZero();
    assertThat(catalog.candidateDays(company)).containsExactly(day(1), day(2));
    // A later cutoff marks only what follows.
    assertThat(catalog.markCandidates(company, startOf(4), clock.instant())).isEqualTo(1);
    assertThat(catalog.candidateDays(company)).containsExactly(day(1), day(2), day(3));
    assertThat(catalog.candidateDays(UUID.randomUUID())).isEmpty();
  }

  @Test
  void plan_recordsRangesWithBoundaryHashes_once() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    UUID id = UUID.randomUUID();
    ArchiveSegment s = catalog.plan(company, day(2), id, "archives/x/2026/01/11/" + id, DAY1)
        .orElseThrow();
    assertThat(s.status()).isEqualTo(Status.PENDING);
    assertThat(s.events()).isEqualTo(3);
    assertThat(s.ranges()).extracting(Range::workspaceId, Range::fromSeq, Range::toSeq)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(a.workspaceId(), 4L, 5L),
            org.assertj.core.groups.Tuple.tuple(b.workspaceId(), 3L, 3L));
    List<AuditEvent> aEvents = read(a, 1, 6);
    assertThat(s.ranges().get(0).firstPrevHash()).isEqualTo(aEvents.get(3).prevHash());
    assertThat(s.ranges().get(0).lastHash()).isEqualTo(aEvents.get(4).hash());
    assertThat(catalog.segment(id)).contains(s);
    assertThat(catalog.plan(company, day(2), UUID.randomUUID(), "archives/y", DAY1)).isEmpty();
    assertThat(catalog.candidateDays(company)).containsExactly(day(1));
  }

  @Test
  void plan_racingPlanners_oneSegmentPerDay() throws Exception {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Optional<ArchiveSegment>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        UUID id = UUID.randomUUID();
        results.add(pool.submit(() -> {
          go.await();
          return catalog.plan(company, day(1), id, "archives/r/" + id, DAY1);
        }));
      }
      go.countDown();
      int planned = 0;
      for (Future<Optional<ArchiveSegment>> f : results) {
        planned += f.get().isPresent() ? 1 : 0;
      }
      assertThat(planned).isEqualTo(1);
      assertThat(catalog.segments(company)).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void purge_onlyAfterVerification_removesExactlyTheRanges() throws SQLException {
    catalog.markCandidates(company, startOf(3), clock.instant());
    UUID id = UUID.randomUUID();
    ArchiveSegment s = catalog.plan(company, day(1), id, "archives/p/" + id, DAY1).orElseThrow();
    assertThatThrownBy(() -> catalog.purge(id, DAY1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PENDING");
    ArchiveObject obj = new ArchiveObject(s.key(), 10, Digest.sha256(new byte[] {1}), DAY1);
    catalog.uploaded(id, obj, DAY1);
    assertThatThrownBy(() -> catalog.purge(id, DAY1)).hasMessageContaining("UPLOADED");
    assertThat(count("events")).isEqualTo(9);

    catalog.verified(id, DAY1);
    assertThat(catalog.purge(id, DAY1)).isEqualTo(5);
    assertThat(catalog.purge(id, DAY1)).isZero();
    assertThat(count("events")).isEqualTo(4);
    assertThat(count("purge_log")).isEqualTo(2);
    assertThat(read(a, 1, 6)).extracting(AuditEvent::seq).containsExactly(4L, 5L, 6L);
    assertThat(store.head(EventScope.workspace(company, a.workspaceId())).orElseThrow().seq())
        .isEqualTo(6);
    // Marking again never re-marks archived seqs, and the next day follows on.
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isZero();
    assertThat(catalog.segment(id).orElseThrow().purgedAt()).isPresent();
  }

  @Test
  void failedThenVerified_andColdMarking() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    UUID id = UUID.randomUUID();
    ArchiveSegment s = catalog.plan(company, day(1), id, "archives/c/" + id, DAY1).orElseThrow();
    catalog.uploaded(id, new ArchiveObject(s.key(), 1, Digest.ZERO, DAY1), DAY1);
    catalog.failed(id, "SHA256_MISMATCH: x", DAY1);
    assertThat(catalog.segment(id).orElseThrow().verificationError())
        .contains("SHA256_MISMATCH: x");
    assertThatThrownBy(() -> catalog.purge(id, DAY1)).hasMessageContaining("FAILED");
    catalog.verified(id, DAY1);
    ArchiveSegment v = catalog.segment(id).orElseThrow();
    assertThat(v.status()).isEqualTo(Status.VERIFIED);
    assertThat(v.verificationError()).isEmpty();
    assertThat(catalog.markCold(company, DAY1, DAY1)).isZero(); // stored at DAY1, not before
    assertThat(catalog.markCold(company, DAY1.plusSeconds(1), DAY1)).isEqualTo(1);
    assertThat(catalog.markCold(company, DAY1.plusSeconds(1), DAY1)).isZero();
    ArchiveSegment cold = catalog.segment(id).orElseThrow();
    assertThat(cold.coldAt()).contains(DAY1);
    assertThat(cold.coldAndNotRestoredAt(DAY1)).isTrue();
    assertThat(catalog.segments(List.of(Status.PENDING, Status.UPLOADED))).isEmpty();
  }

  private List<AuditEvent> read(WorkspaceRef ws, long from, long to) {
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), from, to)) {
      return s.toList();
    }
  }

  private long count(String table) throws SQLException {
    try (Connection c = db.app().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM hyrelog." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
