package io.hyrelog.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.benchmarks.HttpIngestBenchmark.Mode;
import io.hyrelog.benchmarks.WebhookBenchmark.Config;
import io.hyrelog.benchmarks.WebhookBenchmark.Paced;
import io.hyrelog.benchmarks.WebhookBenchmark.Phase;
import io.hyrelog.benchmarks.WebhookBenchmark.Report;
import io.hyrelog.benchmarks.WebhookBenchmark.Run;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the webhook load driver against the real server jar (a separate process) and
 * the driver's real receiver: 2 endpoints, 40 events/s for 2 s, then one saturation round of 1 s
 * windows with 2 clients. Proves every acknowledged event reached every endpoint exactly once
 * with a verified signature (the driver fails otherwise), and that the on/off runs were
 * interleaved and reported; asserts nothing about speed.
 */
class WebhookBenchmarkTest {
  @Test
  void pacedRun_deliversEveryEventToEveryEndpointOnce_andSaturationRunsBothStates()
      throws Exception {
    Config cfg = new Config(HttpIngestBenchmark.defaultServerJar(), 2, 40, Duration.ofSeconds(2),
        Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(1), 1, 2, 2, 10,
        Set.of(Phase.PACED, Phase.SATURATION), List.of(), Duration.ofSeconds(120));
    assertThat(Files.isRegularFile(cfg.serverJar())).as("server jar %s",
        cfg.serverJar().toAbsolutePath()).isTrue();

    Report report = WebhookBenchmark.run(cfg, null);

    Paced p = report.paced();
    assertThat(p.events()).isPositive();
    assertThat(p.expected()).isEqualTo(p.events() * 2);
    assertThat(p.deliveries()).isEqualTo(p.expected());
    assertThat(p.sinceResponse().count()).isEqualTo((int) p.expected());
    assertThat(p.sinceRecorded().percentile(0.5))
        .isGreaterThanOrEqualTo(p.sinceResponse().percentile(0.5));
    assertThat(report.badSignatures()).isZero();
    assertThat(report.runs()).extracting(Run::mode, Run::webhooks).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Mode.SINGLE, true),
        org.assertj.core.groups.Tuple.tuple(Mode.SINGLE, false),
        org.assertj.core.groups.Tuple.tuple(Mode.BATCH, true),
        org.assertj.core.groups.Tuple.tuple(Mode.BATCH, false));
    assertThat(report.runs()).allSatisfy(r -> assertThat(r.result().events()).isPositive());
    assertThat(report.ratio(Mode.SINGLE)).isPositive();
    assertThat(report.serverStop()).startsWith("SIGTERM, exited");
    String md = report.markdown();
    assertThat(md).contains("| deliveries received, each once, signatures verified | "
        + String.format(java.util.Locale.ROOT, "%,d of %,d", p.expected(), p.expected()));
    assertThat(md).contains("| ingest | clients | events/s on (per round) |");
  }

  @Test
  void median_ofOddAndEvenCounts() {
    assertThat(WebhookBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(WebhookBenchmark.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(WebhookBenchmark.median(List.of())).isNaN();
  }
}
