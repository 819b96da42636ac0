package io.hyrelog.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.hyrelog.benchmarks.ChainTreeBenchmark.Config;
import io.hyrelog.benchmarks.ChainTreeBenchmark.Report;
import io.hyrelog.benchmarks.ChainTreeBenchmark.Result;
import io.hyrelog.benchmarks.ChainTreeBenchmark.Stats;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the tree benchmark at tiny sizes on embedded PostgreSQL (or the server named by
 * {@code HYRELOG_TEST_JDBC_URL}): the loader's raw rows and tiles give checkpoints and proofs
 * that pass the run's own verification gate. Asserts nothing about speed.
 */
class ChainTreeBenchmarkTest {
  @Test
  void run_tinySizes_measuresEveryOperationAtEverySizeAndVerifies() throws Exception {
    Config cfg = new Config(List.of(5_300L, 300L), 15, 3, System.getenv("HYRELOG_TEST_JDBC_URL"));

    Report report = ChainTreeBenchmark.run(cfg, null);

    assertThat(report.results()).extracting(Result::size).containsExactly(300L, 5_300L);
    for (Result r : report.results()) {
      for (Stats s : List.of(r.checkpoint(), r.inclusion(), r.consistency(), r.headRead())) {
        assertThat(s.p50Ms()).as("size %d", r.size()).isPositive();
        assertThat(s.p99Ms()).as("size %d", r.size()).isGreaterThanOrEqualTo(s.p50Ms());
      }
    }
    String md = report.markdown();
    assertThat(md).contains("| events in the chain | checkpoint p50 / p99 ms |")
        .contains("| 5,300 |").contains("PostgreSQL: 1").contains("JDK: ");
  }

  @Test
  void parse_sizesAndTheTenMillionFlag_addUpAndBadValuesAreRefused() {
    assertThat(ChainTreeBenchmark.parse(new String[0]).sizes())
        .containsExactly(1_000L, 100_000L, 1_000_000L);
    assertThat(ChainTreeBenchmark.parse(new String[] {"--sizes", "1000,50", "--with-10m",
        "--samples", "9"})).satisfies(c -> {
          assertThat(c.sizes()).containsExactly(50L, 1_000L, 10_000_000L);
          assertThat(c.samples()).isEqualTo(9);
        });
    assertThatIllegalArgumentException().isThrownBy(() -> new Config(List.of(0L), 1, 0, null));
    assertThatIllegalArgumentException().isThrownBy(() -> new Config(List.of(5L), 0, 0, null));
  }
}
