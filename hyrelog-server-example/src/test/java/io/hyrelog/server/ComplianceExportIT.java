package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.PlanTier;
import io.hyrelog.compliance.export.ComplianceExporter;
import io.hyrelog.compliance.export.Decrypted;
import io.hyrelog.compliance.export.EncryptedFormat;
import io.hyrelog.compliance.export.ExportEncryption;
import io.hyrelog.compliance.export.ExportKey;
import io.hyrelog.server.internal.Json;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compliance.export} end to end through {@code POST /ops/jobs/compliance.export/run}:
 * {@code audit_events}, and {@code admin_audit_log} written by real dashboard requests for the
 * demo company and a second company (inserted with SQL as the database owner, as in {@link
 * DashboardRestoreIT}), plus a third company without entries.
 */
class ComplianceExportIT {
  static final String KEY_HEX =
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
  @TempDir static Path out;
  static TestServer server;
  static TestHttp http;
  static String[] auth;
  static MutableClock clock;
  static String company;
  static final UUID OTHER = UUID.randomUUID();
  static final UUID QUIET = UUID.randomUUID();
  /** The admin audit log entries the dashboard requests below wrote, per company. */
  static final Map<UUID, List<String>> ACTIONS = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
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
    PostgresTenants tenants = PostgresTenants.create(server.owner());
    tenants.createCompany(new Company(OTHER, "Other Co", DataRegion.US, PlanTier.STARTER, null));
    tenants.createCompany(new Company(QUIET, "Quiet Co", DataRegion.US, PlanTier.STARTER, null));
    UUID demo = server.demo().companyId();
    // Interleaved: the demo company's entries are not contiguous in the log.
    dashboard("GET", "/dashboard/restore-requests", null, demo, 200);
    dashboard("GET", "/dashboard/restore-requests", null, OTHER, 200);
    dashboard("POST", "/dashboard/restore-requests", "{\"archiveId\":\"" + UUID.randomUUID()
        + "\",\"tier\":\"STANDARD\",\"days\":7}", demo, 404);
    dashboard("GET", "/dashboard/restore-requests/" + UUID.randomUUID(), null, OTHER, 404);
    dashboard("GET", "/dashboard/admin/audit-logs", null, null, 200);  // no company
    dashboard("GET", "/dashboard/restore-requests?status=PENDING", null, demo, 200);
  }

  /** A dashboard request as a customer admin of {@code companyId} (or staff when null). */
  static void dashboard(String method, String path, String body, UUID companyId, int status) {
    List<String> h = new ArrayList<>(List.of("x-dashboard-token", server.dashboardToken(),
        "x-user-id", "user-42", "x-user-email", "dana@customer.example", "x-user-role",
        companyId == null ? "HYRELOG_ADMIN" : "ADMIN", "Content-Type", "application/json"));
    if (companyId != null) {
      h.addAll(List.of("x-company-id", companyId.toString()));
    }
    TestHttp.Response r = http.send(method, path, body == null ? null
        : body.getBytes(StandardCharsets.UTF_8), h.toArray(String[]::new));
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    if (companyId != null) {
      ACTIONS.computeIfAbsent(companyId, k -> new ArrayList<>()).add(r.status() == 200 ? "OK"
          : "REFUSED");
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

  /** How many files and directories the local delivery directory holds. */
  private static long files() throws java.io.IOException {
    try (var s = Files.walk(out)) {
      return s.count();
    }
  }

  static String decrypt(Path file) throws Exception {
    return decrypt(file, company);
  }

  static String decrypt(Path file, String companyId) throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(file)) {
      Decrypted d = ExportEncryption.decrypt(in, plain, ExportKey.parse("ops-2026", KEY_HEX));
      assertThat(d.descriptor().companyId()).isEqualTo(companyId);
    }
    return plain.toString(StandardCharsets.UTF_8);
  }

  /** The delivered plaintext of the run's only export, after checking its type. */
  static String only(JsonNode run, String companyId, String type) throws Exception {
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    JsonNode exports = run.path("result").path("exports");
    assertThat(exports).hasSize(1);
    assertThat(exports.get(0).path("type").asText()).isEqualTo(type);
    assertThat(exports.get(0).path("status").asText()).as(run.toString())
        .isEqualTo("DELIVERED");
    String plain = decrypt(out.resolve(exports.get(0).path("object").asText()), companyId);
    assertThat(exports.get(0).path("plaintext_bytes").asLong())
        .isEqualTo(plain.getBytes(StandardCharsets.UTF_8).length);
    return plain;
  }

  /** What no export may hold: the server's tokens, API keys and the export key. */
  static void assertNoSecrets(String plain) {
    assertThat(plain).doesNotContain(server.dashboardToken(), server.internalToken(),
        server.demo().workspaceKey(), server.demo().companyKey(), KEY_HEX);
  }

  @Test
  void run_adminAuditLogJsonl_exactlyTheCompanysEntriesOldestFirst() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    String plain = only(run("{\"companyId\":\"" + company + "\",\"types\":\"admin_audit_log\","
        + "\"format\":\"jsonl\"}"), company, "admin_audit_log");
    List<JsonNode> lines = new ArrayList<>();
    for (String l : plain.lines().toList()) {
      lines.add(Json.MAPPER.readTree(l));
    }
    assertThat(lines).extracting(n -> n.path("outcome").asText())
        .containsExactlyElementsOf(ACTIONS.get(server.demo().companyId()));
    assertThat(lines).extracting(n -> n.path("action").asText()).containsExactly(
        "restore_request.list", "restore_request.create", "restore_request.list");
    assertThat(lines).allSatisfy(n -> {
      assertThat(n.path("companyId").asText()).isEqualTo(company);
      assertThat(n.path("actorUserId").asText()).isEqualTo("user-42");
      assertThat(n.path("actorRole").asText()).isEqualTo("ADMIN");
      assertThat(n.path("at").asText()).matches(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      assertThat(n.path("requestId").asText()).isNotEmpty();
      assertThat(n.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "at",
          "actorUserId", "actorEmail", "actorRole", "companyId", "action", "target", "outcome",
          "details", "requestId");
    });
    JsonNode refused = lines.get(1);
    assertThat(refused.path("target").asText()).startsWith("archive_segment:");
    assertThat(refused.path("details").path("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(refused.path("details").path("tier").asText()).isEqualTo("STANDARD");
    // In id order, and the same entries the dashboard's own route lists (newest first there).
    List<Long> ids = lines.stream().map(n -> n.path("id").asLong()).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    TestHttp.Response page = http.get("/dashboard/admin/audit-logs?companyId=" + company,
        "x-dashboard-token", server.dashboardToken(), "x-user-id", "admin-7", "x-user-email",
        "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN");
    List<Long> listed = new ArrayList<>();
    page.json().path("data").forEach(n -> listed.add(n.path("id").asLong()));
    Collections.reverse(listed);
    assertThat(ids).isEqualTo(listed);
    assertThat(plain).doesNotContain(OTHER.toString(), "admin.audit_log.read");
    assertNoSecrets(plain);
  }

  @Test
  void run_adminAuditLogCsv_headerAndTheCompanysRecordsOnly() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    String csv = only(run("{\"companyId\":\"" + OTHER + "\",\"types\":\"admin_audit_log\","
        + "\"format\":\"csv\"}"), OTHER.toString(), "admin_audit_log");
    assertThat(csv).endsWith("\r\n");
    List<String> rows = List.of(csv.split("\r\n"));
    assertThat(rows.get(0)).isEqualTo("id,at,actorUserId,actorEmail,actorRole,companyId,"
        + "action,target,outcome,details,requestId");
    assertThat(rows).hasSize(1 + ACTIONS.get(OTHER).size());
    assertThat(rows.get(1)).contains("," + OTHER + ",restore_request.list,,OK,{},");
    assertThat(rows.get(2)).contains("," + OTHER + ",restore_request.read,,REFUSED,"
        + "\"{\"\"code\"\":\"\"NOT_FOUND\"\"}\",");
    assertThat(Long.parseLong(rows.get(1).split(",")[0]))
        .isLessThan(Long.parseLong(rows.get(2).split(",")[0]));
    assertThat(csv).doesNotContain(company);
    assertNoSecrets(csv);
  }

  @Test
  void run_adminAuditLogOfACompanyWithoutEntries_exportsAnEmptyFile() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    assertThat(only(run("{\"companyId\":\"" + QUIET + "\",\"types\":\"admin_audit_log\","
        + "\"format\":\"jsonl\"}"), QUIET.toString(), "admin_audit_log")).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(only(run("{\"companyId\":\"" + QUIET + "\",\"types\":\"admin_audit_log\","
        + "\"format\":\"csv\"}"), QUIET.toString(), "admin_audit_log")).isEqualTo(
        "id,at,actorUserId,actorEmail,actorRole,companyId,action,target,outcome,details,"
        + "requestId\r\n");
  }

  @Test
  void run_bothTypes_oneFailingDoesNotStopTheOther() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    // The admin audit log's object already exists under this second's name (either suffix).
    String base = ComplianceExporter.baseName(company, clock.instant(), "admin_audit_log",
        "jsonl");
    for (String suffix : List.of(".enc", ".enc.json")) {
      Files.createDirectories(out.resolve(base + suffix).getParent());
      Files.writeString(out.resolve(base + suffix), "taken");
    }
    JsonNode run = run("{\"companyId\":\"" + company + "\",\"types\":\"audit_events,"
        + "admin_audit_log\"}");
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    JsonNode exports = run.path("result").path("exports");
    assertThat(exports).hasSize(2);
    assertThat(exports.get(0).path("type").asText()).isEqualTo("audit_events");
    assertThat(exports.get(0).path("status").asText()).isEqualTo("DELIVERED");
    assertThat(exports.get(1).path("type").asText()).isEqualTo("admin_audit_log");
    assertThat(exports.get(1).path("status").asText()).isEqualTo("FAILED");
    assertThat(exports.get(1).path("error").asText()).contains("already delivered");
    assertThat(run.path("result").path("failed").asInt()).isEqualTo(1);
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
  void run_companyOnFree_failsNamingThePlanAndExportsNothing() throws Exception {
    UUID free = UUID.randomUUID();
    PostgresTenants.create(server.owner()).createCompany(new Company(free, "Free Co",
        DataRegion.US, PlanTier.FREE, null));
    clock.advance(Duration.ofMinutes(1));
    long before = files();
    JsonNode run = run("{\"companyId\":\"" + free + "\"}");
    assertThat(run.path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("error_message").asText()).contains("plan FREE", "PLAN_RESTRICTED");
    assertThat(files()).isEqualTo(before);
  }

  @Test
  void run_badInput_failsWithoutExporting() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    long before = files();
    JsonNode run = run("{\"companyId\":\"" + company + "\",\"types\":\"billing_entries\"}");
    assertThat(run.path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("error_message").asText())
        .contains("unknown compliance export type 'billing_entries'",
            "known: audit_events, admin_audit_log");
    run = run("{\"companyId\":\"" + company + "\",\"delivery\":\"s3\"}");
    assertThat(run.path("status").asText()).isEqualTo("FAILED");
    assertThat(run.path("error_message").asText()).contains("HYRELOG_COMPLIANCE_S3_BUCKET");
    run = run("{\"companyId\":\"" + company + "\",\"format\":\"xml\"}");
    assertThat(run.path("error_message").asText()).contains("format must be jsonl or csv");
    assertThat(files()).isEqualTo(before);
    assertThat(run.toString()).doesNotContain(KEY_HEX);
  }
}
