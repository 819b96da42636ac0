package io.hyrelog.server;

import static io.hyrelog.server.TestHttp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.compliance.evidence.EvidenceSignatures;
import io.hyrelog.compliance.evidence.EvidenceVerifier;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.testkit.SeededKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Evidence bundles over real HTTP on a real server and database, with the external WORM and
 * KMS endpoints served by a JDK HTTP server in this JVM.
 */
class EvidenceIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String JSON = "Content-Type";
  private static final Ed25519NoteSigner ALICE = SeededKeys.signer("alice.compliance", 2);
  private static final Ed25519NoteSigner BOB = SeededKeys.signer("bob.security", 3);
  private static final Ed25519NoteSigner MALLORY = SeededKeys.signer("mallory", 4);
  private static final String TOKEN = "external-token-0123456789";
  private static final AtomicInteger WORM_STATUS = new AtomicInteger(201);
  private static final AtomicInteger WORM_CALLS = new AtomicInteger();

  private static TestServer server;
  private static TestHttp http;
  private static HttpServer external;
  private static String from;
  private static String to;

  @BeforeAll
  static void start() throws IOException {
    external = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    external.createContext("/worm/", ex -> {
      WORM_CALLS.incrementAndGet();
      boolean authorized = ("Bearer " + TOKEN).equals(ex.getRequestHeaders()
          .getFirst("Authorization"));
      ex.getRequestBody().readAllBytes();
      byte[] out = "{\"receipt_id\":\"worm-1\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(authorized ? WORM_STATUS.get() : 401, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    external.createContext("/kms/wrap", ex -> {
      JsonNode req = MAPPER.readTree(ex.getRequestBody());
      byte[] key = Base64.getDecoder().decode(req.path("data_key").asText());
      byte[] out = ("{\"key_id\":\"kms-1\",\"wrapped_key\":\""
          + Base64.getEncoder().encodeToString(key) + "\",\"receipt_id\":\"kms-r-1\"}")
          .getBytes(StandardCharsets.UTF_8); // a stand-in KMS: what it returns is its business
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    external.start();
    String base = "http://127.0.0.1:" + external.getAddress().getPort();
    server = TestServer.start(Map.of(
        "HYRELOG_EVIDENCE_COUNTERSIGN_KEYS", ALICE.verifier().verifierKey() + ","
            + BOB.verifier().verifierKey(),
        "HYRELOG_EVIDENCE_EXTERNAL_WORM_ENDPOINT", base + "/worm",
        "HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT", base + "/kms/wrap",
        "HYRELOG_EVIDENCE_EXTERNAL_AUTH_TOKEN", TOKEN,
        // The stand-in endpoints speak plain http (the JDK server in this JVM).
        "HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP", "true",
        // Several bundles a minute, beyond the production default (EvidenceLimitsIT tests it).
        "HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", "1000",
        "HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", "1000"), Clock.systemUTC());
    http = server.http();
    for (int i = 0; i < 4; i++) {
      TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
          "Authorization", "Bearer " + server.demo().workspaceKey(), JSON, "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    from = now.minus(1, ChronoUnit.HOURS).toString();
    to = now.plus(1, ChronoUnit.HOURS).toString();
  }

  @AfterAll
  static void stop() {
    server.close();
    external.stop(0);
  }

  private static TestHttp.Response post(String path, String body) {
    return http.post(path, body, "Authorization", "Bearer " + server.demo().companyKey(), JSON,
        "application/json");
  }

  private static JsonNode export(String options) {
    TestHttp.Response r = post("/compliance/evidence/export", "{\"from\":\"" + from
        + "\",\"to\":\"" + to + "\",\"options\":" + options + "}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static Path evidenceDir() {
    return server.dataDir().resolve("evidence").resolve(server.demo().companyId().toString());
  }

  private static Path vaultDir() {
    return server.dataDir().resolve("evidence-vault")
        .resolve(server.demo().companyId().toString());
  }

  @Test
  void export_companyKey_writesSignedPackageVaultCopyEnvelopeAndReceipts() throws IOException {
    JsonNode e = export("{}");
    String id = e.path("bundle_id").asText();
    assertThat(e.path("package_path").asText()).isEqualTo(id + "/" + id + ".zip");
    assertThat(e.path("signature_enabled").asBoolean()).isTrue();
    assertThat(e.path("event_count").asLong()).isEqualTo(4);
    assertThat(e.path("vault_copy_path").asText()).endsWith("/" + id);
    assertThat(e.path("vault_worm_lock_path").asText()).endsWith(id + "/worm.lock.json");
    assertThat(e.path("vault_envelope_path").asText()).endsWith(id + ".envelope.json");
    assertThat(e.path("external_worm_status").asText()).isEqualTo("OK");
    assertThat(e.path("external_kms_status").asText()).isEqualTo("OK");
    assertThat(e.path("external_worm_receipt").path("receipt_id").asText()).isEqualTo("worm-1");
    assertThat(e.toString()).doesNotContain(TOKEN);

    // Sealed in the external KMS's envelope: no plaintext is kept, here or in the vault.
    assertThat(e.path("package_encrypted").asBoolean()).isTrue();
    Path dir = evidenceDir().resolve(id);
    assertThat(dir.resolve(id + ".zip")).doesNotExist();
    assertThat(dir.resolve(id + ".zip.enc")).exists();
    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dir)) {
      files.forEach(f -> assertThat(permissions(f)).as("%s", f).isEqualTo("rw-------"));
    }
    Path lock = vaultDir().resolve(e.path("vault_worm_lock_path").asText());
    assertThat(Files.getPosixFilePermissions(lock))
        .isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(MAPPER.readTree(lock.toFile()).path("files")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(lock.resolveSibling(id + ".zip")).doesNotExist();
    // The server cannot open an envelope the external KMS wrapped: it says so.
    problem(post("/compliance/evidence/verify", "{\"package_path\":\"" + id + "\"}"), 409,
        "CONFLICT", null);
  }

  /**
   * With the local master key's envelope (the default without an external KMS) no plaintext is
   * kept either; verify and countersign open the envelope into a temporary file and remove it.
   */
  @Test
  void export_localEnvelope_noPlaintextKept_verifyOpensTheEnvelope() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false}");
    String id = e.path("bundle_id").asText();
    assertThat(e.path("package_encrypted").asBoolean()).isTrue();
    assertThat(evidenceDir().resolve(id).resolve(id + ".zip")).doesNotExist();
    TestHttp.Response v = post("/compliance/evidence/verify", "{\"package_path\":\"" + id
        + "\"}");
    assertThat(v.status()).as(v.text()).isEqualTo(200);
    JsonNode vj = v.json();
    assertThat(vj.path("package_exists").asBoolean()).isTrue();
    assertThat(vj.path("manifest_valid").asBoolean()).isTrue();
    assertThat(vj.path("events_valid").asBoolean()).isTrue();
    assertThat(vj.path("checkpoints_valid").asBoolean()).isTrue();
    assertThat(vj.path("checkpoint_count").asInt()).isEqualTo(1);
    assertThat(vj.path("signature_checked").asBoolean()).isTrue();
    assertThat(vj.path("signature_valid").asBoolean()).isTrue();
    assertThat(vj.path("valid").asBoolean()).isTrue();
    try (var files = Files.list(evidenceDir().resolve(id))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".zip")); // the temporary plaintext is gone
    }
  }

  @Test
  void export_withoutEnvelope_packagePrivateAndVerifiesOffline() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false,"
        + "\"envelope\":false}");
    Path pkg = evidenceDir().resolve(e.path("package_path").asText());
    assertThat(permissions(pkg)).isEqualTo("rw-------");
    assertThat(e.path("package_encrypted").asBoolean()).isFalse();
    // Offline, with the published signer key only.
    NoteVerifier signer = NoteVerifier.parse(e.path("signer_key").asText());
    assertThat(new EvidenceVerifier(List.of(signer), List.of()).verify(pkg, false).ok())
        .isTrue();
  }

  @Test
  void export_withProofs_everyEventProvenOfflineAndByTheVerifyRoute() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false,"
        + "\"envelope\":false,\"proofs\":true}");
    Path pkg = evidenceDir().resolve(e.path("package_path").asText());
    NoteVerifier signer = NoteVerifier.parse(e.path("signer_key").asText());
    io.hyrelog.compliance.evidence.EvidenceVerification offline =
        new EvidenceVerifier(List.of(signer), List.of()).verify(pkg, false);
    assertThat(offline.problems()).isEmpty();
    assertThat(offline.ok()).isTrue();
    assertThat(offline.proofsChecked()).isPositive().isEqualTo(offline.events());
    String id = e.path("bundle_id").asText();
    JsonNode v = post("/compliance/evidence/verify", "{\"package_path\":\"" + id + "\"}")
        .json();
    assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
    assertThat(v.path("proofs_valid").asBoolean()).isTrue();
    assertThat(v.path("proofs_checked").asLong()).isEqualTo(offline.events());
  }

  private static String permissions(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
  }

  /**
   * A period that ends after the chain's head: the bundle's checkpoint is the chain's published
   * checkpoint (same origin, size, Merkle root and head), so an auditor can tie the bundle to
   * the checkpoints the server publishes.
   */
  @Test
  void export_periodUpToTheHead_checkpointIsThePublishedCheckpoint() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false,"
        + "\"envelope\":false}");
    String ws = server.demo().workspaceId().toString();
    TestHttp.Response published = http.get("/v1/chains/" + ws + "/checkpoint",
        "Authorization", "Bearer " + server.demo().companyKey());
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    String note;
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(evidenceDir()
        .resolve(e.path("package_path").asText()).toFile())) {
      note = new String(z.getInputStream(z.getEntry("checkpoints/" + ws + ".note"))
          .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    SignedNote inBundle = SignedNote.parse(note);
    assertThat(inBundle.text()).isEqualTo(SignedNote.parse(published.text()).text());
    inBundle.verify(List.of(NoteVerifier.parse(e.path("signer_key").asText())));
    assertThat(ChainCheckpoint.from(Checkpoint.parse(inBundle.text())).size())
        .isEqualTo(e.path("event_count").asLong());
  }

  @Test
  void countersign_dualControl_entryCountAndVerify() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false}");
    String id = e.path("bundle_id").asText();
    String sig = Files.readString(evidenceDir().resolve(id).resolve(id + ".sig"));

    JsonNode required = post("/compliance/evidence/verify", "{\"package_path\":\"" + id
        + ".zip\",\"require_countersign\":true}").json();
    assertThat(required.path("countersign_checked").asBoolean()).isFalse();
    assertThat(required.path("valid").asBoolean()).isFalse();

    TestHttp.Response a = countersign(id, ALICE, EvidenceSignatures.countersignLine(ALICE, sig));
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().path("entry_count").asInt()).isEqualTo(1);
    assertThat(a.json().path("countersign_count").asInt()).isEqualTo(1);
    assertThat(vaultDir().resolve(a.json().path("vault_countersign_path").asText())).exists();
    assertThat(evidenceDir().resolve(id).resolve(id + ".countersign")).exists();

    // The same signer again is not a second control.
    TestHttp.Response again = countersign(id, ALICE,
        EvidenceSignatures.countersignLine(ALICE, sig));
    assertThat(again.json().path("entry_count").asInt()).isEqualTo(1);
    assertThat(again.json().path("added").asBoolean()).isFalse();

    TestHttp.Response b = countersign(id, BOB, EvidenceSignatures.countersignLine(BOB, sig));
    assertThat(b.json().path("entry_count").asInt()).isEqualTo(2);
    assertThat(b.json().path("countersign_count").asInt()).isEqualTo(2);

    JsonNode v = post("/compliance/evidence/verify", "{\"package_path\":\"" + id + "/" + id
        + ".zip\",\"require_countersign\":true}").json();
    assertThat(v.path("countersign_checked").asBoolean()).isTrue();
    assertThat(v.path("countersign_valid").asBoolean()).isTrue();
    assertThat(v.path("countersign_count").asInt()).isEqualTo(2);
    assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
  }

  @Test
  void countersign_badSignatures_rejectedAndNothingWritten() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false,\"vault\":false}");
    String id = e.path("bundle_id").asText();
    Path cs = evidenceDir().resolve(id).resolve(id + ".countersign");
    String sig = Files.readString(evidenceDir().resolve(id).resolve(id + ".sig"));

    // Signed over another package's digest.
    String other = SignedNote.parse(sig).text().replaceFirst("manifest-sha256 [0-9a-f]{4}",
        "manifest-sha256 0000");
    String wrongDigest = EvidenceSignatures.countersignLine(ALICE, other + "\n— x "
        + Base64.getEncoder().encodeToString(new byte[68]) + "\n");
    problem(countersign(id, ALICE, wrongDigest), 400, "VALIDATION_ERROR", "/signature");
    // Not a configured countersigner.
    problem(countersign(id, MALLORY, EvidenceSignatures.countersignLine(MALLORY, sig)), 400,
        "VALIDATION_ERROR", "/signing_key_id");
    // The bundle's own signing key: the server's (generated into the test's data dir).
    io.hyrelog.integrity.NoteSigner own = io.hyrelog.compliance.Ed25519Keys.readSigner(
        NoteVerifier.parse(e.path("signer_key").asText()).name(),
        server.dataDir().resolve("signing-key.pem"));
    assertThat(own.verifier().verifierKey()).isEqualTo(e.path("signer_key").asText());
    problem(countersign(id, own, EvidenceSignatures.countersignLine(own, sig)), 400,
        "VALIDATION_ERROR", "/signer");
    // signer / key id that do not match the line.
    String line = EvidenceSignatures.countersignLine(ALICE, sig);
    problem(post("/compliance/evidence/countersign", body(id, "bob.security",
        keyId(ALICE), line)), 400, "VALIDATION_ERROR", "/signer");
    problem(post("/compliance/evidence/countersign", body(id, "alice.compliance", "00000000",
        line)), 400, "VALIDATION_ERROR", "/signing_key_id");
    problem(post("/compliance/evidence/countersign", body(id, "alice.compliance", keyId(ALICE),
        "— alice.compliance not-base64")), 400, "VALIDATION_ERROR", "/signature");
    assertThat(cs).doesNotExist();
    // Unknown bundle of this company.
    problem(countersign(UUID.randomUUID().toString(), ALICE, line), 404, "NOT_FOUND", null);
  }

  @Test
  void verify_tamperedPackage_manifestInvalid() throws IOException {
    JsonNode e = export("{\"external_worm\":false,\"external_kms\":false,\"vault\":false,"
        + "\"envelope\":false}");
    String id = e.path("bundle_id").asText();
    Path pkg = evidenceDir().resolve(e.path("package_path").asText());
    byte[] b = Files.readAllBytes(pkg);
    b[70] ^= 1;
    Files.write(pkg, b);
    JsonNode v = post("/compliance/evidence/verify", "{\"package_path\":\"" + id + "\"}")
        .json();
    assertThat(v.path("package_exists").asBoolean()).isTrue();
    assertThat(v.path("manifest_valid").asBoolean()).isFalse();
    assertThat(v.path("valid").asBoolean()).isFalse();
    assertThat(v.path("problems")).isNotEmpty();
    // A tampered package cannot be countersigned.
    String sig = Files.readString(evidenceDir().resolve(id).resolve(id + ".sig"));
    problem(countersign(id, ALICE, EvidenceSignatures.countersignLine(ALICE, sig)), 409,
        "CONFLICT", null);
  }

  @Test
  void routes_auth_companyKeyOnly() {
    String body = "{\"package_path\":\"" + UUID.randomUUID() + "\"}";
    for (String path : List.of("/compliance/evidence/export", "/compliance/evidence/verify",
        "/compliance/evidence/countersign")) {
      problem(http.post(path, body, JSON, "application/json"), 401, "UNAUTHORIZED", null);
      problem(http.post(path, body, "Authorization", "Bearer " + server.demo().workspaceKey(),
          JSON, "application/json"), 403, "FORBIDDEN", null);
    }
    // Another company's workspace (or any unknown one) is 404.
    problem(post("/compliance/evidence/export", "{\"from\":\"" + from + "\",\"to\":\"" + to
        + "\",\"workspace_id\":\"" + UUID.randomUUID() + "\"}"), 404, "NOT_FOUND", null);
    // An unknown bundle is simply not there for this company.
    JsonNode v = post("/compliance/evidence/verify", body).json();
    assertThat(v.path("package_exists").asBoolean()).isFalse();
    assertThat(v.path("valid").asBoolean()).isFalse();
  }

  @Test
  void badInput_specificProblems() {
    for (String path : List.of("../../secrets.json", "/etc/passwd", UUID.randomUUID() + "/../x",
        UUID.randomUUID() + "/" + UUID.randomUUID() + ".zip", "x.zip", "")) {
      problem(post("/compliance/evidence/verify", "{\"package_path\":" + MAPPER.valueToTree(path)
          + "}"), 400, "VALIDATION_ERROR", "/package_path");
    }
    String id = UUID.randomUUID().toString();
    problem(post("/compliance/evidence/verify", "{\"package_path\":\"" + id
        + "\",\"signature_path\":\"../" + id + ".sig\"}"), 400, "VALIDATION_ERROR",
        "/signature_path");
    problem(post("/compliance/evidence/verify", "{\"package_path\":\"" + id
        + "\",\"signing_secret\":\"s\"}"), 400, "VALIDATION_ERROR", "/signing_secret");
    problem(post("/compliance/evidence/verify", "{\"package_path\":\"" + id
        + "\",\"require_countersign\":\"yes\"}"), 400, "VALIDATION_ERROR",
        "/require_countersign");
    problem(post("/compliance/evidence/verify", "{}"), 400, "VALIDATION_ERROR", "/package_path");
    problem(post("/compliance/evidence/export", "{\"to\":\"" + to + "\"}"), 400,
        "VALIDATION_ERROR", "/from");
    problem(post("/compliance/evidence/export", "{\"from\":\"" + to + "\",\"to\":\"" + from
        + "\"}"), 400, "VALIDATION_ERROR", "/to");
    problem(post("/compliance/evidence/export", "{\"from\":\"yesterday\",\"to\":\"" + to
        + "\"}"), 400, "VALIDATION_ERROR", "/from");
    problem(post("/compliance/evidence/export", "{\"from\":\"" + from + "\",\"to\":\"" + to
        + "\",\"options\":{\"vault\":\"yes\"}}"), 400, "VALIDATION_ERROR", "/options");
    problem(post("/compliance/evidence/export", "{\"from\":\"" + from + "\",\"to\":\"" + to
        + "\",\"options\":{\"shred\":true}}"), 400, "VALIDATION_ERROR", "/options/shred");
    problem(post("/compliance/evidence/export", "{\"from\":\"" + from + "\",\"to\":\"" + to
        + "\",\"bucket\":1}"), 400, "VALIDATION_ERROR", "/bucket");
    problem(post("/compliance/evidence/countersign", "{\"package_path\":\"" + id + "\"}"), 400,
        "VALIDATION_ERROR", "/signer");
  }

  @Test
  void export_strictExternalFailure_is503_andNotStrictReportsFailed() {
    WORM_STATUS.set(503);
    try {
      problem(post("/compliance/evidence/export", "{\"from\":\"" + from + "\",\"to\":\"" + to
          + "\",\"options\":{\"external_require_success\":true}}"), 503,
          "SERVICE_UNAVAILABLE", null);
      JsonNode e = export("{}");
      assertThat(e.path("external_worm_status").asText()).isEqualTo("FAILED");
      assertThat(e.path("errors").toString()).contains("HTTP 503").doesNotContain(TOKEN);
    } finally {
      WORM_STATUS.set(201);
    }
  }

  @Test
  void job_runFields_viaOpsRoutes_andStrictFailureFailsTheRun() {
    String[] ops = {"x-internal-token", server.internalToken(), JSON, "application/json"};
    JsonNode listed = http.get("/ops/jobs?active_only=true", ops).json();
    assertThat(listed.path("jobs").findValuesAsText("job_type"))
        .contains("compliance_evidence_export");

    TestHttp.Response r = http.post("/ops/jobs/compliance_evidence_export/run",
        "{\"input\":{\"companyId\":\"" + server.demo().companyId() + "\",\"from\":\"" + from
            + "\",\"to\":\"" + to + "\",\"external_kms\":false}}", ops);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode run = http.get("/ops/jobs/runs/" + r.json().path("run_id").asText(), ops).json();
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    JsonNode result = run.path("result");
    for (String f : List.of("bundle_id", "package_path", "signature_enabled", "vault_copy_path",
        "vault_worm_lock_path", "vault_envelope_path", "external_worm_status",
        "external_kms_status")) {
      assertThat(result.has(f)).as(f + " in " + result).isTrue();
    }
    assertThat(result.path("event_count").asLong()).isEqualTo(4);
    assertThat(result.path("external_worm_status").asText()).isEqualTo("OK");
    assertThat(result.path("external_kms_status").asText()).isEqualTo("SKIPPED");
    assertThat(evidenceDir().resolve(result.path("envelope_path").asText())).exists();

    WORM_STATUS.set(500);
    try {
      TestHttp.Response f = http.post("/ops/jobs/compliance_evidence_export/run",
          "{\"input\":{\"companyId\":\"" + server.demo().companyId() + "\",\"from\":\"" + from
              + "\",\"to\":\"" + to + "\",\"external_require_success\":true}}", ops);
      JsonNode failed = http.get("/ops/jobs/runs/" + f.json().path("run_id").asText(), ops)
          .json();
      assertThat(failed.path("status").asText()).as(failed.toString()).isNotEqualTo(
          "SUCCEEDED");
      assertThat(failed.path("error_message").asText()).contains("external_require_success")
          .doesNotContain(TOKEN);
    } finally {
      WORM_STATUS.set(201);
    }
    TestHttp.Response foreign = http.post("/ops/jobs/compliance_evidence_export/run",
        "{\"input\":{\"companyId\":\"" + UUID.randomUUID() + "\"}}", ops);
    JsonNode fr = http.get("/ops/jobs/runs/" + foreign.json().path("run_id").asText(), ops)
        .json();
    assertThat(fr.path("status").asText()).isNotEqualTo("SUCCEEDED");
  }

  private static TestHttp.Response countersign(String id, io.hyrelog.integrity.NoteSigner s,
      String line) {
    return post("/compliance/evidence/countersign", body(id, s.name(), keyId(s), line));
  }

  private static String body(String id, String signer, String keyId, String line) {
    return "{\"package_path\":\"" + id + "\",\"signer\":\"" + signer + "\",\"signing_key_id\":\""
        + keyId + "\",\"signature\":" + MAPPER.valueToTree(line) + "}";
  }

  private static String keyId(io.hyrelog.integrity.NoteSigner s) {
    return String.format("%08x", s.verifier().keyId());
  }
}
