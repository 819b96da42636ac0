package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.RestoreTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.RestoreRequests;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RestoreRequests}, beside the archive catalog of the same storage: every
 * adapter's test extends this class and supplies fresh, empty {@link StoragePorts}. Each cold
 * segment is archived through the ports from a chain of its own; the racing test checks
 * whichever interleaving the threads produce.
 */
public abstract class RestoreRequestsContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  protected static final CostEstimate COST = new CostEstimate(new BigDecimal("0.010050"), "USD");
  protected final UUID company = UUID.fromString("0190bbbb-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190bbbb-0000-7000-8000-000000000002");

  protected RestoreRequests requests;
  private final SampleEvents samples = new SampleEvents(6);
  private int seq;

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpRequests() {
    requests = ports.restores();
    company(company, "Acme");
    company(other, "Other");
  }

  protected UUID id() {
    return UUID.nameUUIDFromBytes(("restore-contract-" + ++seq).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A new cold segment of the company: one event of a new chain, recorded 200 days before T0,
   * marked, planned, stored, verified and marked cold through the archive catalog.
   */
  protected UUID coldSegment(UUID companyId) {
    WorkspaceRef ws = workspace(companyId, id());
    Instant recorded = T0.minus(Duration.ofDays(200));
    clock.set(recorded);
    log.append(ws, samples.next(null));
    clock.set(T0);
    ArchiveCatalog archive = ports.archive();
    archive.markCandidates(companyId, T0.minus(Duration.ofDays(100)), recorded);
    UUID segment = id();
    LocalDate day = LocalDate.ofInstant(recorded, ZoneOffset.UTC);
    ArchiveSegment s = archive.plan(companyId, day, segment, "archives/" + companyId + "/"
        + segment + ".jsonl.gz", recorded).orElseThrow();
    archive.uploaded(segment, new ArchiveObject(s.key(), 1024, Digest.sha256(new byte[] {7}),
        recorded), recorded);
    archive.verified(segment, recorded);
    archive.markCold(companyId, T0, recorded.plus(Duration.ofDays(1)));
    return segment;
  }

  protected Optional<Instant> segmentRestoredUntil(UUID segment) {
    return ports.archive().segment(segment).orElseThrow().restoredUntil();
  }

  protected RestoreRequest pending(UUID segment, UUID companyId, Instant at) {
    RestoreRequest r = RestoreRequest.create(id(), companyId, segment, RestoreTier.STANDARD, 7,
        "user-1", "user@example.com", COST, at);
    requests.insert(r);
    return r;
  }

  protected RestoreRequest move(RestoreRequest r, UnaryOperator<RestoreRequest> op) {
    return requests.update(r, op.apply(r));
  }

  /** From PENDING to EXPIRED, completing sets and expiring clears the segment's restored copy. */
  @Test
  public void lifecycle_pendingToExpired_setsAndClearsTheSegmentsRestoredUntil() {
    UUID seg = coldSegment(company);
    RestoreRequest r = pending(seg, company, T0);
    assertThat(requests.find(r.id())).contains(r);
    r = move(r, x -> x.approve("admin", T0.plusSeconds(1)));
    r = move(r, x -> x.initiating(T0.plusSeconds(2)));
    r = move(r, x -> x.inProgress(T0.plusSeconds(3)));
    assertThat(segmentRestoredUntil(seg)).isEmpty();
    Instant until = T0.plus(Duration.ofDays(7));
    r = move(r, x -> x.complete(until, T0.plusSeconds(600)));
    assertThat(segmentRestoredUntil(seg)).contains(until);
    assertThat(ports.archive().segment(seg).orElseThrow()
        .coldAndNotRestoredAt(until.minusSeconds(1))).isFalse();
    assertThat(requests.expiring(until.minusSeconds(1), 10)).isEmpty();
    assertThat(requests.expiring(until, 10)).extracting(RestoreRequest::id)
        .containsExactly(r.id());
    r = move(r, x -> x.expire(until));
    assertThat(r.status()).isEqualTo(RestoreStatus.EXPIRED);
    assertThat(segmentRestoredUntil(seg)).isEmpty();
    assertThat(requests.find(r.id())).contains(r);
    // The segment is free again for a new request.
    pending(seg, company, until.plusSeconds(1));
  }

  /** A second open request for a segment conflicts. */
  @Test
  public void insert_secondOpenRequestForASegment_conflicts() {
    UUID seg = coldSegment(company);
    RestoreRequest first = pending(seg, company, T0);
    assertThatThrownBy(() -> pending(seg, company, T0))
        .isInstanceOfSatisfying(RestoreConflictException.class, e -> {
          assertThat(e.reason())
              .isEqualTo(RestoreConflictException.Reason.SEGMENT_HAS_OPEN_REQUEST);
          assertThat(e.id()).isEqualTo(seg);
        });
    assertThat(requests.list(Optional.empty(), Optional.empty(), 10)).containsExactly(first);
    move(first, x -> x.reject("admin", "no", T0));
    pending(seg, company, T0.plusSeconds(5));
  }

  /**
   * Of racing requests for one segment exactly one is stored.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void insert_racingRequestsForOneSegment_exactlyOneStored() throws Exception {
    UUID seg = coldSegment(company);
    List<Callable<RestoreRequest>> racers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RestoreRequest r = RestoreRequest.create(id(), company, seg, RestoreTier.BULK, 3,
          "user-" + i, "u" + i + "@example.com", COST, T0);
      racers.add(() -> {
        requests.insert(r);
        return r;
      });
    }
    List<Outcome<RestoreRequest>> out = race(racers);
    assertThat(out).filteredOn(Outcome::won).hasSize(1);
    assertThat(out).filteredOn(o -> !o.won()).allSatisfy(o -> assertThat(o.failure())
        .isInstanceOf(RestoreConflictException.class));
    assertThat(requests.list(Optional.empty(), Optional.empty(), 10)).containsExactly(
        out.stream().filter(Outcome::won).findFirst().orElseThrow().result());
  }

  /** A taken id or a request that is not PENDING is refused and nothing changes. */
  @Test
  public void insert_takenIdOrNotPending_refusedAndNothingChanged() {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    RestoreRequest sameId = RestoreRequest.create(r.id(), company, coldSegment(company),
        RestoreTier.BULK, 3, "user-2", "u2@example.com", COST, T0.plusSeconds(1));
    assertThatThrownBy(() -> requests.insert(sameId))
        .isInstanceOf(AlreadyStoredException.class).hasMessageContaining(r.id().toString());
    assertThatThrownBy(() -> requests.insert(r.approve("admin", T0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(requests.find(r.id())).contains(r);
    assertThat(requests.list(Optional.empty(), Optional.empty(), 10)).containsExactly(r);
  }

  /** Estimates are stored with six decimals and instants to the microsecond. */
  @Test
  public void insert_estimateAndInstantsAsStored_sixDecimalsAndMicroseconds() {
    UUID seg = coldSegment(company);
    Instant at = T0.plusNanos(1_999);
    RestoreRequest r = RestoreRequest.create(id(), company, seg, RestoreTier.EXPEDITED, 1,
        "user-1", "user@example.com", new CostEstimate(new BigDecimal("1.2345675"), "EUR"), at);
    requests.insert(r);
    RestoreRequest stored = requests.find(r.id()).orElseThrow();
    assertThat(stored.createdAt()).isEqualTo(T0.plusNanos(1_000));
    assertThat(stored.updatedAt()).isEqualTo(T0.plusNanos(1_000));
    assertThat(stored.estimatedCost()).isEqualTo(new CostEstimate(new BigDecimal("1.234568"),
        "EUR"));
    RestoreRequest approved = move(stored, x -> x.approve("admin", at.plusNanos(500)));
    assertThat(approved.approvedAt()).contains(T0.plusNanos(2_000));
    assertThat(requests.find(r.id())).contains(approved);
  }

  /** An update from a stale status conflicts and writes nothing. */
  @Test
  public void update_staleStatus_conflictsAndWritesNothing() {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    RestoreRequest approved = move(r, x -> x.approve("admin", T0));
    assertThatThrownBy(() -> requests.update(r, r.cancel("user-1", T0)))
        .isInstanceOfSatisfying(RestoreConflictException.class, e -> {
          assertThat(e.reason()).isEqualTo(RestoreConflictException.Reason.STATUS_CHANGED);
          assertThat(e.id()).isEqualTo(r.id());
        });
    assertThat(requests.find(r.id())).contains(approved);
    RestoreRequest unknown = RestoreRequest.create(id(), company, r.segmentId(),
        RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, T0);
    assertThatThrownBy(() -> requests.update(unknown, unknown.approve("admin", T0)))
        .isInstanceOfSatisfying(RestoreConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(RestoreConflictException.Reason.STATUS_CHANGED));
    assertThat(requests.find(unknown.id())).isEmpty();
  }

  /** An update that is not a move of one request is refused and writes nothing. */
  @Test
  public void update_notAMoveOfOneRequest_refusedAndWritesNothing() {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    RestoreRequest s = pending(coldSegment(company), company, T0);
    assertThatThrownBy(() -> requests.update(r, r))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> requests.update(r, s.approve("admin", T0)))
        .isInstanceOf(IllegalArgumentException.class);
    RestoreRequest elsewhere = new RestoreRequest(r.id(), company, s.segmentId(), r.tier(),
        r.days(), r.status(), r.requestedBy(), r.requestedByEmail(), r.estimatedCost(),
        r.createdAt(), r.updatedAt(), r.approvedBy(), r.approvedAt(), r.rejectedBy(),
        r.rejectedAt(), r.rejectionReason(), r.cancelledBy(), r.cancelledAt(), r.initiatedAt(),
        r.completedAt(), r.restoredUntil(), r.expiredAt(), r.failure());
    assertThatThrownBy(() -> requests.update(r, elsewhere.approve("admin", T0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(requests.find(r.id())).contains(r);
    assertThat(requests.find(s.id())).contains(s);
  }

  /**
   * Two threads approving and cancelling the same PENDING request: exactly one wins.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void update_racingApproveAndCancel_exactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      RestoreRequest r = pending(coldSegment(company), company, T0);
      List<Outcome<RestoreRequest>> out = race(List.of(
          () -> requests.update(r, r.approve("admin", T0.plusSeconds(1))),
          () -> requests.update(r, r.cancel("user-1", T0.plusSeconds(1)))));
      assertThat(out).as("round " + round).filteredOn(Outcome::won).hasSize(1);
      Outcome<RestoreRequest> lost = out.stream().filter(o -> !o.won()).findFirst()
          .orElseThrow();
      assertThat(lost.failure()).isInstanceOf(RestoreConflictException.class);
      RestoreStatus winner = out.stream().filter(Outcome::won).findFirst().orElseThrow()
          .result().status();
      assertThat(requests.find(r.id()).orElseThrow().status()).isEqualTo(winner);
    }
  }

  /** Lists come newest first, by company and by status. */
  @Test
  public void list_newestFirst_byCompanyAndStatus() {
    RestoreRequest a = pending(coldSegment(company), company, T0);
    RestoreRequest b = pending(coldSegment(company), company, T0.plusSeconds(10));
    RestoreRequest c = pending(coldSegment(other), other, T0.plusSeconds(20));
    move(b, x -> x.approve("admin", T0.plusSeconds(30)));
    assertThat(requests.list(Optional.of(company), Optional.empty(), 50))
        .extracting(RestoreRequest::id).containsExactly(b.id(), a.id());
    assertThat(requests.list(Optional.empty(), Optional.of(RestoreStatus.PENDING), 50))
        .extracting(RestoreRequest::id).containsExactly(c.id(), a.id());
    assertThat(requests.list(Optional.empty(), Optional.empty(), 1))
        .extracting(RestoreRequest::id).containsExactly(c.id());
    assertThat(requests.list(Optional.of(other), Optional.of(RestoreStatus.APPROVED), 50))
        .isEmpty();
    assertThat(requests.inStatus(RestoreStatus.APPROVED, T0.plusSeconds(29), 10)).isEmpty();
    assertThat(requests.inStatus(RestoreStatus.APPROVED, T0.plusSeconds(30), 10))
        .extracting(RestoreRequest::id).containsExactly(b.id());
    assertThat(requests.inStatus(RestoreStatus.PENDING, T0.plusSeconds(60), 10))
        .extracting(RestoreRequest::id).containsExactly(a.id(), c.id());
  }

  /** Requests created at the same time are listed by id, descending. */
  @Test
  public void list_sameCreationTime_byIdDescending() {
    UUID low = UUID.fromString("10000000-0000-7000-8000-000000000001");
    UUID high = UUID.fromString("f0000000-0000-7000-8000-000000000002");
    for (UUID id : List.of(low, high)) {
      requests.insert(RestoreRequest.create(id, company, coldSegment(company),
          RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, T0));
    }
    assertThat(requests.list(Optional.empty(), Optional.empty(), 10))
        .extracting(RestoreRequest::id).containsExactly(high, low);
    assertThat(requests.inStatus(RestoreStatus.PENDING, T0, 10))
        .extracting(RestoreRequest::id).containsExactly(low, high);
  }

  /**
   * Reads with a limit outside 1..{@value io.hyrelog.spi.RestoreRequests#MAX_LIMIT} are refused.
   */
  @Test
  public void reads_limitOutOfRange_refused() {
    assertThatThrownBy(() -> requests.list(Optional.empty(), Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> requests.list(Optional.empty(), Optional.empty(),
        RestoreRequests.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> requests.inStatus(RestoreStatus.PENDING, T0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> requests.expiring(T0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
