package io.hyrelog.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreStatusTest {

  @Test
  void next_isTheSeedsStateMachine() {
    assertThat(RestoreStatus.PENDING.next()).containsExactlyInAnyOrder(
        RestoreStatus.APPROVED, RestoreStatus.REJECTED, RestoreStatus.CANCELLED);
    assertThat(RestoreStatus.APPROVED.next()).containsExactlyInAnyOrder(
        RestoreStatus.INITIATING, RestoreStatus.CANCELLED);
    assertThat(RestoreStatus.INITIATING.next()).containsExactlyInAnyOrder(
        RestoreStatus.IN_PROGRESS, RestoreStatus.FAILED);
    assertThat(RestoreStatus.IN_PROGRESS.next()).containsExactlyInAnyOrder(
        RestoreStatus.COMPLETED, RestoreStatus.FAILED);
    assertThat(RestoreStatus.COMPLETED.next()).containsExactly(RestoreStatus.EXPIRED);
  }

  @Test
  void terminal_exactlyTheFourEnds() {
    Set<RestoreStatus> terminal = EnumSet.noneOf(RestoreStatus.class);
    for (RestoreStatus s : RestoreStatus.values()) {
      if (s.terminal()) {
        terminal.add(s);
        assertThat(s.open()).isFalse();
      }
    }
    assertThat(terminal).containsExactlyInAnyOrder(RestoreStatus.EXPIRED,
        RestoreStatus.REJECTED, RestoreStatus.CANCELLED, RestoreStatus.FAILED);
  }

  @Test
  void requireMoveTo_illegal_throwsNamingBothAndTheAllowedMoves() {
    assertThatThrownBy(() -> RestoreStatus.IN_PROGRESS.requireMoveTo(RestoreStatus.CANCELLED))
        .isInstanceOf(IllegalRestoreTransitionException.class)
        .hasMessageContaining("IN_PROGRESS to CANCELLED")
        .hasMessageContaining("COMPLETED");
    assertThatThrownBy(() -> RestoreStatus.REJECTED.requireMoveTo(RestoreStatus.APPROVED))
        .hasMessageContaining("REJECTED is final");
  }

  @Test
  void canMoveTo_neverBackwardsNorToItself() {
    for (RestoreStatus s : RestoreStatus.values()) {
      assertThat(s.canMoveTo(s)).as(s.name()).isFalse();
      assertThat(s.canMoveTo(RestoreStatus.PENDING)).as(s.name()).isFalse();
    }
  }
}
