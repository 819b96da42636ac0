package io.hyrelog.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the compliance benchmark on 2,000 events: the real server jar as a separate
 * process, every job through the ops routes, and the bundle verified offline by the real
 * {@code hyrelog.jar} (both built by the reactor before this module, see the POM). Proves every
 * phase runs and succeeds; asserts nothing about speed.
 */
class ComplianceBenchmarkTest {
  @Test
  void everyJobSucceeds_andTheBundleVerifiesOffline() throws Exception {
    assertThat(Files.isRegularFile(HttpIngestBenchmark.defaultServerJar())).isTrue();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<ExportArchiveBenchmark.Phase> phases;
    try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      phases = ComplianceBenchmark.run(2_000, HttpIngestBenchmark.defaultServerJar()
          .toAbsolutePath(), out);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(phases).as(text).extracting(ExportArchiveBenchmark.Phase::name)
        .containsExactly("raw read (JDBC, same rows)", "audit.snapshot", "compliance_evidence_export",
            "compliance.export", "hyrelog.jar verify BUNDLE.zip (offline)");
    assertThat(phases).allSatisfy(p -> {
      assertThat(p.events()).isEqualTo(2_000);
      assertThat(p.seconds()).isPositive();
    });
    assertThat(text).doesNotContain("FAILED").contains("checkpoints_valid: true",
        "OK: evidence bundle verified");
  }
}
