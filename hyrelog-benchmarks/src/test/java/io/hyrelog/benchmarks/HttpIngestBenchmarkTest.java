package io.hyrelog.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Config;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Mode;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Report;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Result;
import io.hyrelog.testkit.SampleEvents;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the HTTP load driver: the real server jar (built by the reactor before this
 * module, see the POM) as a separate process, every run for 2 s after a 1 s warm-up with 1 and 4
 * clients, the raw-insert baseline for a second at 2 threads. Proves the driver runs, counts
 * only 2xx responses and the server's chain verifies with exactly the acknowledged events;
 * asserts nothing about speed.
 */
class HttpIngestBenchmarkTest {
  @Test
  void everyRunIngestsAndTheServersChainHoldsExactlyTheAcknowledgedEvents() throws Exception {
    Config cfg = new Config(HttpIngestBenchmark.defaultServerJar(), Duration.ofSeconds(1),
        Duration.ofSeconds(2), List.of(1, 4), 20, 2, 50, 500, Duration.ofSeconds(120));
    assertThat(Files.isRegularFile(cfg.serverJar()))
        .as("server jar %s (-D%s)", cfg.serverJar().toAbsolutePath(),
            HttpIngestBenchmark.SERVER_JAR_PROPERTY)
        .isTrue();

    Report report = HttpIngestBenchmark.run(cfg, null);

    assertThat(report.results()).extracting(Result::mode, Result::clients,
        Result::eventsPerRequest).containsExactly(tuple(Mode.SINGLE, 1, 1),
            tuple(Mode.SINGLE, 4, 1), tuple(Mode.BATCH, 1, 20), tuple(Mode.BATCH, 4, 20));
    long acknowledged = 0;
    for (Result r : report.results()) {
      String what = r.mode() + " x" + r.clients();
      assertThat(r.requests()).as(what).isPositive();
      assertThat(r.events()).as(what).isEqualTo(r.requests() * r.eventsPerRequest());
      assertThat(r.eventsPerSecond()).as(what).isPositive();
      assertThat(r.p50Ms()).as(what).isPositive();
      assertThat(r.p99Ms()).as(what).isGreaterThanOrEqualTo(r.p50Ms());
      assertThat(r.acknowledged()).as(what).isGreaterThanOrEqualTo(r.events());
      acknowledged += r.acknowledged();
    }
    assertThat(report.verification().ok()).isTrue();
    assertThat(report.verification().headSeq()).isEqualTo(acknowledged);
    assertThat(report.rawInsert().eventsPerSecond()).isPositive();
    assertThat(report.serverStop()).startsWith("SIGTERM, exited");

    String md = report.markdown();
    assertThat(md).contains("| ingest | clients | requests/s | events/s | p50 ms | p99 ms |"
        + " ratio to raw-insert baseline |");
    assertThat(md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| ingest")))
        .hasSize(report.results().size() + 1);
    assertThat(md).contains("not measured (no 64-client run)").contains("JDK: ")
        .contains("valid=true");
  }

  @Test
  void requestBodiesCarryTheSampleEventsInTheApiForm() throws Exception {
    ObjectNode n = HttpIngestBenchmark.requestJson(new SampleEvents(1).next(null));
    assertThat(n.fieldNames()).toIterable()
        .containsExactly("category", "action", "actor", "resource", "metadata");
    assertThat(n.path("actor").path("email").asText()).endsWith("@example.com");
    assertThat(new ObjectMapper().writeValueAsBytes(n).length).isBetween(300, 1000);
  }
}
