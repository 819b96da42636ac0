package io.hyrelog.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void merge_recordersOfSeveralThreads_sortedNearestRankPercentiles() {
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    for (int i = 100; i >= 1; i--) {
      (i % 2 == 0 ? a : b).record(i * 1_000_000L); // 1..100 ms, unsorted, split in two
    }
    Latencies all = Latencies.merge(List.of(a, b));
    assertThat(all.count()).isEqualTo(100);
    assertThat(all.percentileMillis(0.50)).isEqualTo(50.0);
    assertThat(all.percentileMillis(0.99)).isEqualTo(99.0);
    assertThat(all.maxMillis()).isEqualTo(100.0);
  }

  @Test
  void record_beyondInitialCapacity_keepsEveryValue() {
    Latencies l = new Latencies();
    for (int i = 0; i < 10_000; i++) {
      l.record(10_000 - i);
    }
    assertThat(l.count()).isEqualTo(10_000);
    assertThat(l.percentile(1.0)).isEqualTo(10_000);
    assertThat(l.percentile(0.0001)).isEqualTo(1);
  }

  @Test
  void percentile_none_isZero() {
    assertThat(new Latencies().percentile(0.5)).isZero();
    assertThat(Latencies.merge(List.of()).maxMillis()).isZero();
  }
}
