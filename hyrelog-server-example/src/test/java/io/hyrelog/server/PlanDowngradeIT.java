package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The downgrade matrix over real HTTP against a real server (PostgreSQL, local archive) on a
 * virtual clock: each row assigns a lower plan through {@code POST
 * /dashboard/admin/companies/{id}/plan}, shows the feature refused on the next request, shows
 * the data kept (read through the API or, where the API is itself gated, as the database
 * owner), and an upgrade bringing the feature back over the same data.
 *
 * <p>Setup: two GROWTH companies ingest at T0; at T0+92d their events are archived; at
 * T0+273d only the {@code cold} company's segments are marked cold (the job's {@code
 * companyId} input), so the {@code warm} company's archive stays exportable.
 */
class PlanDowngradeIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static final int EVENTS = 4;
  private static TestServer server;
  private static TestHttp http;
  private static DemoCredentials cold;
  private static DemoCredentials warm;
  private static final List<String> COLD_SEGMENTS = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"), CLOCK);
    http = server.http();
    cold = server.demo();
    warm = server.newTenant();
    for (DemoCredentials t : List.of(cold, warm)) {
      for (int i = 0; i < EVENTS; i++) {
        expect(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
            json(t.workspaceKey())), 201);
      }
    }
    CLOCK.set(T0.plus(Duration.ofDays(92)));
    runJob("retention.mark", "");
    assertThat(runJob("archive.run", "").path("segments_verified").asInt()).isEqualTo(2);
    CLOCK.set(T0.plus(Duration.ofDays(92 + 181)));
    assertThat(runJob("archive.cold_mark", ",\"input\":{\"companyId\":\"" + cold.companyId()
        + "\"}").path("segments_marked_cold").asInt()).isEqualTo(1);
    TestHttp.Response refused = http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\"}",
        json(cold.companyKey()));
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    refused.json().path("archiveIds").forEach(n -> COLD_SEGMENTS.add(n.asText()));
    assertThat(COLD_SEGMENTS).hasSize(1);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String[] json(String key) {
    return new String[] {"Authorization", "Bearer " + key, "Content-Type", "application/json"};
  }

  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  private static JsonNode runJob(String job, String extra) {
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run", "{\"asOf\":\""
        + CLOCK.instant() + "\",\"region\":\"US\"" + extra + "}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private static void assign(DemoCredentials t, String tier) {
    JsonNode c = expect(http.post("/dashboard/admin/companies/" + t.companyId() + "/plan",
        "{\"plan\":\"" + tier + "\"}", server.dashboardUser(null, "HYRELOG_ADMIN")), 200);
    assertThat(c.path("plan").asText()).isEqualTo(tier);
  }

  private static String[] customer(DemoCredentials t) {
    return server.dashboardUser(t.companyId(), "ADMIN");
  }

  private static String[] admin() {
    return server.dashboardUser(null, "HYRELOG_ADMIN");
  }

  private static long rows(byte[] jsonl) {
    return new String(jsonl, java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> !l.isBlank()).count();
  }

  @Test
  void exports_downgradeToFree_newOnesRefusedEarlierOneStillDownloads() {
    DemoCredentials t = server.newTenant();
    expect(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"a\"}",
        json(t.workspaceKey())), 201);
    String job = expect(http.post("/v1/exports", "{}", json(t.companyKey())), 201)
        .path("jobId").asText();
    assign(t, "FREE");
    TestHttp.problem(http.post("/v1/exports", "{}", json(t.companyKey())), 403,
        "PLAN_RESTRICTED", null);
    TestHttp.Response kept = http.get("/v1/exports/" + job + "/download",
        "Authorization", "Bearer " + t.companyKey());
    assertThat(kept.status()).as(kept.text()).isEqualTo(200);
    assertThat(rows(kept.body())).isEqualTo(1);
    assign(t, "STARTER");
    expect(http.post("/v1/exports", "{}", json(t.companyKey())), 201);
  }

  @Test
  void archivedExports_downgradeToFree_refusedArchiveKeptForAnUpgrade() {
    assign(warm, "FREE");
    TestHttp.Response refused = http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\"}",
        json(warm.companyKey()));
    TestHttp.problem(refused, 403, "PLAN_RESTRICTED", null);
    assign(warm, "GROWTH");
    // The customer's workspace: the company's system chain holds the two plan assignments.
    JsonNode job = expect(http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\","
        + "\"filters\":{\"workspaceId\":\"" + warm.workspaceId() + "\"}}",
        json(warm.companyKey())), 201);
    TestHttp.Response all = http.get("/v1/exports/" + job.path("jobId").asText()
        + "/download", "Authorization", "Bearer " + warm.companyKey());
    assertThat(all.status()).as(all.text()).isEqualTo(200);
    assertThat(rows(all.body())).as("every archived event is still there").isEqualTo(EVENTS);
  }

  @Test
  void webhooks_downgradeToStarter_endpointDisabledPlanRestrictedAndKept() throws Exception {
    DemoCredentials t = server.newTenant();
    JsonNode hook = expect(http.post("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        json(t.companyKey())), 201);
    String id = hook.path("id").asText();
    expect(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"a\"}",
        json(t.workspaceKey())), 201);
    TestHttp.Response assigned = http.post("/dashboard/admin/companies/" + t.companyId()
        + "/plan", "{\"plan\":\"STARTER\"}", admin());
    expect(assigned, 200);
    JsonNode listed = expect(http.get("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        "Authorization", "Bearer " + t.companyKey()), 200).path("data");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("enabled").asBoolean()).isFalse();
    assertThat(listed.get(0).path("disabledReason").asText()).isEqualTo("PLAN_RESTRICTED");
    TestHttp.problem(http.post("/v1/webhooks/" + id + "/enable", null,
        "Authorization", "Bearer " + t.companyKey()), 403, "PLAN_RESTRICTED", null);
    TestHttp.problem(http.post("/dashboard/webhooks/" + id + "/enable", null, customer(t)),
        403, "PLAN_RESTRICTED", null);
    try (var c = server.owner().getConnection(); var s = c.prepareStatement(
        "SELECT count(*) FROM hyrelog.webhook_deliveries WHERE endpoint_id = ?")) {
      s.setObject(1, UUID.fromString(id));
      try (var rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).as("the delivery is kept").isEqualTo(1);
      }
    }
    assign(t, "GROWTH");
    JsonNode enabled = expect(http.post("/v1/webhooks/" + id + "/enable", null,
        "Authorization", "Bearer " + t.companyKey()), 200);
    assertThat(enabled.path("enabled").asBoolean()).isTrue();
    assertThat(expect(http.get("/v1/webhooks/" + id + "/deliveries", "Authorization",
        "Bearer " + t.companyKey()), 200).path("data")).hasSize(1);
  }

  @Test
  void webhooks_downgradeEnterpriseToGrowth_newestBeyondTheLimitDisabled_enableRefused() {
    DemoCredentials t = server.newTenant();
    assign(t, "ENTERPRISE");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(expect(http.post("/v1/workspaces/" + t.workspaceId() + "/webhooks",
          "{\"url\":\"http://127.0.0.1:9/hook" + i + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
          json(t.companyKey())), 201).path("id").asText());
      CLOCK.advance(Duration.ofMillis(1)); // creation order is the endpoints' order
    }
    assign(t, "GROWTH");
    JsonNode listed = expect(http.get("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        "Authorization", "Bearer " + t.companyKey()), 200).path("data");
    assertThat(listed).hasSize(5);
    for (int i = 0; i < 5; i++) {
      JsonNode e = listed.get(i);
      assertThat(e.path("id").asText()).isEqualTo(ids.get(i));
      assertThat(e.path("enabled").asBoolean()).as("endpoint " + i).isEqualTo(i < 3);
      if (i >= 3) {
        assertThat(e.path("disabledReason").asText()).isEqualTo("PLAN_LIMIT_EXCEEDED");
      }
    }
    TestHttp.problem(http.post("/v1/webhooks/" + ids.get(4) + "/enable", null,
        "Authorization", "Bearer " + t.companyKey()), 422, "PLAN_LIMIT_EXCEEDED", null);
    expect(http.post("/v1/webhooks/" + ids.get(0) + "/disable", null,
        "Authorization", "Bearer " + t.companyKey()), 200);
    expect(http.post("/v1/webhooks/" + ids.get(4) + "/enable", null,
        "Authorization", "Bearer " + t.companyKey()), 200);
  }

  @Test
  void restores_downgradeToStarter_existingRequestKeptNewAndApprovalRefused() {
    String segment = COLD_SEGMENTS.get(0);
    JsonNode r = expect(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + segment
        + "\",\"tier\":\"STANDARD\"}", customer(cold)), 201);
    String id = r.path("id").asText();
    assign(cold, "STARTER");
    try {
      assertThat(expect(http.get("/dashboard/restore-requests/" + id, customer(cold)), 200)
          .path("status").asText()).isEqualTo("PENDING");
      TestHttp.problem(http.post("/dashboard/admin/restore-requests/" + id + "/approve", null,
          admin()), 403, "PLAN_RESTRICTED", null);
      assertThat(expect(http.get("/dashboard/restore-requests/" + id, customer(cold)), 200)
          .path("status").asText()).isEqualTo("PENDING");
      expect(http.send("DELETE", "/dashboard/restore-requests/" + id, null,
          customer(cold)), 200);
      TestHttp.Response refused = http.post("/dashboard/restore-requests", "{\"archiveId\":\""
          + segment + "\",\"tier\":\"STANDARD\"}", customer(cold));
      TestHttp.problem(refused, 403, "PLAN_RESTRICTED", null);
      assertThat(refused.json().path("allowedTiers")).isEmpty();
      assign(cold, "GROWTH");
      String again = expect(http.post("/dashboard/restore-requests", "{\"archiveId\":\""
          + segment + "\",\"tier\":\"STANDARD\"}", customer(cold)), 201).path("id").asText();
      assertThat(expect(http.post("/dashboard/admin/restore-requests/" + again + "/approve",
          null, admin()), 200).path("status").asText()).isEqualTo("APPROVED");
    } finally {
      assign(cold, "GROWTH");
    }
  }

  @Test
  void evidence_downgradeToStarter_exportRefused() {
    DemoCredentials t = server.newTenant();
    String body = "{\"from\":\"" + T0 + "\",\"to\":\"" + CLOCK.instant() + "\"}";
    assign(t, "STARTER");
    TestHttp.problem(http.post("/compliance/evidence/export", body, json(t.companyKey())),
        403, "PLAN_RESTRICTED", null);
    TestHttp.problem(http.post("/compliance/evidence/countersign", "{\"package_path\":\"x\","
        + "\"signer\":\"a\",\"signing_key_id\":\"k\",\"signature\":\"s\"}",
        json(t.companyKey())), 403, "PLAN_RESTRICTED", null);
  }
}
