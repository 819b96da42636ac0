package io.hyrelog.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class JobPolicyTest {
  @Test
  void constructor_badValues_rejectedNamingTheParameter() {
    assertThatThrownBy(() -> JobPolicy.of(0, Duration.ofSeconds(1)))
        .hasMessageContaining("maxAttempts must be 1..100, got 0");
    assertThatThrownBy(() -> JobPolicy.of(1, Duration.ZERO)).hasMessageContaining("timeout");
    assertThatThrownBy(() -> JobPolicy.of(1, Duration.ofSeconds(1))
        .withRetryDelay(Duration.ofSeconds(-1))).hasMessageContaining("retryDelay");
  }

  @Test
  void backoff_doublesFromRetryDelay() {
    JobPolicy p = JobPolicy.of(5, Duration.ofMinutes(1)).withRetryDelay(Duration.ofSeconds(10));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(40));
    assertThatThrownBy(() -> p.backoff(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void backoff_neverDecreasesAndIsCapped(@ForAll @IntRange(min = 2, max = 99) int n) {
    JobPolicy p = JobPolicy.of(100, Duration.ofMinutes(1));
    assertThat(p.backoff(n + 1)).isGreaterThanOrEqualTo(p.backoff(n))
        .isLessThanOrEqualTo(Duration.ofDays(1));
  }

  @Test
  void withSchedule_keepsTheRest() {
    JobPolicy p = JobPolicy.of(3, Duration.ofHours(1))
        .withSchedule(JobSchedule.dailyUtc(LocalTime.of(2, 30)));
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.schedule()).contains(new JobSchedule.Daily(LocalTime.of(2, 30)));
    assertThat(JobPolicy.of(3, Duration.ofHours(1)).schedule()).isEqualTo(Optional.empty());
  }

  @Test
  void schedules_validateAndDescribe() {
    assertThat(JobSchedule.cron(" 0  15 3 * * * ").describe()).isEqualTo("cron 0 15 3 * * * UTC");
    assertThat(JobSchedule.every(Duration.ofMinutes(15)).describe()).isEqualTo("every PT15M");
    assertThat(JobSchedule.dailyUtc(LocalTime.of(2, 30)).describe())
        .isEqualTo("daily 02:30 UTC");
    assertThatThrownBy(() -> JobSchedule.cron("0 15 3 * *")).hasMessageContaining("six fields");
    assertThatThrownBy(() -> JobSchedule.cron("0 15 3 * * ;")).hasMessageContaining("';'");
    assertThatThrownBy(() -> JobSchedule.every(Duration.ofMillis(10)))
        .hasMessageContaining("at least 1 second");
  }
}
