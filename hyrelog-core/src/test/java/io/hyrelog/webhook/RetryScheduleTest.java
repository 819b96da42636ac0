package io.hyrelog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void nextAttempt_eachFailure_seedDelays() {
    assertThat(RetrySchedule.nextAttempt(1, T)).contains(T.plusSeconds(60));
    assertThat(RetrySchedule.nextAttempt(2, T)).contains(T.plusSeconds(5 * 60));
    assertThat(RetrySchedule.nextAttempt(3, T)).contains(T.plusSeconds(30 * 60));
    assertThat(RetrySchedule.nextAttempt(4, T)).contains(T.plusSeconds(6 * 3600));
  }

  @Test
  void nextAttempt_fifthOrLaterFailure_none() {
    assertThat(RetrySchedule.nextAttempt(5, T)).isEqualTo(Optional.empty());
    assertThat(RetrySchedule.nextAttempt(6, T)).isEmpty();
  }

  @Test
  void nextAttempt_attemptZero_refused() {
    assertThatThrownBy(() -> RetrySchedule.nextAttempt(0, T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Test
  void disableAfter_fiveDays() {
    assertThat(RetrySchedule.DISABLE_AFTER.toHours()).isEqualTo(5 * 24);
  }
}
