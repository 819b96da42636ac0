package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dashboard's tenancy routes over real HTTP against a real server on PostgreSQL: the company
 * of {@code x-company-id} with its plan and limits, and for HyreLog's staff the companies list
 * (filters, cursor paging across pages), the plans from the {@code plans} table, company,
 * workspace and project creation usable at once through the public API, and plan assignment
 * taking effect on the very next request. Every action — allowed or refused — is in the admin
 * audit log; bad input is a problem with a stable code and a JSON Pointer and changes nothing.
 */
class DashboardTenantsIT {
  private static TestServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    // A long key cache: plan changes must not wait for it.
    server = TestServer.start(Map.of("HYRELOG_AUTH_CACHE_SECONDS", "3600",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"), java.time.Clock.systemUTC());
    http = server.http();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String[] admin() {
    return server.dashboardUser(null, "HYRELOG_ADMIN");
  }

  static String[] customer(UUID company) {
    return server.dashboardUser(company, "ADMIN");
  }

  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }


  private static TestHttp.Response event(DemoCredentials t, String category) {
    return http.post("/v1/events", "{\"category\":\"" + category + "\",\"action\":\"a\"}",
        "Authorization", "Bearer " + t.workspaceKey(), "Content-Type", "application/json");
  }

  private static TestHttp.Response assign(UUID company, String body) {
    return http.post("/dashboard/admin/companies/" + company + "/plan", body, admin());
  }

  @Test
  void company_ofHeader_showsTierOverridesAndLimitsInForce() {
    DemoCredentials t = server.newTenant();
    TestHttp.Response r = http.get("/dashboard/company", customer(t.companyId()));
    JsonNode c = expect(r, 200);
    assertThat(c.path("id").asText()).isEqualTo(t.companyId().toString());
    assertThat(c.path("region").asText()).isEqualTo("US");
    assertThat(c.path("plan").asText()).isEqualTo("GROWTH");
    assertThat(c.path("planOverrides").size()).isZero();
    JsonNode limits = c.path("limits");
    assertThat(limits.path("hotRetentionDays").asInt()).isEqualTo(90);
    assertThat(limits.path("archiveRetentionDays").asInt()).isEqualTo(365);
    assertThat(limits.path("maxWebhooks").asInt()).isEqualTo(3);
    assertThat(limits.path("evidenceBundlesEnabled").asBoolean()).isTrue();
    JsonNode entry = server.auditEntry(r);
    assertThat(entry.path("action").asText()).isEqualTo("company.read");
    assertThat(entry.path("outcome").asText()).isEqualTo("OK");
    assertThat(entry.path("companyId").asText()).isEqualTo(t.companyId().toString());
  }

  @Test
  void plans_listTheTableRowsAndTheBuiltInCategories() throws Exception {
    JsonNode p = expect(http.get("/dashboard/admin/plans", admin()), 200);
    assertThat(p.path("region").asText()).isEqualTo("US");
    List<String> tiers = new ArrayList<>();
    p.path("data").forEach(n -> tiers.add(n.path("tier").asText()));
    assertThat(tiers).containsExactly("FREE", "STARTER", "GROWTH", "ENTERPRISE");
    JsonNode free = p.path("data").get(0);
    assertThat(free.path("archiveRetentionDays").isNull()).isTrue();
    assertThat(free.path("customCategoriesEnabled").asBoolean()).isFalse();
    assertThat(p.path("data").get(3).path("maxExportRows").isNull()).isTrue();
    assertThat(p.path("builtInCategories").toString()).contains("\"user\"", "\"billing\"");
  }

  @Test
  void plans_tableEdited_valuesComeFromTheTable() throws Exception {
    DemoCredentials t = server.newTenant(io.hyrelog.PlanTier.STARTER);
    try (var c = server.owner().getConnection(); var s = c.createStatement()) {
      s.executeUpdate("UPDATE hyrelog.plans SET max_export_rows = 1234 WHERE tier = 'STARTER'");
    }
    try {
      Thread.sleep(1100); // the plans cache (Tenancy.PLANS_CACHE) expires
      JsonNode c = expect(http.get("/dashboard/company", customer(t.companyId())), 200);
      assertThat(c.path("limits").path("maxExportRows").asLong()).isEqualTo(1234);
      JsonNode p = expect(http.get("/dashboard/admin/plans", admin()), 200);
      assertThat(p.path("data").get(1).path("maxExportRows").asLong()).isEqualTo(1234);
    } finally {
      try (var c = server.owner().getConnection(); var s = c.createStatement()) {
        s.executeUpdate("UPDATE hyrelog.plans SET max_export_rows = 250000"
            + " WHERE tier = 'STARTER'");
      }
    }
  }

  @Test
  void createCompanyWorkspaceProject_adminRoutes_usableAndAudited() {
    TestHttp.Response created = http.post("/dashboard/admin/companies",
        "{\"name\":\"  Globex  \",\"region\":\"us\",\"plan\":\"STARTER\"}", admin());
    JsonNode c = expect(created, 201);
    String companyId = c.path("id").asText();
    assertThat(c.path("name").asText()).isEqualTo("Globex");
    assertThat(c.path("plan").asText()).isEqualTo("STARTER");
    assertThat(c.path("limits").path("webhooksEnabled").asBoolean()).isFalse();
    JsonNode entry = server.auditEntry(created);
    assertThat(entry.path("action").asText()).isEqualTo("admin.company.create");
    assertThat(entry.path("target").asText()).isEqualTo("company:" + companyId);
    assertThat(entry.path("details").path("plan").asText()).isEqualTo("STARTER");

    TestHttp.Response ws = http.post("/dashboard/admin/companies/" + companyId
        + "/workspaces", "{\"name\":\"Staging\"}", admin());
    JsonNode w = expect(ws, 201);
    assertThat(w.path("companyId").asText()).isEqualTo(companyId);
    assertThat(server.auditEntry(ws).path("action").asText()).isEqualTo("admin.workspace.create");
    TestHttp.Response pr = http.post("/dashboard/admin/workspaces/" + w.path("id").asText()
        + "/projects", "{\"name\":\"Web\"}", admin());
    JsonNode p = expect(pr, 201);
    assertThat(p.path("workspaceId").asText()).isEqualTo(w.path("id").asText());
    assertThat(p.path("companyId").asText()).isEqualTo(companyId);
    JsonNode pe = server.auditEntry(pr);
    assertThat(pe.path("action").asText()).isEqualTo("admin.project.create");
    assertThat(pe.path("companyId").asText()).isEqualTo(companyId);

    JsonNode read = expect(http.get("/dashboard/company", customer(UUID.fromString(companyId))),
        200);
    assertThat(read.path("name").asText()).isEqualTo("Globex");
  }

  @Test
  void companies_pagedWithCursorAndFiltered_eachCompanyOnce() {
    for (int i = 0; i < 3; i++) {
      expect(http.post("/dashboard/admin/companies", "{\"name\":\"Paged " + i + "\","
          + "\"region\":\"US\",\"plan\":\"ENTERPRISE\"}", admin()), 201);
    }
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = expect(http.get("/dashboard/admin/companies?limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), admin()), 200);
      assertThat(page.path("data").size()).isBetween(1, 2);
      page.path("data").forEach(n -> {
        assertThat(seen.add(n.path("id").asText())).isTrue();
        order.add(n.path("id").asText());
      });
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 1000);
    assertThat(order).isSorted();
    JsonNode all = expect(http.get("/dashboard/admin/companies?limit=200", admin()), 200);
    assertThat(all.path("data").size()).isEqualTo(seen.size());
    JsonNode enterprise = expect(http.get("/dashboard/admin/companies?plan=ENTERPRISE"
        + "&region=US&limit=200", admin()), 200);
    assertThat(enterprise.path("data").size()).isGreaterThanOrEqualTo(3);
    enterprise.path("data").forEach(n -> assertThat(n.path("plan").asText())
        .isEqualTo("ENTERPRISE"));
  }

  @Test
  void assignPlan_nextRequest_usesTheNewPlanDespiteTheKeyCache() {
    DemoCredentials t = server.newTenant();
    assertThat(event(t, "deploy").status()).isEqualTo(201); // GROWTH: custom categories
    TestHttp.Response r = assign(t.companyId(), "{\"plan\":\"FREE\"}");
    JsonNode c = expect(r, 200);
    assertThat(c.path("plan").asText()).isEqualTo("FREE");
    assertThat(c.path("limits").path("customCategoriesEnabled").asBoolean()).isFalse();
    JsonNode entry = server.auditEntry(r);
    assertThat(entry.path("action").asText()).isEqualTo("admin.company.plan.assign");
    assertThat(entry.path("details").path("from").asText()).isEqualTo("GROWTH");
    assertThat(entry.path("details").path("to").asText()).isEqualTo("FREE");
    assertThat(entry.path("companyId").asText()).isEqualTo(t.companyId().toString());

    TestHttp.Response refused = event(t, "deploy");
    TestHttp.problem(refused, 403, "CUSTOM_CATEGORY_RESTRICTED", "/category");
    assertThat(refused.json().path("allowedCategories").toString()).contains("\"user\"");
    assertThat(event(t, "user").status()).isEqualTo(201);
    TestHttp.Response batch = http.post("/v1/events/batch", "{\"events\":[{\"category\":"
        + "\"user\",\"action\":\"a\"},{\"category\":\"deploy\",\"action\":\"b\"}]}",
        "Authorization", "Bearer " + t.workspaceKey(), "Content-Type", "application/json");
    TestHttp.problem(batch, 403, "CUSTOM_CATEGORY_RESTRICTED", "/events/1/category");

    expect(assign(t.companyId(), "{\"plan\":\"growth\"}"), 200);
    assertThat(event(t, "deploy").status()).isEqualTo(201);
  }

  @Test
  void adminRoutes_nonAdmin_forbiddenAndAudited() {
    DemoCredentials t = server.newTenant();
    TestHttp.Response r = http.post("/dashboard/admin/companies/" + t.companyId() + "/plan",
        "{\"plan\":\"ENTERPRISE\"}", customer(t.companyId()));
    TestHttp.problem(r, 403, "FORBIDDEN", null);
    JsonNode entry = server.auditEntry(r);
    assertThat(entry.path("outcome").asText()).isEqualTo("REFUSED");
    assertThat(entry.path("details").path("code").asText()).isEqualTo("FORBIDDEN");
    assertThat(expect(http.get("/dashboard/company", customer(t.companyId())), 200)
        .path("plan").asText()).isEqualTo("GROWTH");
  }

  static List<Arguments> badInputs() {
    return List.of(
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan", "{}", 400,
            "VALIDATION_ERROR", "/plan"),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan", "{\"plan\":\"GOLD\"}", 400,
            "VALIDATION_ERROR", "/plan"),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan", "{\"plan\":3}", 400,
            "VALIDATION_ERROR", "/plan"),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan",
            "{\"plan\":\"FREE\",\"extra\":1}", 400, "VALIDATION_ERROR", "/extra"),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan", "[\"FREE\"]", 400,
            "VALIDATION_ERROR", null),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/plan", "{\"plan\":", 400,
            "VALIDATION_ERROR", null),
        Arguments.of("POST", "/dashboard/admin/companies/" + UUID.randomUUID() + "/plan",
            "{\"plan\":\"FREE\"}", 404, "NOT_FOUND", null),
        Arguments.of("POST", "/dashboard/admin/companies/not-a-uuid/plan",
            "{\"plan\":\"FREE\"}", 404, "NOT_FOUND", null),
        Arguments.of("POST", "/dashboard/admin/companies",
            "{\"name\":\"X\",\"region\":\"MARS\",\"plan\":\"FREE\"}", 400, "VALIDATION_ERROR",
            "/region"),
        Arguments.of("POST", "/dashboard/admin/companies",
            "{\"name\":\"X\",\"region\":\"EU\",\"plan\":\"FREE\"}", 400, "VALIDATION_ERROR",
            "/region"),
        Arguments.of("POST", "/dashboard/admin/companies",
            "{\"name\":\"   \",\"region\":\"US\",\"plan\":\"FREE\"}", 400, "VALIDATION_ERROR",
            "/name"),
        Arguments.of("POST", "/dashboard/admin/companies",
            "{\"name\":\"" + "n".repeat(201) + "\",\"region\":\"US\",\"plan\":\"FREE\"}", 400,
            "VALIDATION_ERROR", "/name"),
        Arguments.of("POST", "/dashboard/admin/companies", "{\"region\":\"US\",\"plan\":"
            + "\"FREE\"}", 400, "VALIDATION_ERROR", "/name"),
        Arguments.of("POST", "/dashboard/admin/companies", "{\"name\":\"X\",\"region\":\"US\"}",
            400, "VALIDATION_ERROR", "/plan"),
        Arguments.of("POST", "/dashboard/admin/companies/" + UUID.randomUUID()
            + "/workspaces", "{\"name\":\"W\"}", 404, "NOT_FOUND", null),
        Arguments.of("POST", "/dashboard/admin/companies/{c}/workspaces",
            "{\"name\":\"a\\u0000b\"}", 400, "VALIDATION_ERROR", "/name"),
        Arguments.of("POST", "/dashboard/admin/workspaces/" + UUID.randomUUID() + "/projects",
            "{\"name\":\"P\"}", 404, "NOT_FOUND", null),
        Arguments.of("POST", "/dashboard/admin/workspaces/{w}/projects", "{\"name\":true}", 400,
            "VALIDATION_ERROR", "/name"),
        Arguments.of("GET", "/dashboard/admin/companies?limit=0", null, 400,
            "VALIDATION_ERROR", "limit"),
        Arguments.of("GET", "/dashboard/admin/companies?plan=GOLD", null, 400,
            "VALIDATION_ERROR", "plan"),
        Arguments.of("GET", "/dashboard/admin/companies?cursor=%21%21", null, 400,
            "VALIDATION_ERROR", "cursor"),
        Arguments.of("GET", "/dashboard/admin/companies?cursor=" + java.util.Base64
            .getUrlEncoder().encodeToString("US:nope".getBytes()), null, 400,
            "VALIDATION_ERROR", "cursor"),
        Arguments.of("GET", "/dashboard/admin/companies?region=EU", null, 400,
            "VALIDATION_ERROR", "region"),
        Arguments.of("GET", "/dashboard/admin/companies?sort=name", null, 400,
            "VALIDATION_ERROR", "sort"),
        Arguments.of("GET", "/dashboard/admin/plans?region=XX", null, 400, "VALIDATION_ERROR",
            "region"));
  }

  @ParameterizedTest(name = "[{index}] {0} {1} {2}")
  @MethodSource("badInputs")
  void badInput_problemWithStableCode_changesNothingAndIsAudited(String method, String path,
      String body, int status, String code, String field) {
    DemoCredentials t = server.newTenant();
    String p = path.replace("{c}", t.companyId().toString())
        .replace("{w}", t.workspaceId().toString());
    int companiesBefore = expect(http.get("/dashboard/admin/companies?limit=200", admin()),
        200).path("data").size();
    TestHttp.Response r = http.send(method, p, body == null ? null
        : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), admin());
    TestHttp.problem(r, status, code, field);
    JsonNode entry = server.auditEntry(r);
    assertThat(entry.path("outcome").asText()).isEqualTo("REFUSED");
    assertThat(entry.path("details").path("code").asText()).isEqualTo(code);
    assertThat(expect(http.get("/dashboard/company", customer(t.companyId())), 200)
        .path("plan").asText()).isEqualTo("GROWTH");
    assertThat(expect(http.get("/dashboard/admin/companies?limit=200", admin()), 200)
        .path("data").size()).isEqualTo(companiesBefore);
  }
}
