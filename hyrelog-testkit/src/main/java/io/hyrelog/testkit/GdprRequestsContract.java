package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.Salt;
import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.Requester;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.GdprRequests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link GdprRequests}: every adapter's test extends this class, supplies fresh
 * {@link StoragePorts} and the requests port over the same storage.
 */
public abstract class GdprRequestsContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-06-01T10:00:00.123456Z");
  protected static final Requester ANA = Requester.user("user-ana");
  protected static final Requester BEN = Requester.user("user-ben");
  protected static final Requester KEY = Requester.key("0190cccc-0000-7000-8000-00000000000a");
  protected final UUID company = UUID.fromString("0190cccc-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190cccc-0000-7000-8000-000000000002");
  protected GdprRequests requests;
  private final java.security.SecureRandom random = SeededRandom.secure(17);
  private int seq;

  /** The port under test, over the same storage as {@link #ports}. */
  protected abstract GdprRequests gdprRequests();

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpGdprRequests() {
    requests = gdprRequests();
    company(company, "Acme");
    company(other, "Other");
  }

  /** A new erasure of {@code companyId} by {@code by}, filed now, stored. */
  protected GdprRequest filed(UUID companyId, GdprRequestType type, Requester by) {
    UUID id = UUID.nameUUIDFromBytes(("gdpr-contract-" + ++seq).getBytes(StandardCharsets.UTF_8));
    GdprRequest r = GdprRequest.file(id, EventScope.company(companyId), type,
        DataSubject.actorEmail("person" + seq + "@example.test"), "ticket " + seq, by,
        salt(), clock.instant());
    requests.insert(r);
    return r;
  }

  private Salt salt() {
    byte[] b = new byte[Salt.LENGTH];
    random.nextBytes(b);
    return Salt.of(b);
  }

  private static ObjectNode json(String key, long value) {
    return JsonNodeFactory.instance.objectNode().put(key, value);
  }

  @Test
  void insert_erasure_storedPendingWithDueDate() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    GdprRequest read = requests.find(r.id()).orElseThrow();
    assertThat(read).isEqualTo(r);
    assertThat(read.status()).isEqualTo(GdprRequestStatus.PENDING_APPROVAL);
    assertThat(read.dueAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
    assertThat(read.subject()).isPresent();
  }

  @Test
  void insert_access_storedApprovedByNobody() {
    GdprRequest r = filed(company, GdprRequestType.ACCESS, KEY);
    GdprRequest read = requests.find(r.id()).orElseThrow();
    assertThat(read.status()).isEqualTo(GdprRequestStatus.APPROVED);
    assertThat(read.decidedBy()).isEmpty();
  }

  @Test
  void insert_sameIdTwice_alreadyStored() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    assertThatThrownBy(() -> requests.insert(r)).isInstanceOf(AlreadyStoredException.class);
  }

  @Test
  void insert_notNew_refused() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA).approve(BEN, T0);
    assertThatThrownBy(() -> requests.insert(r)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void erasure_wholeLifecycle_keepsOnlyTheHashOnceCompleted() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    DataSubject subject = r.subject().orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    GdprRequest approved = requests.update(r, r.approve(BEN, clock.instant()));
    assertThat(approved.decidedBy()).contains(BEN);
    GdprRequest running = requests.update(approved, approved.start(clock.instant()));
    clock.advance(Duration.ofSeconds(1));
    GdprRequest progressed = requests.update(running,
        running.progress(json("step", 1), clock.instant()));
    assertThat(progressed.result()).contains(json("step", 1));
    clock.advance(Duration.ofSeconds(1));
    GdprRequest done = requests.update(progressed,
        progressed.complete(json("events", 3), clock.instant()));
    GdprRequest read = requests.find(r.id()).orElseThrow();
    assertThat(read).isEqualTo(done);
    assertThat(read.status()).isEqualTo(GdprRequestStatus.COMPLETED);
    assertThat(read.subject()).isEmpty();
    assertThat(read.subjectHash().matches(subject)).isTrue();
    assertThat(read.subjectHash().matches(DataSubject.actorEmail("someone@else.test"))).isFalse();
    assertThat(read.result()).contains(json("events", 3));
  }

  @Test
  void approve_byTheRequester_refusedNothingWritten() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    assertThatThrownBy(() -> r.approve(ANA, T0)).isInstanceOfSatisfying(
        GdprConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(GdprConflictException.Reason.SAME_PERSON));
    assertThat(requests.find(r.id())).contains(r);
  }

  @Test
  void update_staleRead_conflictNothingWritten() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    GdprRequest approved = requests.update(r, r.approve(BEN, T0));
    assertThatThrownBy(() -> requests.update(r, r.cancel(ANA, T0)))
        .isInstanceOfSatisfying(GdprConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(GdprConflictException.Reason.STATUS_CHANGED));
    GdprRequest running = requests.update(approved, approved.start(T0));
    GdprRequest progressed = requests.update(running, running.progress(json("a", 1), T0));
    // A second writer that read the RUNNING request before the progress loses.
    assertThatThrownBy(() -> requests.update(running, running.progress(json("b", 2), T0)))
        .isInstanceOf(GdprConflictException.class);
    assertThat(requests.find(r.id())).contains(progressed);
  }

  @Test
  void update_finalRequest_refused() {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    GdprRequest rejected = requests.update(r, r.reject(BEN, T0));
    assertThat(rejected.subject()).isEmpty();
    assertThatThrownBy(() -> rejected.approve(BEN, T0)).isInstanceOfSatisfying(
        GdprConflictException.class, e -> assertThat(e.reason())
            .isEqualTo(GdprConflictException.Reason.NOT_ALLOWED_IN_STATUS));
    assertThat(requests.find(r.id())).contains(rejected);
  }

  @Test
  void update_racingApproveAndCancel_exactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
      List<Callable<GdprRequest>> racers = new ArrayList<>();
      racers.add(() -> requests.update(r, r.approve(BEN, T0)));
      racers.add(() -> requests.update(r, r.approve(KEY, T0)));
      racers.add(() -> requests.update(r, r.cancel(ANA, T0)));
      List<Outcome<GdprRequest>> outcomes = race(racers);
      List<GdprRequest> won = outcomes.stream().filter(Outcome::won).map(Outcome::result)
          .toList();
      assertThat(won).hasSize(1);
      assertThat(outcomes.stream().filter(o -> !o.won()).map(Outcome::failure))
          .allSatisfy(f -> assertThat(f).isInstanceOf(GdprConflictException.class));
      assertThat(requests.find(r.id())).contains(won.get(0));
    }
  }

  @Test
  void list_newestFirstPagedByCursorFilteredAndIsolated() {
    List<GdprRequest> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(0, filed(company, i % 2 == 0 ? GdprRequestType.ERASURE : GdprRequestType.ACCESS,
          ANA));
      if (i != 2) {
        clock.advance(Duration.ofSeconds(1));
      }
    }
    filed(other, GdprRequestType.ERASURE, ANA);
    List<GdprRequest> first = requests.list(company, Optional.empty(), Optional.empty(), 2);
    List<GdprRequest> rest = requests.list(company, Optional.empty(),
        Optional.of(GdprRequests.Cursor.after(first.get(1))), 10);
    List<GdprRequest> all = new ArrayList<>(first);
    all.addAll(rest);
    assertThat(all).extracting(GdprRequest::id).containsExactlyInAnyOrderElementsOf(
        mine.stream().map(GdprRequest::id).toList());
    assertThat(all).extracting(GdprRequest::filedAt).isSortedAccordingTo(
        java.util.Comparator.reverseOrder());
    assertThat(requests.list(company, Optional.of(GdprRequestStatus.APPROVED),
        Optional.empty(), 10)).hasSize(2).allSatisfy(r -> assertThat(r.type())
            .isEqualTo(GdprRequestType.ACCESS));
    assertThat(requests.list(other, Optional.empty(), Optional.empty(), 10)).hasSize(1);
    assertThatThrownBy(() -> requests.list(company, Optional.empty(), Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inStatus_oldestFirstAcrossCompanies() {
    GdprRequest a = filed(company, GdprRequestType.ACCESS, ANA);
    clock.advance(Duration.ofSeconds(1));
    GdprRequest b = filed(other, GdprRequestType.ACCESS, ANA);
    filed(company, GdprRequestType.ERASURE, ANA);
    assertThat(requests.inStatus(GdprRequestStatus.APPROVED, 10)).containsExactly(a, b);
    assertThat(requests.inStatus(GdprRequestStatus.APPROVED, 1)).containsExactly(a);
  }

  @Test
  void countOverdue_openRequestsPastTheirDueDate() {
    GdprRequest old = filed(company, GdprRequestType.ERASURE, ANA);
    GdprRequest closed = filed(company, GdprRequestType.ERASURE, ANA);
    requests.update(closed, closed.cancel(ANA, T0));
    clock.advance(Duration.ofDays(10));
    filed(other, GdprRequestType.ERASURE, ANA);
    assertThat(requests.countOverdue(old.dueAt())).isZero();
    assertThat(requests.countOverdue(old.dueAt().plusMillis(1))).isEqualTo(1);
    assertThat(requests.countOverdue(T0.plus(Duration.ofDays(41)))).isEqualTo(2);
  }
}
