package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.PlanTier;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's restore routes over real HTTP against a real server (embedded PostgreSQL,
 * local directory archive with simulated restores) on a virtual clock: events are ingested,
 * archived and marked cold through the ops job routes (as in {@link LifecycleIT}), then a restore
 * request goes PENDING → APPROVED → IN_PROGRESS → COMPLETED → EXPIRED with the jobs run on demand
 * ({@code restore.initiate}, {@code restore.check}, {@code restore.expire}), while exports see the
 * segment readable and then cold again. A second company (STARTER, no restores) and a segment
 * that is not cold are inserted with SQL as the database owner.
 */
class DashboardRestoreIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static TestServer server;
  private static TestHttp http;
  private static javax.sql.DataSource owner;
  private static final UUID OTHER = UUID.randomUUID();
  private static UUID otherSegment;
  private static UUID warmSegment;
  /** The demo company's two cold segments. */
  private static final List<String> COLD = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"), CLOCK);
    http = server.http();
    for (int day = 0; day < 3; day++) {
      TestHttp.Response r = http.post("/v1/events/batch", "{\"events\":[{\"category\":\"user\","
          + "\"action\":\"login\"},{\"category\":\"user\",\"action\":\"logout\"}]}",
          "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      CLOCK.advance(Duration.ofDays(1));
    }
    Instant archived = T0.plus(Duration.ofDays(92));
    CLOCK.set(archived);
    runJob("retention.mark");
    assertThat(runJob("archive.run").path("segments_verified").asInt()).isEqualTo(2);
    CLOCK.set(archived.plus(Duration.ofDays(181)));
    assertThat(runJob("archive.cold_mark").path("segments_marked_cold").asInt()).isEqualTo(2);
    TestHttp.Response refused = export();
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    refused.json().path("archiveIds").forEach(n -> COLD.add(n.asText()));
    assertThat(COLD).hasSize(2);

    owner = server.owner();
    PostgresTenants.create(owner).createCompany(new Company(OTHER, "Other Co", DataRegion.US,
        PlanTier.STARTER, null));
    otherSegment = segment(OTHER, true);
    warmSegment = segment(server.demo().companyId(), false);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static UUID segment(UUID company, boolean cold) throws SQLException {
    UUID id = UUID.randomUUID();
    var t = T0.atOffset(ZoneOffset.UTC);
    try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO hyrelog.archive_segments (id, company_id, day, object_key, status, events,"
            + " min_recorded_at, max_recorded_at, size_bytes, sha256, created_at, uploaded_at,"
            + " verified_at, cold_at) VALUES (?, ?, DATE '2026-03-01', ?, 'VERIFIED', 1, ?, ?,"
            + " 2048, decode(repeat('ab', 32), 'hex'), ?, ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setObject(2, company);
      ps.setString(3, "archives/" + company + "/2026/03/01/" + id + ".jsonl.gz");
      for (int i = 4; i <= 8; i++) {
        ps.setObject(i, t);
      }
      ps.setObject(9, cold ? t : null);
      ps.executeUpdate();
    }
    try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO hyrelog.archive_segment_ranges VALUES (?, ?, 1, 1, ?, ?)")) {
      ps.setObject(1, id);
      ps.setObject(2, UUID.randomUUID());
      ps.setBytes(3, new byte[32]);
      ps.setBytes(4, new byte[32]);
      ps.executeUpdate();
    }
    return id;
  }

  private static JsonNode runJob(String job) {
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run",
        "{\"asOf\":\"" + CLOCK.instant() + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private static TestHttp.Response export() {
    return http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\"}", "Authorization",
        "Bearer " + server.demo().companyKey(), "Content-Type", "application/json");
  }

  private static String[] user(UUID company, String role, String... extra) {
    List<String> h = new ArrayList<>(List.of("x-dashboard-token", server.dashboardToken(),
        "x-user-id", role.equals("HYRELOG_ADMIN") ? "admin-7" : "user-42", "x-user-email",
        role.equals("HYRELOG_ADMIN") ? "ops@hyrelog.example" : "dana@customer.example",
        "x-user-role", role, "Content-Type", "application/json"));
    if (company != null) {
      h.addAll(List.of("x-company-id", company.toString()));
    }
    h.addAll(List.of(extra));
    return h.toArray(String[]::new);
  }

  private static String[] customer() {
    return user(server.demo().companyId(), "ADMIN");
  }

  private static String[] admin() {
    return user(null, "HYRELOG_ADMIN");
  }

  private static String[] without(String[] headers, String name) {
    List<String> h = new ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      if (!headers[i].equals(name)) {
        h.add(headers[i]);
        h.add(headers[i + 1]);
      }
    }
    return h.toArray(String[]::new);
  }

  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  private static JsonNode problem(TestHttp.Response r, int status, String code) {
    JsonNode p = expect(r, status);
    assertThat(p.path("code").asText()).as(r.text()).isEqualTo(code);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    return p;
  }

  private static JsonNode create(String archiveId, String tier, Integer days) {
    return expect(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + archiveId
        + "\",\"tier\":\"" + tier + "\"" + (days == null ? "" : ",\"days\":" + days) + "}",
        customer()), 201);
  }

  private static JsonNode get(String id) {
    return expect(http.get("/dashboard/restore-requests/" + id, customer()), 200);
  }

  private static TestHttp.Response admin(String id, String action, String body) {
    return http.post("/dashboard/admin/restore-requests/" + id + "/" + action, body, admin());
  }

  @Test
  void restoreRequest_pendingToExpired_throughTheRoutesAndTheJobs() {
    String a = COLD.get(0);
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + a
        + "\",\"tier\":\"EXPEDITED\"}", customer()), 403, "PLAN_RESTRICTED");
    JsonNode r = create(a, "STANDARD", 7);
    String id = r.path("id").asText();
    assertThat(r.path("status").asText()).isEqualTo("PENDING");
    assertThat(r.path("archiveId").asText()).isEqualTo(a);
    assertThat(r.path("companyId").asText()).isEqualTo(server.demo().companyId().toString());
    assertThat(r.path("requestedBy").path("email").asText()).isEqualTo("dana@customer.example");
    assertThat(r.path("estimatedCost").path("currency").asText()).isEqualTo("USD");
    // One small object, STANDARD: 0.05 / 1000 per request plus a sliver per byte.
    assertThat(new java.math.BigDecimal(r.path("estimatedCost").path("amount").asText()))
        .isBetween(new java.math.BigDecimal("0.00005"), new java.math.BigDecimal("0.0001"));
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + a + "\"}",
        customer()), 409, "RESTORE_REQUEST_EXISTS");
    assertThat(expect(http.get("/dashboard/restore-requests", customer()), 200).path("data"))
        .anySatisfy(n -> assertThat(n.path("id").asText()).isEqualTo(id));
    assertThat(expect(http.get("/dashboard/admin/restore-requests?status=PENDING", admin()),
        200).path("data")).anySatisfy(n -> assertThat(n.path("id").asText()).isEqualTo(id));

    assertThat(expect(admin(id, "approve", null), 200).path("approvedBy").asText())
        .isEqualTo("admin-7");
    problem(admin(id, "approve", null), 409, "INVALID_TRANSITION");
    assertThat(runJob("restore.initiate").path("initiated").asInt()).isEqualTo(1);
    assertThat(get(id).path("status").asText()).isEqualTo("IN_PROGRESS");
    problem(http.send("DELETE", "/dashboard/restore-requests/" + id, null, customer()), 409,
        "INVALID_TRANSITION");
    problem(admin(id, "cancel", null), 409, "INVALID_TRANSITION");

    // The local store's STANDARD restore takes 2 minutes on the server's clock.
    assertThat(runJob("restore.check").path("in_progress").asInt()).isEqualTo(1);
    CLOCK.advance(Duration.ofMinutes(3));
    assertThat(runJob("restore.check").path("completed").asInt()).isEqualTo(1);
    JsonNode done = get(id);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    Instant until = Instant.parse(done.path("restoredUntil").asText());
    assertThat(until).isAfter(CLOCK.instant().plus(Duration.ofDays(6)));
    // Restored: exports now need only the other segment restored; asking again is NOT_COLD.
    assertThat(expect(export(), 409).path("archiveIds")).extracting(JsonNode::asText)
        .containsExactly(COLD.get(1));
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + a + "\"}",
        customer()), 409, "NOT_COLD");

    CLOCK.set(until.minusSeconds(1));
    assertThat(runJob("restore.expire").path("expired").asInt()).isZero();
    CLOCK.set(until);
    assertThat(runJob("restore.expire").path("expired").asInt()).isEqualTo(1);
    JsonNode expired = get(id);
    assertThat(expired.path("status").asText()).isEqualTo("EXPIRED");
    assertThat(expired.path("expiredAt").asText()).isEqualTo(until.toString());
    assertThat(expect(export(), 409).path("archiveIds")).hasSize(2);
  }

  @Test
  void rejectionAndCancellations_andTheirRefusals() {
    String b = COLD.get(1);
    String first = create(b, "BULK", null).path("id").asText();
    assertThat(get(first).path("days").asInt()).isEqualTo(7);
    JsonNode cancelled = expect(http.send("DELETE", "/dashboard/restore-requests/" + first,
        null, customer()), 200);
    assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.path("cancelledBy").asText()).isEqualTo("user-42");

    String second = create(b, "STANDARD", 3).path("id").asText();
    problem(admin(second, "reject", "{}"), 400, "VALIDATION_ERROR");
    problem(admin(second, "reject", "{\"reason\":\"\"}"), 400, "VALIDATION_ERROR");
    JsonNode rejected = expect(admin(second, "reject", "{\"reason\":\"use the export from"
        + " March instead\"}"), 200);
    assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
    assertThat(rejected.path("rejectionReason").asText()).startsWith("use the export");
    problem(admin(second, "approve", null), 409, "INVALID_TRANSITION");

    String third = create(b, "STANDARD", 30).path("id").asText();
    expect(admin(third, "approve", null), 200);
    problem(http.send("DELETE", "/dashboard/restore-requests/" + third, null, customer()), 409,
        "INVALID_TRANSITION");
    assertThat(expect(admin(third, "cancel", null), 200).path("status").asText())
        .isEqualTo("CANCELLED");
    assertThat(runJob("restore.initiate").path("initiated").asInt()).isZero();
  }

  @Test
  void badRequests_andPlanRules() {
    String b = COLD.get(1);
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + b
        + "\",\"days\":31}", customer()), 400, "VALIDATION_ERROR");
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + b
        + "\",\"tier\":\"FAST\"}", customer()), 400, "VALIDATION_ERROR");
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"nope\"}", customer()),
        400, "VALIDATION_ERROR");
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + b + "\",\"x\":1}",
        customer()), 400, "VALIDATION_ERROR");
    JsonNode tier = problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + b
        + "\",\"tier\":\"EXPEDITED\"}", customer()), 403, "PLAN_RESTRICTED");
    assertThat(tier.path("allowedTiers")).extracting(JsonNode::asText)
        .containsExactly("BULK", "STANDARD");
    // Another company's segment is not found, whatever its state.
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + otherSegment
        + "\"}", customer()), 404, "NOT_FOUND");
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + UUID.randomUUID()
        + "\"}", customer()), 404, "NOT_FOUND");
    JsonNode starter = problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\""
        + otherSegment + "\"}", user(OTHER, "MEMBER")), 403, "PLAN_RESTRICTED");
    assertThat(starter.path("allowedTiers")).isEmpty();
    problem(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + warmSegment + "\"}",
        customer()), 409, "NOT_COLD");
    problem(http.get("/dashboard/restore-requests?status=LOST", customer()), 400,
        "VALIDATION_ERROR");
    problem(http.get("/dashboard/restore-requests/" + UUID.randomUUID(), customer()), 404,
        "NOT_FOUND");
  }

  @Test
  void authentication_tokenUserHeadersCompanyAndAdminRole() {
    String path = "/dashboard/restore-requests";
    String[] good = customer();
    problem(http.get(path), 401, "UNAUTHORIZED");
    problem(http.get(path, "x-dashboard-token", "wrong-token-wrong-token", "x-user-id", "u",
        "x-user-email", "u@example.com", "x-user-role", "ADMIN", "x-company-id",
        server.demo().companyId().toString()), 401, "UNAUTHORIZED");
    // An API key is no dashboard credential.
    problem(http.get(path, "Authorization", "Bearer " + server.demo().companyKey()), 401,
        "UNAUTHORIZED");
    for (String header : List.of("x-user-id", "x-user-email", "x-user-role", "x-company-id")) {
      JsonNode p = problem(http.get(path, without(good, header)), 400, "VALIDATION_ERROR");
      assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo(header);
      assertThat(p.path("errors").get(0).path("code").asText()).isEqualTo("REQUIRED");
    }
    Map<String, String> malformed = Map.of("x-user-email", "not-an-email", "x-user-role",
        "ROLE WITH SPACES", "x-company-id", "company-1", "x-user-id", "has space");
    malformed.forEach((header, value) -> {
      List<String> h = new ArrayList<>(List.of(without(good, header)));
      h.addAll(List.of(header, value));
      JsonNode p = problem(http.get(path, h.toArray(String[]::new)), 400, "VALIDATION_ERROR");
      assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo(header);
      assertThat(p.path("errors").get(0).path("code").asText()).isEqualTo("INVALID_FORMAT");
    });
    problem(http.get(path, user(UUID.randomUUID(), "ADMIN")), 404, "NOT_FOUND");
    TestHttp.Response forbidden = http.get("/dashboard/admin/restore-requests",
        user(null, "ADMIN"));
    problem(forbidden, 403, "FORBIDDEN");
    problem(admin(UUID.randomUUID().toString(), "approve", null), 404, "NOT_FOUND");

    // The refused admin attempt is in the audit log, the unauthenticated ones are not.
    TestHttp.Response unauthenticated = http.get(path, "x-dashboard-token", "nope");
    JsonNode log = expect(http.get("/dashboard/admin/audit-logs?limit=200", admin()), 200);
    Set<String> requestIds = new HashSet<>();
    log.path("data").forEach(e -> requestIds.add(e.path("requestId").asText()));
    assertThat(requestIds).doesNotContain(unauthenticated.header("X-Request-Id"));
    JsonNode entry = null;
    for (JsonNode e : log.path("data")) {
      if (e.path("requestId").asText().equals(forbidden.header("X-Request-Id"))) {
        entry = e;
      }
    }
    assertThat(entry).as(log.toString()).isNotNull();
    assertThat(entry.path("outcome").asText()).isEqualTo("REFUSED");
    assertThat(entry.path("action").asText()).isEqualTo("admin.restore_request.list");
    assertThat(entry.path("details").path("code").asText()).isEqualTo("FORBIDDEN");
    assertThat(entry.path("actor").path("role").asText()).isEqualTo("ADMIN");
  }

  @Test
  void auditLog_everyActionNewestFirst_pagedWithoutGapsOrRepeats() {
    TestHttp.Response created = http.post("/dashboard/restore-requests", "{\"archiveId\":\""
        + warmSegment + "\"}", customer());
    problem(created, 409, "NOT_COLD");
    TestHttp.Response listed = http.get("/dashboard/restore-requests", customer());
    expect(listed, 200);
    JsonNode first = expect(http.get("/dashboard/admin/audit-logs?limit=2", admin()), 200);
    assertThat(first.path("data")).hasSize(2);
    JsonNode newest = first.path("data").get(0);
    assertThat(newest.path("requestId").asText()).isEqualTo(listed.header("X-Request-Id"));
    assertThat(newest.path("action").asText()).isEqualTo("restore_request.list");
    assertThat(newest.path("outcome").asText()).isEqualTo("OK");
    assertThat(newest.path("companyId").asText())
        .isEqualTo(server.demo().companyId().toString());
    assertThat(newest.path("actor").path("email").asText()).isEqualTo("dana@customer.example");
    JsonNode refused = first.path("data").get(1);
    assertThat(refused.path("action").asText()).isEqualTo("restore_request.create");
    assertThat(refused.path("outcome").asText()).isEqualTo("REFUSED");
    assertThat(refused.path("target").asText()).isEqualTo("archive_segment:" + warmSegment);
    assertThat(refused.path("details").path("code").asText()).isEqualTo("NOT_COLD");

    // Walking all pages: ids strictly decreasing, none twice, ending with nextCursor null.
    List<Long> ids = new ArrayList<>();
    String cursor = null;
    for (int guard = 0; guard < 1000; guard++) {
      JsonNode page = expect(http.get("/dashboard/admin/audit-logs?limit=3"
          + (cursor == null ? "" : "&before=" + cursor), admin()), 200);
      page.path("data").forEach(e -> ids.add(Long.parseLong(e.path("id").asText())));
      if (page.path("nextCursor").isNull()) {
        break;
      }
      cursor = page.path("nextCursor").asText();
    }
    assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder())
        .doesNotHaveDuplicates();
    assertThat(ids.get(ids.size() - 1)).isEqualTo(1L);
    problem(http.get("/dashboard/admin/audit-logs?before=0", admin()), 400, "VALIDATION_ERROR");
    problem(http.get("/dashboard/admin/audit-logs?limit=201", admin()), 400, "VALIDATION_ERROR");
  }
}
