package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ArchiveCatalog}, beside the event store of the same storage: every
 * adapter's test extends this class and supplies fresh, empty {@link StoragePorts}. Two chains
 * of one company get events over three UTC days (day 1: a 1..3, b 1..2; day 2: a 4..5, b 3;
 * day 3: a 6); the racing test checks whichever interleaving the threads produce. (The archival
 * that writes and verifies objects is {@code ArchivalScenarios}.)
 */
public abstract class ArchiveCatalogContract extends StorageContract {
  protected static final Instant DAY1 = Instant.parse("2026-01-10T08:00:00Z");
  protected final UUID company = UUID.fromString("0190aaaa-0000-7000-8000-000000000001");
  protected final UUID otherCompany = UUID.fromString("0190aaaa-0000-7000-8000-000000000002");
  protected WorkspaceRef a;
  protected WorkspaceRef b;
  protected ArchiveCatalog catalog;
  private final SampleEvents samples = new SampleEvents(5);

  @Override
  protected Instant start() {
    return DAY1;
  }

  @BeforeEach
  void setUpCatalog() {
    catalog = ports.archive();
    company(company, "Acme");
    // Ids whose signed order differs from their text order: ranges come in text order.
    a = workspace(company, UUID.fromString("f190aaaa-0000-7000-8000-0000000000a1"));
    b = workspace(company, UUID.fromString("0190aaaa-0000-7000-8000-0000000000b1"));
    append(a, 3);
    append(b, 2);
    clock.advance(Duration.ofDays(1));
    append(a, 2);
    append(b, 1);
    clock.advance(Duration.ofDays(1));
    append(a, 1);
  }

  protected void append(WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, samples.next(null));
      clock.advance(Duration.ofMinutes(1));
    }
  }

  protected static LocalDate day(int n) {
    return LocalDate.of(2026, 1, 9 + n);
  }

  protected static Instant startOf(int n) {
    return day(n).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  protected List<AuditEvent> read(WorkspaceRef ws) {
    try (Stream<AuditEvent> s = ports.events().read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.toList();
    }
  }

  private static UUID id(int n) {
    return UUID.fromString("0190cccc-0000-7000-8000-" + String.format("%012d", n));
  }

  /** Plans {@code day(n)} as segment {@code id(n)}. */
  protected ArchiveSegment plan(int n) {
    return catalog.plan(company, day(n), id(n), "archives/" + company + "/" + day(n) + "/"
        + id(n) + ".jsonl.gz", DAY1).orElseThrow();
  }

  /** Marking splits candidates by chain and UTC day, and marking again marks nothing new. */
  @Test
  public void markCandidates_splitsByChainAndDay_andIsIdempotent() {
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isEqualTo(8);
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isZero();
    assertThat(catalog.candidateDays(company)).containsExactly(day(1), day(2));
    // A later cutoff marks only what follows.
    assertThat(catalog.markCandidates(company, startOf(4), clock.instant())).isEqualTo(1);
    assertThat(catalog.candidateDays(company)).containsExactly(day(1), day(2), day(3));
    assertThat(catalog.candidateDays(otherCompany)).isEmpty();
    assertThat(catalog.markCandidates(otherCompany, startOf(4), clock.instant())).isZero();
  }

  /** After the clock stepped back, events keep the running maximum day along the chain. */
  @Test
  public void markCandidates_clockSteppedBack_eventsKeepTheRunningMaximumDay() {
    WorkspaceRef c = workspace(company, UUID.fromString("0190aaaa-0000-7000-8000-0000000000c1"));
    clock.set(startOf(2).plus(Duration.ofHours(23)));
    append(c, 1); // day 2
    clock.set(startOf(1).plus(Duration.ofHours(1)));
    append(c, 2); // recorded on day 1, after a day-2 event: they count on day 2
    clock.set(startOf(3).plus(Duration.ofHours(1)));
    append(c, 1); // day 3
    catalog.markCandidates(company, startOf(4), clock.instant());
    assertThat(catalog.candidateDays(company)).containsExactly(day(1), day(2), day(3));
    ArchiveSegment day2 = plan(2);
    assertThat(day2.ranges()).extracting(Range::workspaceId, Range::fromSeq, Range::toSeq)
        .contains(tuple(c.workspaceId(), 1L, 3L));
    assertThat(plan(3).ranges()).extracting(Range::workspaceId, Range::fromSeq, Range::toSeq)
        .contains(tuple(c.workspaceId(), 4L, 4L));
    assertThat(plan(1).ranges()).extracting(Range::workspaceId)
        .doesNotContain(c.workspaceId());
  }

  /** Planning records each range with its boundary hashes, once. */
  @Test
  public void plan_recordsRangesWithBoundaryHashes_once() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(2);
    assertThat(s.status()).isEqualTo(Status.PENDING);
    assertThat(s.events()).isEqualTo(3);
    assertThat(s.day()).isEqualTo(day(2));
    assertThat(s.companyId()).isEqualTo(company);
    assertThat(s.object()).isEmpty();
    // Text order of the workspace ids: b (0190...) before a (f190...).
    assertThat(s.ranges()).extracting(Range::workspaceId, Range::fromSeq, Range::toSeq)
        .containsExactly(tuple(b.workspaceId(), 3L, 3L), tuple(a.workspaceId(), 4L, 5L));
    List<AuditEvent> aEvents = read(a);
    assertThat(s.ranges().get(1).firstPrevHash()).isEqualTo(aEvents.get(3).prevHash());
    assertThat(s.ranges().get(1).lastHash()).isEqualTo(aEvents.get(4).hash());
    assertThat(s.minRecordedAt()).isEqualTo(aEvents.get(3).recordedAt());
    assertThat(s.maxRecordedAt()).isEqualTo(read(b).get(2).recordedAt());
    assertThat(catalog.segment(s.id())).contains(s);
    assertThat(catalog.plan(company, day(2), UUID.randomUUID(), "archives/y", DAY1)).isEmpty();
    assertThat(catalog.candidateDays(company)).containsExactly(day(1));
    assertThat(catalog.segment(UUID.randomUUID())).isEmpty();
  }

  /** Planning with a taken segment id or key is refused and the candidates stay. */
  @Test
  public void plan_takenIdOrKey_refusedAndTheCandidatesStay() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment first = plan(1);
    assertThatThrownBy(() -> catalog.plan(company, day(2), first.id(), "archives/other", DAY1))
        .isInstanceOf(AlreadyStoredException.class);
    assertThatThrownBy(() -> catalog.plan(company, day(2), UUID.randomUUID(), first.key(),
        DAY1)).isInstanceOf(AlreadyStoredException.class);
    assertThat(catalog.candidateDays(company)).containsExactly(day(2));
    assertThat(catalog.segments(company)).containsExactly(first);
    assertThat(plan(2).events()).isEqualTo(3);
  }

  /**
   * Racing planners create one segment per day.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void plan_racingPlanners_oneSegmentPerDay() throws Exception {
    catalog.markCandidates(company, startOf(3), clock.instant());
    List<Callable<Optional<ArchiveSegment>>> planners = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      UUID id = id(100 + i);
      planners.add(() -> catalog.plan(company, day(1), id, "archives/r/" + id, DAY1));
    }
    List<Outcome<Optional<ArchiveSegment>>> out = race(planners);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(o -> o.result().isPresent()).hasSize(1);
    assertThat(catalog.segments(company)).hasSize(1)
        .allSatisfy(s -> assertThat(s.events()).isEqualTo(5));
  }

  /** Recording an upload stores the object's description once. */
  @Test
  public void uploaded_recordsTheObjectOnce() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    Instant at = DAY1.plusSeconds(30);
    // The object's own key and time do not matter: the segment's key and `at` are recorded.
    catalog.uploaded(s.id(), new ArchiveObject("elsewhere/x", 123, Digest.sha256(new byte[] {2}),
        DAY1), at);
    ArchiveSegment up = catalog.segment(s.id()).orElseThrow();
    assertThat(up.status()).isEqualTo(Status.UPLOADED);
    assertThat(up.object()).contains(new ArchiveObject(s.key(), 123,
        Digest.sha256(new byte[] {2}), at));
    // A rerun after a crash changes nothing.
    catalog.uploaded(s.id(), new ArchiveObject(s.key(), 9, Digest.ZERO, at.plusSeconds(1)),
        at.plusSeconds(1));
    assertThat(catalog.segment(s.id())).contains(up);
    assertThat(catalog.segments(List.of(Status.UPLOADED))).containsExactly(up);
    assertThat(catalog.segments(List.of(Status.PENDING))).isEmpty();
    assertThatThrownBy(() -> catalog.uploaded(UUID.randomUUID(), up.object().orElseThrow(), at))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Verified and failed are refused for a pending or unknown segment. */
  @Test
  public void verifiedAndFailed_pendingOrUnknownSegment_refused() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    assertThatThrownBy(() -> catalog.verified(s.id(), DAY1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> catalog.failed(s.id(), "x", DAY1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> catalog.verified(UUID.randomUUID(), DAY1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> catalog.purge(UUID.randomUUID(), DAY1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(catalog.segment(s.id())).contains(s);
  }

  /** Segments by status come oldest first; a company's segments come in day order. */
  @Test
  public void segments_byStatusOldestFirst_byCompanyInDayOrder() {
    catalog.markCandidates(company, startOf(4), clock.instant());
    ArchiveSegment d3 = catalog.plan(company, day(3), id(3), "archives/3", DAY1).orElseThrow();
    ArchiveSegment d1 = catalog.plan(company, day(1), id(1), "archives/1", DAY1.plusSeconds(1))
        .orElseThrow();
    ArchiveSegment d2 = catalog.plan(company, day(2), id(2), "archives/2", DAY1.plusSeconds(2))
        .orElseThrow();
    assertThat(catalog.segments(company)).containsExactly(d1, d2, d3);
    assertThat(catalog.segments(List.of(Status.PENDING, Status.UPLOADED)))
        .containsExactly(d3, d1, d2);
    assertThat(catalog.segments(List.of())).isEmpty();
    assertThat(catalog.segments(otherCompany)).isEmpty();
  }

  /** Purging works only after verification and removes exactly the segment's ranges. */
  @Test
  public void purge_onlyAfterVerification_removesExactlyTheRanges() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    ChainHead headA = ports.events().head(EventScope.of(a)).orElseThrow();
    assertThatThrownBy(() -> catalog.purge(s.id(), DAY1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PENDING");
    catalog.uploaded(s.id(), new ArchiveObject(s.key(), 10, Digest.sha256(new byte[] {1}), DAY1),
        DAY1);
    assertThatThrownBy(() -> catalog.purge(s.id(), DAY1)).hasMessageContaining("UPLOADED");
    assertThat(read(a)).hasSize(6);

    catalog.verified(s.id(), DAY1);
    Instant purgedAt = DAY1.plusSeconds(5);
    assertThat(catalog.purge(s.id(), purgedAt)).isEqualTo(5);
    assertThat(catalog.purge(s.id(), purgedAt.plusSeconds(1))).isZero();
    assertThat(read(a)).extracting(AuditEvent::seq).containsExactly(4L, 5L, 6L);
    assertThat(read(b)).extracting(AuditEvent::seq).containsExactly(3L);
    // Purging changes no chain head.
    assertThat(ports.events().head(EventScope.of(a))).contains(headA);
    // Marking again never re-marks archived seqs.
    assertThat(catalog.markCandidates(company, startOf(3), clock.instant())).isZero();
    assertThat(catalog.segment(s.id()).orElseThrow().purgedAt()).contains(purgedAt);
  }

  /**
   * A failed segment can verify later, and verified segments can then be marked cold.
   */
  @Test
  public void failedThenVerified_andColdMarking() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    catalog.uploaded(s.id(), new ArchiveObject(s.key(), 1, Digest.ZERO, DAY1), DAY1);
    catalog.failed(s.id(), "SHA256_MISMATCH: x", DAY1);
    assertThat(catalog.segment(s.id()).orElseThrow().verificationError())
        .contains("SHA256_MISMATCH: x");
    assertThat(catalog.segment(s.id()).orElseThrow().status()).isEqualTo(Status.FAILED);
    assertThatThrownBy(() -> catalog.purge(s.id(), DAY1)).hasMessageContaining("FAILED");
    catalog.verified(s.id(), DAY1.plusSeconds(1));
    ArchiveSegment v = catalog.segment(s.id()).orElseThrow();
    assertThat(v.status()).isEqualTo(Status.VERIFIED);
    assertThat(v.verificationError()).isEmpty();
    assertThat(v.verifiedAt()).contains(DAY1.plusSeconds(1));
    // A later audit that fails keeps the first verification time, and so does the next pass.
    catalog.failed(s.id(), "OBJECT_MISSING: y", DAY1.plusSeconds(2));
    catalog.verified(s.id(), DAY1.plusSeconds(3));
    assertThat(catalog.segment(s.id()).orElseThrow().verifiedAt()).contains(DAY1.plusSeconds(1));
    assertThat(catalog.markCold(company, DAY1, DAY1)).isZero(); // stored at DAY1, not before
    assertThat(catalog.markCold(otherCompany, DAY1.plusSeconds(1), DAY1)).isZero();
    assertThat(catalog.markCold(company, DAY1.plusSeconds(1), DAY1)).isEqualTo(1);
    assertThat(catalog.markCold(company, DAY1.plusSeconds(1), DAY1)).isZero();
    ArchiveSegment cold = catalog.segment(s.id()).orElseThrow();
    assertThat(cold.coldAt()).contains(DAY1);
    assertThat(cold.coldAndNotRestoredAt(DAY1)).isTrue();
    assertThat(catalog.segments(List.of(Status.PENDING, Status.UPLOADED))).isEmpty();
  }

  /**
   * Only a verified, purged segment expires; it keeps its ranges (the boundary hashes), a second
   * expiry changes nothing, and verification can no longer change it.
   */
  @Test
  public void expire_onlyVerifiedAndPurged_keepsRanges_isFinal() {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    assertThatThrownBy(() -> catalog.expire(s.id(), DAY1)).isInstanceOf(
        IllegalStateException.class);
    catalog.uploaded(s.id(), new ArchiveObject(s.key(), 1, Digest.ZERO, DAY1), DAY1);
    catalog.verified(s.id(), DAY1);
    assertThatThrownBy(() -> catalog.expire(s.id(), DAY1)).isInstanceOf(
        IllegalStateException.class);
    assertThat(catalog.segment(s.id()).orElseThrow().status()).isEqualTo(Status.VERIFIED);
    catalog.purge(s.id(), DAY1);
    assertThat(catalog.expire(s.id(), DAY1.plusSeconds(5))).isTrue();
    ArchiveSegment e = catalog.segment(s.id()).orElseThrow();
    assertThat(e.status()).isEqualTo(Status.EXPIRED);
    assertThat(e.expiredAt()).contains(DAY1.plusSeconds(5));
    assertThat(e.ranges()).isEqualTo(s.ranges());
    assertThat(catalog.expire(s.id(), DAY1.plusSeconds(9))).isFalse();
    assertThat(catalog.segment(s.id()).orElseThrow().expiredAt()).contains(DAY1.plusSeconds(5));
    assertThatThrownBy(() -> catalog.verified(s.id(), DAY1)).isInstanceOf(
        IllegalStateException.class);
    assertThatThrownBy(() -> catalog.failed(s.id(), "OBJECT_MISSING: x", DAY1)).isInstanceOf(
        IllegalStateException.class);
    assertThat(catalog.markCold(company, DAY1.plusSeconds(10), DAY1)).isZero();
    assertThatThrownBy(() -> catalog.expire(UUID.randomUUID(), DAY1)).isInstanceOf(
        IllegalStateException.class);
  }
}
