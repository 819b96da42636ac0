package io.hyrelog.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.hyrelog.benchmarks.PostgresAppendBenchmark.Config;
import io.hyrelog.benchmarks.PostgresAppendBenchmark.Kind;
import io.hyrelog.benchmarks.PostgresAppendBenchmark.Report;
import io.hyrelog.benchmarks.PostgresAppendBenchmark.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the load driver: every scenario for about a second, with tiny thread counts, on
 * embedded PostgreSQL (or the server named by {@code HYRELOG_TEST_JDBC_URL}). Proves the
 * driver runs and its library scenarios verify; asserts nothing about speed.
 */
class PostgresAppendBenchmarkTest {
  @Test
  void everyScenarioCommitsEventsAndTheLibraryChainsVerify() throws Exception {
    Config cfg = new Config(Duration.ofMillis(300), Duration.ofSeconds(1),
        System.getenv("HYRELOG_TEST_JDBC_URL"), List.of(2), List.of(2), List.of(1, 3),
        List.of(1, 4), 50, 500, true);

    Report report = PostgresAppendBenchmark.run(cfg, null);

    assertThat(report.results()).extracting(Result::kind).containsExactly(Kind.RAW_INSERT,
        Kind.TX_PER_EVENT, Kind.LIBRARY, Kind.LIBRARY, Kind.LIBRARY, Kind.LIBRARY);
    assertThat(report.results()).extracting(Result::threads, Result::chains)
        .containsExactly(tuple(2, 0), tuple(2, 0), tuple(1, 1), tuple(3, 1), tuple(1, 4),
            tuple(3, 4));
    for (Result r : report.results()) {
      assertThat(r.events()).as(r.scenario()).isPositive();
      assertThat(r.eventsPerSecond()).as(r.scenario()).isPositive();
      assertThat(r.p50Ms()).as(r.scenario()).isPositive();
      assertThat(r.p99Ms()).as(r.scenario()).isGreaterThanOrEqualTo(r.p50Ms());
      assertThat(r.ratio()).as(r.scenario()).isPositive();
      if (r.kind() == Kind.LIBRARY) {
        assertThat(r.verified()).as(r.scenario() + " verified").isTrue();
        assertThat(r.totalEvents()).isGreaterThanOrEqualTo(r.events());
      }
    }
    String md = report.markdown();
    assertThat(md).contains("| scenario | threads | chains | events/s | p50 ms | p99 ms |"
        + " ratio to raw-insert baseline |");
    assertThat(md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| scenario")))
        .hasSize(report.results().size());
    assertThat(md).contains("PostgreSQL: 1").contains("JDK: ");
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(PostgresAppendBenchmark.percentile(sorted, 0.50)).isEqualTo(50);
    assertThat(PostgresAppendBenchmark.percentile(sorted, 0.99)).isEqualTo(99);
    assertThat(PostgresAppendBenchmark.percentile(new long[] {7}, 0.99)).isEqualTo(7);
    assertThat(PostgresAppendBenchmark.percentile(new long[0], 0.5)).isZero();
  }
}
