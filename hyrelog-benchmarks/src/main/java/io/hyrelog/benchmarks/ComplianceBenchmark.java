package io.hyrelog.benchmarks;

import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Compliance throughput of the example server on N events (default 1,000,000, recorded over 30
 * days, one chain), the server at {@code -Xmx256m} with GC logging, each job run through the ops
 * routes and timed from queueing to its end:
 *
 * <ul>
 *   <li><b>audit.snapshot</b> over the whole period: stream every event, Merkle root per chain,
 *       signed manifest stored as an asset, sealed ranges, an audit event per chain;
 *   <li><b>compliance_evidence_export</b> of the whole period: the signed zip package (events
 *       JSONL, the chain's signed checkpoint, verification report, manifest with every file's
 *       SHA-256) and its vault copy with WORM lock. No KMS envelope: once a package is sealed
 *       the server keeps no plaintext, and the offline verify below reads the zip;
 *   <li><b>compliance.export</b>: the audit events as JSONL, encrypted with the streaming AEAD
 *       format and delivered to a local directory;
 *   <li><b>offline verify</b> of the bundle: {@code hyrelog.jar verify BUNDLE.zip} in its own
 *       JVM at {@code -Xmx256m} (found beside the server jar's module, as {@code
 *       hyrelog-cli/target/hyrelog.jar}).
 * </ul>
 *
 * <p>Baseline in the same run: the raw read of the same rows over JDBC.
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.ComplianceBenchmark
 *     [--events N] [--server-jar PATH]
 * </pre>
 */
public final class ComplianceBenchmark {
  private ComplianceBenchmark() {}

  public static void main(String[] args) throws Exception {
    ExportArchiveBenchmark.Args a = ExportArchiveBenchmark.Args.parse(args, 1_000_000,
        "ComplianceBenchmark");
    run(a.events(), a.serverJar(), System.out);
  }

  /** Runs every phase; returns them, the baseline first (a failed job is reported, not listed). */
  static List<ExportArchiveBenchmark.Phase> run(long n, Path jar, PrintStream out)
      throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    List<ExportArchiveBenchmark.Phase> phases = new ArrayList<>();
    ExportArchiveBenchmark.Loaded loaded = ExportArchiveBenchmark.startAndLoad(jar, n, out,
        Map.of("HYRELOG_COMPLIANCE_ENCRYPTION_KEY", HexFormat.of().formatHex(key),
            "HYRELOG_COMPLIANCE_DELIVERY_MODE", "local"));
    try (ServerProcess server = loaded.server()) {
      Path gcLog = loaded.gcLog();
      UUID company = loaded.company();
      phases.add(ExportArchiveBenchmark.rawRead(loaded.url(), loaded.workspace(), n));

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          server.root().resolve("data").resolve("secrets.json").toFile())
          .path("internalToken").asText();
      Instant from = ExportArchiveBenchmark.START;
      Instant to = from.plus(Duration.ofDays(ExportArchiveBenchmark.DAYS));
      Instant asOf = to.plus(Duration.ofDays(1));
      String period = "\"companyId\":\"" + company + "\",\"from\":\"" + from + "\",\"to\":\""
          + to + "\"";
      Map<String, JsonNode> results = new java.util.HashMap<>();
      for (String[] j : new String[][] {{"audit.snapshot", "{" + period + "}"},
          {"compliance_evidence_export", "{" + period + ",\"vault\":true,\"envelope\":false}"},
          {"compliance.export", "{\"companyId\":\"" + company
              + "\",\"types\":\"audit_events\",\"format\":\"JSONL\"}"}}) {
        try {
          phases.add(job(server, http, token, gcLog, j[0], asOf, j[1], n, out, results));
        } catch (IllegalStateException e) {
          // Reported, and the other jobs still measured.
          out.println("  " + j[0] + " FAILED: " + e.getMessage().replaceAll(
              "(?s).*\"error_message\":(\"[^\"]*\").*", "$1"));
        }
      }
      long bytes = 0;
      try (var files = Files.walk(server.root().resolve("data"))) {
        bytes = files.filter(p -> p.toString().contains("compliance-exports"))
            .filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      out.printf(Locale.ROOT, "  encrypted compliance export: %,d bytes%n", bytes);
      JsonNode bundle = results.get("compliance_evidence_export");
      Path cli = jar.resolveSibling("../../hyrelog-cli/target/hyrelog.jar").normalize();
      if (bundle != null && Files.isRegularFile(cli)) {
        Path pkg = server.root().resolve("data").resolve("evidence")
            .resolve(company.toString()).resolve(bundle.path("package_path").asText());
        phases.add(offlineVerify(cli, pkg, bundle.path("signer_key").asText(), n, out));
      } else {
        out.println("  offline bundle verify skipped (no bundle, or no " + cli + ")");
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%,d events (one chain), server java -Xmx256m%n", n);
    out.print(Markdown.header("job", "events/s", "seconds", "ratio to raw read",
        "peak heap before GC", "max live after GC"));
    ExportArchiveBenchmark.Phase raw = phases.get(0);
    for (ExportArchiveBenchmark.Phase p : phases) {
      out.print(Markdown.row(p.name(), Markdown.number(p.eventsPerSecond()),
          String.format(Locale.ROOT, "%.1f", p.seconds()), p == raw ? "baseline"
              : String.format(Locale.ROOT, "%.3f", p.eventsPerSecond() / raw.eventsPerSecond()),
          p.heapBeforeGc(), p.heapAfterGc()));
    }
    return phases;
  }

  /**
   * What an auditor runs: {@code hyrelog.jar verify BUNDLE.zip} in its own JVM at -Xmx256m
   * (whole process, JVM start included): every entry re-hashed, every event re-hashed and
   * linked, the checkpoint and the signature checked.
   */
  private static ExportArchiveBenchmark.Phase offlineVerify(Path cli, Path pkg,
      String signerKey, long n, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("hyrelog-verify");
    Path keys = Files.writeString(dir.resolve("trusted.keys"), signerKey + "\n");
    Path gcLog = dir.resolve("gc.log");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long t = System.nanoTime();
    Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-Xlog:gc:file=" + gcLog, "-jar",
        cli.toString(), "verify", "--quiet", pkg.toString(), "--signer-key", keys.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    int code = p.waitFor();
    double secs = (System.nanoTime() - t) / 1e9;
    if (code != 0) {
      throw new IllegalStateException("hyrelog.jar verify exited " + code + ": " + output);
    }
    long[] heap = ExportArchiveBenchmark.peaks(gcLog, 0);
    out.println("  offline bundle verify: " + secs + " s, " + output.lines()
        .filter(l -> l.startsWith("OK") || l.startsWith("checkpoints_valid")).toList());
    return new ExportArchiveBenchmark.Phase("hyrelog.jar verify BUNDLE.zip (offline)", n, 0,
        secs, heap[0], heap[1]);
  }

  private static ExportArchiveBenchmark.Phase job(ServerProcess server,
      HttpClient http, String token, Path gcLog, String job, Instant asOf, String input,
      long n, PrintStream out, Map<String, JsonNode> results) throws Exception {
    long gcFrom = Files.size(gcLog);
    long t = System.nanoTime();
    JsonNode run = ExportArchiveBenchmark.runJob(http, server.baseUri(), token, job, asOf,
        input);
    double secs = (System.nanoTime() - t) / 1e9;
    long[] heap = ExportArchiveBenchmark.peaks(gcLog, gcFrom);
    out.println("  " + job + ": " + secs + " s, " + run.path("result"));
    results.put(job, run.path("result"));
    return new ExportArchiveBenchmark.Phase(job, n, 0, secs, heap[0], heap[1]);
  }
}
