package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.testkit.StandardWebhooksReference;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's webhook routes ({@code /dashboard/webhooks…}) over real HTTP against a real
 * server on PostgreSQL, delivering to a JDK HttpServer on loopback: the same rules as the public
 * API (plan gating, 404 for other companies' ids, SSRF checks at creation), and every action,
 * allowed or refused, in the admin audit log with ids only — never the URL or the secret.
 */
class DashboardWebhooksIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<Map<String, String>> HEADERS = new CopyOnWriteArrayList<>();
  private static final List<byte[]> BODIES = new CopyOnWriteArrayList<>();
  private static TestServer server;
  private static TestHttp http;
  private static HttpServer receiver;

  @BeforeAll
  static void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", ex -> {
      Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
      BODIES.add(ex.getRequestBody().readAllBytes());
      HEADERS.add(h);
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    server = TestServer.start(Map.of("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true",
        "HYRELOG_AUTH_CACHE_SECONDS", "0", "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"),
        java.time.Clock.systemUTC());
    http = server.http();
  }

  @AfterAll
  static void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      receiver.stop(0);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private static String[] user(UUID company, String... extra) {
    List<String> h = new ArrayList<>(List.of("x-dashboard-token", server.dashboardToken(),
        "x-user-id", "user-42", "x-user-email", "dana@customer.example", "x-user-role",
        "ADMIN", "Content-Type", "application/json", "x-company-id", company.toString()));
    h.addAll(List.of(extra));
    return h.toArray(String[]::new);
  }


  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }


  private static TestHttp.Response create(DemoCredentials t, String path) {
    return http.post("/dashboard/webhooks", "{\"workspaceId\":\"" + t.workspaceId()
        + "\",\"url\":\"" + url(path) + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],"
        + "\"description\":\"from the dashboard\"}", user(t.companyId()));
  }

  private static void setPlan(DemoCredentials d, String tier) throws Exception {
    try (Connection c = server.owner().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE hyrelog.companies SET plan_tier = ? WHERE id = ?")) {
      s.setString(1, tier);
      s.setObject(2, d.companyId());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void create_listDisableEnableDeliveries_eachAuditedWithIdsOnly() throws Exception {
    DemoCredentials t = server.newTenant();
    TestHttp.Response created = create(t, "/dash?token=s3cr3t-in-url");
    JsonNode hook = expect(created, 201);
    String id = hook.path("id").asText();
    String secret = hook.path("secret").asText();
    assertThat(secret).startsWith("whsec_");
    assertThat(hook.path("workspaceId").asText()).isEqualTo(t.workspaceId().toString());
    JsonNode entry = server.auditEntry(created);
    assertThat(entry.path("action").asText()).isEqualTo("webhook.create");
    assertThat(entry.path("outcome").asText()).isEqualTo("OK");
    assertThat(entry.path("target").asText()).isEqualTo("webhook_endpoint:" + id);
    assertThat(entry.path("companyId").asText()).isEqualTo(t.companyId().toString());
    assertThat(entry.toString()).doesNotContain(secret).doesNotContain("s3cr3t-in-url");

    // The same endpoint through the public API, and a delivery signed with the secret.
    JsonNode v1 = expect(http.get("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        "Authorization", "Bearer " + t.companyKey()), 200);
    assertThat(v1.path("data").get(0).path("id").asText()).isEqualTo(id);
    TestHttp.Response listed = http.get("/dashboard/webhooks?workspaceId=" + t.workspaceId(),
        user(t.companyId()));
    assertThat(expect(listed, 200).path("data")).hasSize(1);
    assertThat(listed.text()).doesNotContain(secret);
    assertThat(server.auditEntry(listed).path("action").asText()).isEqualTo("webhook.list");
    int before = BODIES.size();
    expect(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
        "Authorization", "Bearer " + t.workspaceKey(), "Content-Type", "application/json"), 201);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (BODIES.size() == before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(BODIES.size()).as("a delivery within " + WAIT).isGreaterThan(before);
    assertThat(StandardWebhooksReference.verifies(secret, HEADERS.get(before),
        BODIES.get(before))).isTrue();

    TestHttp.Response off = http.post("/dashboard/webhooks/" + id + "/disable", null,
        user(t.companyId()));
    assertThat(expect(off, 200).path("enabled").asBoolean()).isFalse();
    assertThat(off.json().path("disabledReason").asText()).isEqualTo("DISABLED_BY_USER");
    assertThat(server.auditEntry(off).path("action").asText()).isEqualTo("webhook.disable");
    assertThat(server.auditEntry(off).path("target").asText()).isEqualTo("webhook_endpoint:" + id);
    TestHttp.Response on = http.post("/dashboard/webhooks/" + id + "/enable", null,
        user(t.companyId()));
    assertThat(expect(on, 200).path("enabled").asBoolean()).isTrue();
    assertThat(server.auditEntry(on).path("action").asText()).isEqualTo("webhook.enable");

    TestHttp.Response page = http.get("/dashboard/webhooks/" + id
        + "/deliveries?status=SUCCEEDED&limit=10", user(t.companyId()));
    JsonNode deliveries = expect(page, 200).path("data");
    assertThat(deliveries).hasSize(1);
    assertThat(deliveries.get(0).path("attempts").asInt()).isEqualTo(1);
    assertThat(deliveries.get(0).path("id").asText())
        .isEqualTo(HEADERS.get(before).get("webhook-id"));
    assertThat(page.json().has("nextCursor")).isTrue();
    assertThat(server.auditEntry(page)
        .path("action").asText()).isEqualTo("webhook.deliveries.list");
  }

  @Test
  void anotherCompanysIds_answer404_refusalAudited_nothingChanged() {
    DemoCredentials owner = server.newTenant();
    DemoCredentials other = server.newTenant();
    String id = expect(create(owner, "/owned"), 201).path("id").asText();
    for (String action : List.of("disable", "enable")) {
      TestHttp.Response r = http.post("/dashboard/webhooks/" + id + "/" + action, null,
          user(other.companyId()));
      TestHttp.problem(r, 404, "NOT_FOUND", null);
      JsonNode e = server.auditEntry(r);
      assertThat(e.path("outcome").asText()).isEqualTo("REFUSED");
      assertThat(e.path("details").path("code").asText()).isEqualTo("NOT_FOUND");
      assertThat(e.path("companyId").asText()).isEqualTo(other.companyId().toString());
    }
    TestHttp.problem(http.get("/dashboard/webhooks/" + id + "/deliveries",
        user(other.companyId())), 404, "NOT_FOUND", null);
    // Another company's workspace: 404 on create, and a filter on it too.
    TestHttp.problem(http.post("/dashboard/webhooks", "{\"workspaceId\":\""
        + owner.workspaceId() + "\",\"url\":\"" + url("/x")
        + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}", user(other.companyId())), 404,
        "NOT_FOUND", null);
    TestHttp.problem(http.get("/dashboard/webhooks?workspaceId=" + owner.workspaceId(),
        user(other.companyId())), 404, "NOT_FOUND", null);
    JsonNode still = expect(http.get("/dashboard/webhooks", user(owner.companyId())), 200);
    assertThat(still.path("data")).hasSize(1);
    assertThat(still.path("data").get(0).path("enabled").asBoolean()).isTrue();
  }

  @Test
  void planAndInput_refusedWithSpecificCodes_andAudited() throws Exception {
    DemoCredentials t = server.newTenant();
    TestHttp.Response missing = http.post("/dashboard/webhooks", "{\"url\":\"" + url("/m")
        + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}", user(t.companyId()));
    TestHttp.problem(missing, 400, "VALIDATION_ERROR", "/workspaceId");
    TestHttp.problem(http.post("/dashboard/webhooks", "{\"workspaceId\":\"" + t.workspaceId()
        + "\",\"url\":\"" + url("/m") + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],"
        + "\"secret\":\"mine\"}", user(t.companyId())), 400, "VALIDATION_ERROR", null);
    TestHttp.problem(http.post("/dashboard/webhooks", "{\"workspaceId\":\"" + t.workspaceId()
        + "\",\"url\":\"ftp://example.com/x\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        user(t.companyId())), 400, "VALIDATION_ERROR", null);
    TestHttp.problem(http.get("/dashboard/webhooks?workspaceId=nope", user(t.companyId())),
        404, "NOT_FOUND", null);
    assertThat(expect(http.get("/dashboard/webhooks", user(t.companyId())), 200).path("data"))
        .isEmpty();

    setPlan(t, "STARTER");
    TestHttp.Response starter = create(t, "/starter");
    TestHttp.problem(starter, 403, "PLAN_RESTRICTED", null);
    JsonNode e = server.auditEntry(starter);
    assertThat(e.path("action").asText()).isEqualTo("webhook.create");
    assertThat(e.path("outcome").asText()).isEqualTo("REFUSED");
    assertThat(e.path("details").path("code").asText()).isEqualTo("PLAN_RESTRICTED");
    // Without the dashboard token nothing is done and nothing is logged as a user's action.
    TestHttp.problem(http.post("/dashboard/webhooks", "{}", "x-company-id",
        t.companyId().toString(), "Content-Type", "application/json"), 401, "UNAUTHORIZED",
        null);
  }
}
