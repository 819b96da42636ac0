package io.hyrelog.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadWindowTest {
  @Test
  void run_workersThroughWarmupAndWindow_countsUnitsOperationsAndTotals() throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicInteger closed = new AtomicInteger();
    List<String> edges = Collections.synchronizedList(new ArrayList<>());
    LoadWindow.Measurement m = LoadWindow.run(3, Duration.ofMillis(50), Duration.ofMillis(200),
        "test-worker", i -> new LoadWindow.Worker() {
          @Override
          public int step() throws InterruptedException {
            Thread.sleep(1);
            done.addAndGet(2);
            return 2; // two units per operation
          }

          @Override
          public void close() {
            closed.incrementAndGet();
          }
        }, new LoadWindow.Observer() {
          @Override
          public void windowStart() {
            edges.add("start");
          }

          @Override
          public void windowEnd(double seconds) {
            edges.add("end " + seconds);
          }
        });
    assertThat(edges).containsExactly("start", "end 0.2");
    assertThat(closed).hasValue(3);
    assertThat(m.operations()).isPositive();
    assertThat(m.units()).isEqualTo(2 * m.operations());
    assertThat(m.totalUnits()).isEqualTo(done.get()).isGreaterThanOrEqualTo(m.units());
    assertThat(m.latencies().count()).isEqualTo(m.operations());
    assertThat(m.seconds()).isEqualTo(0.2);
    assertThat(m.windowEnd()).isAfterOrEqualTo(m.windowStart());
  }

  @Test
  void run_workerFails_failureIsTheCauseAndEveryWorkerCloses() {
    AtomicInteger closed = new AtomicInteger();
    assertThatThrownBy(() -> LoadWindow.run(2, Duration.ZERO, Duration.ofSeconds(30), "failing",
        i -> new LoadWindow.Worker() {
          @Override
          public int step() {
            throw new IllegalStateException("HTTP 500");
          }

          @Override
          public void close() {
            closed.incrementAndGet();
          }
        }, new LoadWindow.Observer() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("HTTP 500");
    assertThat(closed).hasValue(2);
  }
}
