package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's events and exports ({@code GET /dashboard/events}, {@code POST
 * /dashboard/exports}, {@code GET /dashboard/exports/{jobId}[/download]}) over real HTTP against
 * a real server on PostgreSQL: the same answers as the public API with a company key (the same
 * page, the same job, byte-identical downloads), tenant isolation, plan gating, and every action
 * in the admin audit log without personal values.
 */
class DashboardDataIT {
  private static TestServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_AUTH_CACHE_SECONDS", "0"), java.time.Clock.systemUTC());
    http = server.http();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String[] user(UUID company) {
    return new String[] {"x-dashboard-token", server.dashboardToken(), "x-user-id", "user-42",
        "x-user-email", "dana@customer.example", "x-user-role", "MEMBER", "Content-Type",
        "application/json", "x-company-id", company.toString()};
  }


  private static String[] companyKey(DemoCredentials t) {
    return new String[] {"Authorization", "Bearer " + t.companyKey(), "Content-Type",
        "application/json"};
  }

  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }


  private static List<String> appendSome(DemoCredentials t, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(expect(http.post("/v1/events", "{\"category\":\"" + (i % 2 == 0 ? "user" : "billing")
          + "\",\"action\":\"a" + i + "\",\"actor\":{\"id\":\"u_" + i
          + "\",\"email\":\"person" + i + "@example.com\"}}", "Authorization", "Bearer "
          + t.workspaceKey(), "Content-Type", "application/json"), 201).path("id").asText());
    }
    return ids;
  }

  @Test
  void events_samePageAsCompanyKey_filteredAndPaged_auditedWithoutValues() {
    DemoCredentials t = server.newTenant();
    appendSome(t, 5);
    String query = "?category=user&actorEmail=person2%40example.com&limit=10";
    TestHttp.Response dash = http.get("/dashboard/events" + query, user(t.companyId()));
    JsonNode page = expect(dash, 200);
    assertThat(page).isEqualTo(expect(http.get("/v1/events" + query, companyKey(t)), 200));
    assertThat(page.path("data")).hasSize(1);
    assertThat(page.path("data").get(0).path("action").asText()).isEqualTo("a2");
    JsonNode entry = server.auditEntry(dash);
    assertThat(entry.path("action").asText()).isEqualTo("event.query");
    assertThat(entry.path("details").path("filters").toString())
        .isEqualTo("[\"actorEmail\",\"category\",\"limit\"]");
    assertThat(entry.toString()).doesNotContain("person2");

    JsonNode first = expect(http.get("/dashboard/events?limit=2", user(t.companyId())), 200);
    assertThat(first.path("data")).hasSize(2);
    JsonNode second = expect(http.get("/dashboard/events?limit=2&cursor="
        + first.path("nextCursor").asText(), user(t.companyId())), 200);
    assertThat(second.path("data").get(0).path("seq").asLong())
        .isEqualTo(first.path("data").get(1).path("seq").asLong() - 1);
  }

  @Test
  void events_otherCompanysWorkspaceOrBadParams_refusedAndAudited() {
    DemoCredentials t = server.newTenant();
    DemoCredentials other = server.newTenant();
    TestHttp.Response foreign = http.get("/dashboard/events?workspaceId=" + other.workspaceId(),
        user(t.companyId()));
    TestHttp.problem(foreign, 404, "NOT_FOUND", null);
    assertThat(server.auditEntry(foreign).path("outcome").asText()).isEqualTo("REFUSED");
    TestHttp.problem(http.get("/dashboard/events?limit=0", user(t.companyId())), 400,
        "VALIDATION_ERROR", "limit");
    TestHttp.problem(http.get("/dashboard/events?from=yesterday", user(t.companyId())), 400,
        "VALIDATION_ERROR", "from");
    TestHttp.problem(http.get("/dashboard/events?cursor=not-a-cursor", user(t.companyId())),
        400, "VALIDATION_ERROR", null);
    TestHttp.problem(http.get("/dashboard/events?colour=red", user(t.companyId())), 400,
        "VALIDATION_ERROR", "colour");
    TestHttp.problem(http.get("/dashboard/events", "x-dashboard-token",
        server.dashboardToken(), "x-user-id", "u", "x-user-email", "u@example.com",
        "x-user-role", "MEMBER"), 400, "VALIDATION_ERROR", "x-company-id");
    TestHttp.problem(http.get("/dashboard/events", user(UUID.randomUUID())), 404,
        "NOT_FOUND", null);
  }

  @Test
  void exports_createdOnDashboard_sameJobAndBytesAsPublicApi_audited() {
    DemoCredentials t = server.newTenant();
    appendSome(t, 4);
    TestHttp.Response created = http.post("/dashboard/exports",
        "{\"format\":\"JSONL\",\"filters\":{\"category\":\"user\"}}", user(t.companyId()));
    JsonNode job = expect(created, 201);
    String id = job.path("jobId").asText();
    assertThat(created.header("Location")).isEqualTo("/dashboard/exports/" + id);
    JsonNode entry = server.auditEntry(created);
    assertThat(entry.path("action").asText()).isEqualTo("export.create");
    assertThat(entry.path("target").asText()).isEqualTo("export_job:" + id);

    JsonNode status = expect(http.get("/dashboard/exports/" + id, user(t.companyId())), 200);
    assertThat(status.path("jobId").asText()).isEqualTo(id);
    TestHttp.Response viaDashboard = http.get("/dashboard/exports/" + id + "/download",
        user(t.companyId()));
    assertThat(viaDashboard.status()).as(viaDashboard.text()).isEqualTo(200);
    assertThat(viaDashboard.text().lines()).hasSize(2);
    TestHttp.Response viaKey = http.get("/v1/exports/" + id + "/download", companyKey(t));
    assertThat(viaKey.status()).isEqualTo(200);
    assertThat(viaDashboard.body()).isEqualTo(viaKey.body());
    assertThat(server.auditEntry(viaDashboard)
        .path("action").asText()).isEqualTo("export.download");

    // A job made with the company key is the company's too.
    String keyJob = expect(http.post("/v1/exports", "{\"format\":\"CSV\"}", companyKey(t)), 201)
        .path("jobId").asText();
    assertThat(expect(http.get("/dashboard/exports/" + keyJob, user(t.companyId())), 200)
        .path("format").asText()).isEqualTo("CSV");
  }

  @Test
  void exports_isolationPlanAndBadInput_refusedWithSpecificCodes() throws Exception {
    DemoCredentials t = server.newTenant();
    DemoCredentials other = server.newTenant();
    String otherJob = expect(http.post("/v1/exports", "{}", companyKey(other)), 201)
        .path("jobId").asText();
    TestHttp.Response foreign = http.get("/dashboard/exports/" + otherJob, user(t.companyId()));
    TestHttp.problem(foreign, 404, "NOT_FOUND", null);
    assertThat(server.auditEntry(foreign).path("details").path("code").asText())
        .isEqualTo("NOT_FOUND");
    TestHttp.problem(http.get("/dashboard/exports/" + otherJob + "/download",
        user(t.companyId())), 404, "NOT_FOUND", null);
    TestHttp.problem(http.get("/dashboard/exports/nope", user(t.companyId())), 404,
        "NOT_FOUND", null);
    TestHttp.problem(http.post("/dashboard/exports", "{\"format\":\"XML\"}",
        user(t.companyId())), 400, "VALIDATION_ERROR", null);
    TestHttp.problem(http.post("/dashboard/exports", "{\"filters\":{\"workspaceId\":\""
        + other.workspaceId() + "\"}}", user(t.companyId())), 404, "NOT_FOUND", null);
    TestHttp.problem(http.post("/dashboard/exports", "[]", user(t.companyId())), 400,
        "VALIDATION_ERROR", null);
    try (Connection c = server.owner().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE hyrelog.companies SET plan_tier = 'FREE' WHERE id = ?")) {
      s.setObject(1, t.companyId());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    TestHttp.Response free = http.post("/dashboard/exports", "{}", user(t.companyId()));
    TestHttp.problem(free, 403, "PLAN_RESTRICTED", null);
    assertThat(server.auditEntry(free).path("outcome").asText()).isEqualTo("REFUSED");
  }
}
