package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code hyrelog.jar} as a user would, in a separate JVM. */
@Tag("process")
class HyrelogJarIT {
  private static final Path JAR = Path.of("target", "hyrelog.jar");
  @TempDir Path dir;

  record Run(int code, byte[] out, String err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static Run java(Path stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
        : ProcessBuilder.Redirect.from(stdin.toFile()));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err);
  }

  /** The RFC 8785 vectors: our copy, and the shared originals when present beside the repo. */
  static List<Path> vectorDirs() {
    List<Path> dirs = new ArrayList<>();
    dirs.add(Path.of("..", "hyrelog-core", "src", "test", "resources", "jcs"));
    Path shared = Path.of("..", "..", "shared", "testvectors", "jcs");
    if (Files.isDirectory(shared)) {
      dirs.add(shared);
    }
    return dirs;
  }

  @Test
  void canonicalize_rfc8785Vectors_byteExact() throws Exception {
    int checked = 0;
    for (Path d : vectorDirs()) {
      try (Stream<Path> inputs = Files.list(d.resolve("input"))) {
        for (Path in : (Iterable<Path>) inputs::iterator) {
          Run r = java(in, "canonicalize");
          assertThat(r.code()).as(in + ": " + r.err()).isZero();
          assertThat(r.out()).as(in.toString())
              .isEqualTo(Files.readAllBytes(d.resolve("output").resolve(in.getFileName())));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
  }

  @Test
  void canonicalize_duplicateKeys_exitsTwo() throws Exception {
    Path in = dir.resolve("dup.json");
    Files.writeString(in, "{\"a\":1,\"b\":{\"c\":1,\"c\":1}}");
    Run r = java(in, "canonicalize");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("duplicate");
  }

  @Test
  void verify_largeGzipExport_showsProgressAndPasses_thenFailsWhenTampered() throws Exception {
    CliFixtures f = new CliFixtures(3000);
    Path file = dir.resolve("export.jsonl.gz");
    CliFixtures.write(file, f.chain(CliFixtures.WS), true);
    Path cp = dir.resolve("checkpoint.txt");
    Files.writeString(cp, f.signedCheckpoint(CliFixtures.WS));
    Path vkey = dir.resolve("k.vkey");
    Files.writeString(vkey, f.signer.verifier().verifierKey());
    Run ok = java(null, "verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", vkey.toString(), "--progress-interval", "0");
    assertThat(ok.code()).as(ok.outText() + ok.err()).isZero();
    assertThat(ok.err()).contains("hyrelog verify: 1,024 events");
    assertThat(ok.outText()).contains("OK: 2000 events in 1 chain(s) verified, 1 checkpoint(s)");

    Path plain = dir.resolve("export.jsonl");
    CliFixtures.write(plain, f.chain(CliFixtures.WS), false);
    List<String> lines = Files.readAllLines(plain);
    lines.remove(1500);
    Files.write(plain, lines);
    Run bad = java(null, "verify", plain.toString(), "-q");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.outText()).contains("GAP at seq 1501");
  }

  @Test
  void help_describesCommandsAndExitCodes() throws IOException, Exception {
    Run r = java(null, "verify", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.outText()).contains("Exit codes: 0 valid, 1 integrity failure, 2 usage");
  }

  @Test
  void keygen_inTheShadedJar_writesAKeyTheVerifierReads() throws Exception {
    Run r = java(null, "keygen", "--name", "jar-test", "--out", dir.toString());
    assertThat(r.code()).as(r.err).isZero();
    assertThat(r.outText()).contains("verifier key: jar-test+");
    io.hyrelog.compliance.PemNoteSigner s = io.hyrelog.compliance.Ed25519Keys.readSigner(
        "jar-test", dir.resolve("jar-test.key.pem"));
    assertThat(r.outText()).contains(s.verifier().verifierKey());
  }

  /**
   * The round trip an operator does: {@code keygen} makes the key, the real server (its
   * packaged jar, embedded PostgreSQL) signs a chain's checkpoint with it, and {@code verify}
   * checks the exported chain against that checkpoint with the {@code .pub.pem}.
   */
  /** The packaged server (embedded PostgreSQL), signing with {@code <keyName>.key.pem}. */
  private record Server(Process process, String base,
      com.fasterxml.jackson.databind.JsonNode demo) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Server startServer(String keyName, java.net.http.HttpClient http) throws Exception {
    Path serverJar = Path.of("..", "hyrelog-server-example", "target", "hyrelog-server.jar")
        .toAbsolutePath().normalize();
    assertThat(serverJar).as("built before this module (see the pom)").isRegularFile();
    assertThat(java(null, "keygen", "--name", keyName, "--out", dir.toString())
        .code()).isZero();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("data");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", serverJar.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile());
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("HYRELOG_HOST", "127.0.0.1");
    pb.environment().put("HYRELOG_DATA_DIR", data.toString());
    pb.environment().put("HYRELOG_SIGNING_KEY_FILE",
        dir.resolve(keyName + ".key.pem").toString());
    pb.environment().put("HYRELOG_SIGNING_KEY_NAME", keyName);
    pb.environment().put("HYRELOG_JOBS_ENABLED", "false");
    Process server = pb.start();
    String base = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Path creds = data.resolve("demo-credentials.json");
    try {
      while (!Files.exists(creds) || !ready(http, base)) {
        assertThat(server.isAlive()).as(Files.readString(dir.resolve("server.log"))).isTrue();
        assertThat(System.nanoTime()).as("server start").isLessThan(deadline);
        Thread.sleep(200);
      }
      return new Server(server, base,
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(creds.toFile()));
    } catch (Exception | Error e) {
      server.destroyForcibly();
      throw e;
    }
  }

  @Test
  void keygen_serverSignsCheckpoint_verifyAcceptsItWithThePubPem() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    try (Server server = startServer("audit.example.com", http)) {
      String base = server.base();
      var demo = server.demo();
      String auth = "Bearer " + demo.path("workspaceKey").asText();
      String chain = base + "/v1/chains/" + demo.path("workspaceId").asText();
      for (int i = 0; i < 5; i++) {
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
            + "/v1/events")).header("Authorization", auth)
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"category\":\"" + (i % 2 == 0 ? "billing" : "user")
                    + "\",\"action\":\"login\"}")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      }
      Path export = dir.resolve("chain.jsonl");
      Path checkpoint = dir.resolve("checkpoint.txt");
      get(http, chain + "/checkpoint", auth, checkpoint);
      get(http, chain + "/events.jsonl", auth, export);
      Run ok = java(null, "verify", export.toString(), "--checkpoint", checkpoint.toString(),
          "--public-key", "audit.example.com=" + dir.resolve("audit.example.com.pub.pem"), "-q");
      assertThat(ok.code()).as(ok.outText() + ok.err).isZero();
      assertThat(ok.outText()).contains("1 checkpoint(s) matched");
      // Another key does not vouch for it.
      assertThat(java(null, "keygen", "--name", "other", "--out", dir.toString()).code())
          .isZero();
      Run bad = java(null, "verify", export.toString(), "--checkpoint", checkpoint.toString(),
          "--public-key", "audit.example.com=" + dir.resolve("other.pub.pem"), "-q");
      assertThat(bad.code()).isNotZero();

      // A filtered export with per-event proofs verifies offline, each event in its chain's
      // signed checkpoint.
      var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
          + "/v1/exports")).header("Authorization", auth)
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "{\"filters\":{\"category\":\"billing\"},\"proofs\":true}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String job = base + created.headers().firstValue("Location").orElseThrow();
      Path filtered = dir.resolve("billing.jsonl");
      Path proofs = dir.resolve("billing.proofs.jsonl");
      get(http, job + "/download", auth, filtered);
      get(http, job + "/proofs", auth, proofs);
      Run proven = java(null, "verify", filtered.toString(), "--proofs", proofs.toString(),
          "--allow-gaps", "--public-key", "audit.example.com="
              + dir.resolve("audit.example.com.pub.pem"), "-q");
      assertThat(proven.code()).as(proven.outText() + proven.err).isZero();
      assertThat(proven.outText()).contains("proofs: 3 events each proven");
      Run untrusted = java(null, "verify", filtered.toString(), "--proofs", proofs.toString(),
          "--allow-gaps", "--public-key", "audit.example.com=" + dir.resolve("other.pub.pem"),
          "-q");
      assertThat(untrusted.code()).as(untrusted.outText()).isEqualTo(1);
      assertThat(untrusted.outText()).contains("UNTRUSTED_CHECKPOINT");
    }
  }

  /**
   * The company's system chain (HyreLog's record of its administration) from the real server:
   * a workspace key created and revoked with the company key, the chain downloaded as {@code
   * events.jsonl} with its signed checkpoint, and {@code verify} accepts it with the server's
   * public key — and finds a dropped event.
   */
  @Test
  void systemChain_keyCreatedAndRevoked_verifiesOfflineAgainstItsSignedCheckpoint()
      throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    try (Server server = startServer("audit.example.com", http)) {
      String auth = "Bearer " + server.demo().path("companyKey").asText();
      for (int i = 0; i < 2; i++) {
        var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            server.base() + "/v1/workspaces/" + server.demo().path("workspaceId").asText()
                + "/keys")).header("Authorization", auth)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body())
            .path("id").asText();
        var revoked = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            server.base() + "/v1/keys/" + id + "/revoke")).header("Authorization", auth)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      }
      Path status = dir.resolve("status.json");
      get(http, server.base() + "/v1/keys/status", auth, status);
      String chainId = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(status.toFile()).path("systemChainId").asText();
      String chain = server.base() + "/v1/chains/" + chainId;
      Path export = dir.resolve("system.jsonl");
      Path checkpoint = dir.resolve("system-checkpoint.txt");
      get(http, chain + "/checkpoint", auth, checkpoint);
      get(http, chain + "/events.jsonl", auth, export);
      String pub = "audit.example.com=" + dir.resolve("audit.example.com.pub.pem");
      Run ok = java(null, "verify", export.toString(), "--chain", chainId, "--checkpoint",
          checkpoint.toString(), "--public-key", pub, "-q");
      assertThat(ok.code()).as(ok.outText() + ok.err).isZero();
      assertThat(ok.outText()).contains("OK: 4 events in 1 chain(s) verified")
          .contains("1 checkpoint(s) matched");
      List<String> lines = Files.readAllLines(export);
      assertThat(lines).allSatisfy(l -> assertThat(l).contains("\"category\":\"hyrelog.admin\""));
      lines.remove(1);
      Path tampered = dir.resolve("system-tampered.jsonl");
      Files.write(tampered, lines);
      Run bad = java(null, "verify", tampered.toString(), "--checkpoint", checkpoint.toString(),
          "--public-key", pub, "-q");
      assertThat(bad.code()).as(bad.outText()).isEqualTo(1);
      assertThat(bad.outText()).contains("GAP at seq 2");
    }
  }

  private static boolean ready(java.net.http.HttpClient http, String base) {
    try {
      return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
          + "/openapi.json")).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void get(java.net.http.HttpClient http, String url, String auth, Path to)
      throws Exception {
    var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .header("Authorization", auth).build(),
        java.net.http.HttpResponse.BodyHandlers.ofFile(to));
    assertThat(r.statusCode()).as(Files.readString(to)).isEqualTo(200);
  }
}
