package io.hyrelog.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.RestoreTier;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RestoreRequestTest {
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
  private static final CostEstimate COST = new CostEstimate(new BigDecimal("0.010050"), "USD");

  private static RestoreRequest pending() {
    return RestoreRequest.create(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        RestoreTier.STANDARD, 7, "user-1", "user@example.com", COST, T0);
  }

  @Test
  void happyPath_pendingToExpired_recordsEachStep() {
    RestoreRequest r = pending();
    assertThat(r.status()).isEqualTo(RestoreStatus.PENDING);
    r = r.approve("admin-1", T0.plusSeconds(60));
    assertThat(r.approvedBy()).contains("admin-1");
    r = r.initiating(T0.plusSeconds(120)).inProgress(T0.plusSeconds(121));
    assertThat(r.initiatedAt()).contains(T0.plusSeconds(120));
    Instant until = T0.plus(Duration.ofDays(7));
    r = r.complete(until, T0.plusSeconds(600));
    assertThat(r.restoredUntil()).contains(until);
    r = r.expire(until);
    assertThat(r.status()).isEqualTo(RestoreStatus.EXPIRED);
    assertThat(r.expiredAt()).contains(until);
    assertThat(r.updatedAt()).isEqualTo(until);
    assertThat(r.createdAt()).isEqualTo(T0);
  }

  @Test
  void reject_needsAReason_andIsFinal() {
    assertThatThrownBy(() -> pending().reject("admin", " ", T0))
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> pending().reject("admin", "x".repeat(501), T0))
        .hasMessageContaining("reason must be 1..500");
    RestoreRequest r = pending().reject("admin", "too expensive", T0);
    assertThat(r.rejectionReason()).contains("too expensive");
    assertThatThrownBy(() -> r.approve("admin", T0))
        .isInstanceOf(IllegalRestoreTransitionException.class);
  }

  @Test
  void cancel_onlyBeforeTheStoreWasAsked() {
    assertThat(pending().cancel("user-1", T0).status()).isEqualTo(RestoreStatus.CANCELLED);
    RestoreRequest approved = pending().approve("admin", T0);
    RestoreRequest cancelled = approved.cancel("admin", T0);
    assertThat(cancelled.approvedBy()).contains("admin");
    assertThat(cancelled.cancelledBy()).contains("admin");
    assertThatThrownBy(() -> approved.initiating(T0).cancel("admin", T0))
        .isInstanceOf(IllegalRestoreTransitionException.class)
        .hasMessageContaining("INITIATING to CANCELLED");
  }

  @Test
  void fail_cutsLongMessages() {
    RestoreRequest r = pending().approve("a", T0).initiating(T0).fail("x".repeat(5000), T0);
    assertThat(r.failure().orElseThrow()).hasSize(RestoreRequest.MAX_FAILURE);
    assertThat(pending().approve("a", T0).initiating(T0).fail(null, T0).failure())
        .contains("unknown failure");
  }

  @Test
  void constructor_fieldsMustAgreeWithTheStatus() {
    RestoreRequest p = pending();
    assertThatThrownBy(() -> new RestoreRequest(p.id(), p.companyId(), p.segmentId(), p.tier(),
        p.days(), RestoreStatus.APPROVED, p.requestedBy(), p.requestedByEmail(),
        p.estimatedCost(), T0, T0, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty())).hasMessageContaining("APPROVED restore request needs approvedBy");
    assertThatThrownBy(() -> RestoreRequest.create(UUID.randomUUID(), UUID.randomUUID(),
        UUID.randomUUID(), RestoreTier.BULK, 0, "u", "e", COST, T0))
        .hasMessageContaining("days must be 1..365, got 0");
  }

  /** One thing that may happen to a request. */
  enum Op { APPROVE, REJECT, CANCEL, INITIATING, IN_PROGRESS, COMPLETE, EXPIRE, FAIL }

  private static RestoreRequest apply(RestoreRequest r, Op op, Instant at) {
    return switch (op) {
      case APPROVE -> r.approve("admin", at);
      case REJECT -> r.reject("admin", "no", at);
      case CANCEL -> r.cancel("user", at);
      case INITIATING -> r.initiating(at);
      case IN_PROGRESS -> r.inProgress(at);
      case COMPLETE -> r.complete(at.plus(Duration.ofDays(r.days())), at);
      case EXPIRE -> r.expire(at);
      case FAIL -> r.fail("store said no", at);
    };
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Arbitraries.of(Op.class).list().ofMaxSize(30);
  }

  /**
   * Any sequence of operations: each either moves along the table (and the result satisfies
   * every field/status invariant, checked by the constructor) or throws the transition
   * exception and leaves the request as it was. Reachable statuses only; terminal is final.
   */
  @Property(tries = 500, seed = "6104")
  void anySequenceOfOperations_neverReachesAnIllegalState(@ForAll("ops") List<Op> ops) {
    RestoreRequest r = pending();
    Instant at = T0;
    List<RestoreStatus> path = new ArrayList<>(List.of(r.status()));
    for (Op op : ops) {
      at = at.plusSeconds(37);
      RestoreRequest before = r;
      try {
        r = apply(r, op, at);
        assertThat(before.status().canMoveTo(r.status())).isTrue();
        assertThat(before.status().terminal()).isFalse();
        path.add(r.status());
      } catch (IllegalRestoreTransitionException e) {
        assertThat(r).isSameAs(before);
        assertThat(e.from()).isEqualTo(before.status());
        assertThat(before.status().canMoveTo(e.to())).isFalse();
      }
    }
    // The fields always agree with the status: rebuilding the record re-checks them.
    RestoreRequest copy = new RestoreRequest(r.id(), r.companyId(), r.segmentId(), r.tier(),
        r.days(), r.status(), r.requestedBy(), r.requestedByEmail(), r.estimatedCost(),
        r.createdAt(), r.updatedAt(), r.approvedBy(), r.approvedAt(), r.rejectedBy(),
        r.rejectedAt(), r.rejectionReason(), r.cancelledBy(), r.cancelledAt(), r.initiatedAt(),
        r.completedAt(), r.restoredUntil(), r.expiredAt(), r.failure());
    assertThat(copy).isEqualTo(r);
    assertThat(path).doesNotHaveDuplicates();
    if (path.contains(RestoreStatus.COMPLETED) || path.contains(RestoreStatus.FAILED)) {
      assertThat(path).contains(RestoreStatus.APPROVED, RestoreStatus.INITIATING);
    }
  }

  @Property(tries = 200, seed = "6105")
  void statusFollowsOnlyTheTable(@ForAll @Size(max = 12) List<Op> ops) {
    RestoreRequest r = pending();
    for (Op op : ops) {
      RestoreStatus from = r.status();
      try {
        r = apply(r, op, T0);
      } catch (IllegalRestoreTransitionException e) {
        continue;
      }
      assertThat(from.next()).contains(r.status());
    }
  }
}
