package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.compliance.export.Decrypted;
import io.hyrelog.compliance.export.EncryptedFormat;
import io.hyrelog.compliance.export.ExportEncryption;
import io.hyrelog.compliance.export.ExportKey;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compliance.export} end to end through {@code POST /ops/jobs/compliance.export/run}. */
class ComplianceExportIT {
  static final String KEY_HEX =
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
  @TempDir static Path out;
  static TestServer server;
  static TestHttp http;
  static String[] auth;
  static MutableClock clock;
  static String company;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of("HYRELOG_COMPLIANCE_ENCRYPTION_KEY", KEY_HEX,
        "HYRELOG_COMPLIANCE_ENCRYPTION_KEY_ID", "ops-2026",
        "HYRELOG_COMPLIANCE_LOCAL_DIR", out.toString(),
        "HYRELOG_COMPLIANCE_ENVELOPE_MAX_BYTES", "600"), clock);
    http = server.http();
    auth = new String[] {"x-internal-token", server.internalToken(), "Content-Type",
        "application/json"};
    company = server.demo().companyId().toString();
    String[] categories = {"user", "billing", "user"};
    for (String c : categories) {
      TestHttp.Response r = http.post("/v1/events", "{\"category\":\"" + c
          + "\",\"action\":\"login\"}", "Authorization", "Bearer "
          + server.demo().workspaceKey(), "Content-Type", "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode run(String input) {
    TestHttp.Response r = http.post("/ops/jobs/compliance.export/run", "{\"input\":" + input
        + "}", auth);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  static String decrypt(Path file) throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(file)) {
      Decrypted d = ExportEncryption.decrypt(in, plain, ExportKey.parse("ops-2026", KEY_HEX));
      assertThat(d.descriptor().companyId()).isEqualTo(company);
    }
    return plain.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_jsonl_deliversAnEncryptedFileThatDecryptsToTheEvents() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    JsonNode run = run("{\"companyId\":\"" + company + "\",\"types\":\"audit_events\","
        + "\"format\":\"jsonl\",\"delivery\":\"local\"}");
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    JsonNode e = run.path("result").path("exports").get(0);
    assertThat(e.path("status").asText()).isEqualTo("DELIVERED");
    assertThat(e.path("object").asText()).matches("compliance-exports/" + company
        + "/\\d{8}T\\d{6}Z-audit_events\\.jsonl\\.enc(\\.json)?");
    assertThat(run.path("result").path("key_id").asText()).isEqualTo("ops-2026");
    Path file = out.resolve(e.path("object").asText());
    String jsonl = decrypt(file);
    assertThat(jsonl.lines()).hasSize(3);
    assertThat(e.path("plaintext_bytes").asLong()).isEqualTo(jsonl.getBytes(
        StandardCharsets.UTF_8).length);
    // Past HYRELOG_COMPLIANCE_ENVELOPE_MAX_BYTES the streaming format is used.
    assertThat(e.path("encrypted_format").asText()).isEqualTo(jsonl.length() > 600
        ? EncryptedFormat.STREAM.name() : EncryptedFormat.ENVELOPE.name());
    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("login");
  }

  @Test
  void run_csvByCategory_exportsOnlyThatCategory() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    JsonNode run = run("{\"companyId\":\"" + company + "\",\"format\":\"csv\","
        + "\"categories\":\"billing\"}");
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    String csv = decrypt(out.resolve(run.path("result").path("exports").get(0).path("object")
        .asText()));
    assertThat(csv.lines()).hasSize(2);
    assertThat(csv.lines().skip(1)).allMatch(l -> l.contains("billing"));
  }

  @Test
  void run_typeFails_isReported_andExitOnFailureFailsTheRun() {
    clock.advance(Duration.ofMinutes(1));
    JsonNode first = run("{\"companyId\":\"" + company + "\"}");
    assertThat(first.path("result").path("failed").asInt()).as(first.toString()).isZero();
    // Same clock second, same object name: the delivery refuses to overwrite it.
    JsonNode second = run("{\"companyId\":\"" + company + "\"}");
    assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("SUCCEEDED");
    assertThat(second.path("result").path("failed").asInt()).isEqualTo(1);
    JsonNode e = second.path("result").path("exports").get(0);
    assertThat(e.path("status").asText()).isEqualTo("FAILED");
    assertThat(e.path("error").asText()).contains("already delivered");
    JsonNode third = run("{\"companyId\":\"" + company + "\",\"exitOnFailure\":true}");
    assertThat(third.path("status").asText()).as(third.toString()).isEqualTo("FAILED");
    assertThat(third.path("error_message").asText())
        .contains("1 of 1 compliance exports failed (exit on failure)", "audit_events");
  }

  @Test
  void run_badInput_failsWithoutExporting() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    long before;
    try (var s = Files.walk(out)) {
      before = s.count();
    }
    JsonNode run = run("{\"companyId\":\"" + company + "\",\"types\":\"billing_entries\"}");
    assertThat(run.path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("error_message").asText())
        .contains("unknown compliance export type 'billing_entries'");
    run = run("{\"companyId\":\"" + company + "\",\"delivery\":\"s3\"}");
    assertThat(run.path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("error_message").asText()).contains("HYRELOG_COMPLIANCE_S3_BUCKET");
    run = run("{\"companyId\":\"" + company + "\",\"format\":\"xml\"}");
    assertThat(run.path("error_message").asText()).contains("format must be jsonl or csv");
    try (var s = Files.walk(out)) {
      assertThat(s.count()).isEqualTo(before);
    }
    assertThat(run.toString()).doesNotContain(KEY_HEX);
  }
}
