package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Workspace;
import io.hyrelog.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key revocation through the public API, key administration through the dashboard, and the
 * per-company system chain that records both, against a real server on PostgreSQL (virtual
 * clock): revoked keys are refused at once by the answering process, every new key is shown
 * once, every change is in the company's system chain (which verifies on the server and
 * offline, and holds no key material), and the system workspace takes no keys, webhooks or
 * events.
 */
class KeyAdministrationIT {
  private static MutableClock clock;
  private static TestServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "10000",
        "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"), clock);
    http = server.http();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String[] bearer(String key) {
    return new String[] {"Authorization", "Bearer " + key, "Content-Type", "application/json"};
  }

  static String[] admin() {
    return new String[] {"x-dashboard-token", server.dashboardToken(), "x-user-id", "admin-7",
        "x-user-email", "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN",
        "Content-Type", "application/json"};
  }

  static String[] member(UUID company) {
    return new String[] {"x-dashboard-token", server.dashboardToken(), "x-user-id", "user-42",
        "x-user-email", "dana@customer.example", "x-user-role", "ADMIN", "x-company-id",
        company.toString(), "Content-Type", "application/json"};
  }

  static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  static JsonNode newWorkspaceKey(DemoCredentials t) {
    return expect(http.post("/v1/workspaces/" + t.workspaceId() + "/keys", "{}",
        bearer(t.companyKey())), 201);
  }

  static int keyStatus(String key) {
    return http.get("/v1/keys/status", "Authorization", "Bearer " + key).status();
  }

  /** The company's system chain as {@code events.jsonl}, read with its company key. */
  static String systemExport(DemoCredentials t) {
    TestHttp.Response r = http.get("/v1/chains/" + Workspace.systemId(t.companyId())
        + "/events.jsonl", "Authorization", "Bearer " + t.companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.text();
  }

  static List<JsonNode> systemEvents(DemoCredentials t) {
    return ChainExport.events(http, Workspace.systemId(t.companyId()), t.companyKey());
  }



  @Test
  void revoke_workspaceKey_refusedAtOnceAndRecordedInTheSystemChain() {
    DemoCredentials t = server.newTenant();
    JsonNode created = newWorkspaceKey(t);
    String key = created.path("key").asText();
    String id = created.path("id").asText();
    assertThat(keyStatus(key)).isEqualTo(200); // resolved and cached

    TestHttp.Response r = http.post("/v1/keys/" + id + "/revoke", null,
        "Authorization", "Bearer " + t.companyKey());
    JsonNode revoked = expect(r, 200);
    assertThat(revoked.path("id").asText()).isEqualTo(id);
    assertThat(revoked.path("status").asText()).isEqualTo("REVOKED");
    assertThat(Instant.parse(revoked.path("revokedAt").asText())).isEqualTo(clock.instant());
    assertThat(revoked.has("key")).isFalse();
    assertThat(r.text()).doesNotContain(key);
    assertThat(keyStatus(key)).as("the revoked key, at once in this process").isEqualTo(401);
    TestHttp.problem(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
        bearer(key)), 401, "UNAUTHORIZED", null);

    JsonNode status = expect(http.get("/v1/keys/status", bearer(t.companyKey())), 200);
    assertThat(status.path("systemChainId").asText())
        .isEqualTo(Workspace.systemId(t.companyId()).toString());
    assertThat(status.path("keys").findValuesAsText("status")).contains("REVOKED");

    String coKeyId = status.path("id").asText();
    List<JsonNode> events = systemEvents(t);
    assertThat(events).extracting(e -> e.path("action").asText())
        .containsExactly("key.create", "key.revoke");
    JsonNode last = events.get(1);
    assertThat(last.path("category").asText()).isEqualTo("hyrelog.admin");
    assertThat(last.path("workspaceId").asText())
        .isEqualTo(Workspace.systemId(t.companyId()).toString());
    assertThat(last.path("actor").path("id").asText()).isEqualTo("api_key:" + coKeyId);
    assertThat(last.path("actor").path("role").asText()).isEqualTo("COMPANY_KEY");
    assertThat(last.path("resource").path("type").asText()).isEqualTo("api_key");
    assertThat(last.path("resource").path("id").asText()).isEqualTo(id);
    assertThat(last.path("metadata").path("keyPrefix").asText())
        .isEqualTo(created.path("prefix").asText());
    assertThat(last.path("metadata").path("keyType").asText()).isEqualTo("WORKSPACE");
    assertThat(last.path("context").path("ip").asText()).isEqualTo("127.0.0.1");
    String export = systemExport(t);
    assertThat(export).as("no key material").doesNotContain(key)
        .doesNotContain(t.companyKey()).doesNotContain(t.workspaceKey());
  }

  @Test
  void revoke_twice_secondAnswers200UnchangedAndIsNotRecordedAgain() {
    DemoCredentials t = server.newTenant();
    JsonNode created = newWorkspaceKey(t);
    String path = "/v1/keys/" + created.path("id").asText() + "/revoke";
    JsonNode first = expect(http.post(path, null, bearer(t.companyKey())), 200);
    clock.advance(java.time.Duration.ofMinutes(5));
    JsonNode second = expect(http.post(path, "{}", bearer(t.companyKey())), 200);
    assertThat(second.path("status").asText()).isEqualTo("REVOKED");
    assertThat(second.path("revokedAt").asText()).as("the first revocation's time")
        .isEqualTo(first.path("revokedAt").asText());
    assertThat(systemEvents(t)).extracting(e -> e.path("action").asText())
        .containsExactly("key.create", "key.revoke");

    // A key rotated away is revoked already: 200, unchanged.
    JsonNode other = newWorkspaceKey(t);
    expect(http.post("/v1/keys/" + other.path("id").asText() + "/rotate", null,
        bearer(t.companyKey())), 201);
    JsonNode rotated = expect(http.post("/v1/keys/" + other.path("id").asText() + "/revoke",
        null, bearer(t.companyKey())), 200);
    assertThat(rotated.path("status").asText()).isEqualTo("REVOKED");
    assertThat(systemEvents(t)).extracting(e -> e.path("action").asText())
        .containsExactly("key.create", "key.revoke", "key.create", "key.rotate");
  }

  @Test
  void revoke_companyKeys_anotherOfTheCompanyAndThenItself() {
    DemoCredentials t = server.newTenant();
    JsonNode second = expect(http.post("/dashboard/admin/companies/" + t.companyId() + "/keys",
        "{\"ipAllowlist\":[\"127.0.0.1/32\"]}", admin()), 201);
    String secondKey = second.path("key").asText();
    assertThat(keyStatus(secondKey)).isEqualTo(200);
    expect(http.post("/v1/keys/" + second.path("id").asText() + "/revoke", null,
        bearer(t.companyKey())), 200);
    assertThat(keyStatus(secondKey)).isEqualTo(401);

    String own = expect(http.get("/v1/keys/status", bearer(t.companyKey())), 200).path("id")
        .asText();
    JsonNode self = expect(http.post("/v1/keys/" + own + "/revoke", null,
        bearer(t.companyKey())), 200);
    assertThat(self.path("status").asText()).isEqualTo("REVOKED");
    assertThat(keyStatus(t.companyKey())).as("the key revoked itself").isEqualTo(401);
    assertThat(keyStatus(t.workspaceKey())).as("other keys go on").isEqualTo(200);
  }

  @Test
  void dashboard_createListRotateRevoke_keysShownOnce_auditedAndInTheSystemChain() {
    DemoCredentials t = server.newTenant();
    String keys = "/dashboard/admin/companies/" + t.companyId() + "/keys";
    Instant expires = clock.instant().plus(30, ChronoUnit.DAYS);
    TestHttp.Response created = http.post(keys, "{\"ipAllowlist\":[\"127.0.0.1/32\"],"
        + "\"expiresAt\":\"" + expires + "\"}", admin());
    JsonNode co = expect(created, 201);
    String coKey = co.path("key").asText();
    assertThat(co.path("type").asText()).isEqualTo("COMPANY");
    assertThat(co.path("warning").asText()).contains("shown once");
    assertThat(co.path("ipAllowlist").get(0).asText()).isEqualTo("127.0.0.1/32");
    assertThat(Instant.parse(co.path("expiresAt").asText())).isEqualTo(expires);
    JsonNode entry = server.auditEntry(created);
    assertThat(entry.path("action").asText()).isEqualTo("admin.key.create");
    assertThat(entry.path("outcome").asText()).isEqualTo("OK");
    assertThat(entry.path("companyId").asText()).isEqualTo(t.companyId().toString());
    assertThat(entry.path("target").asText()).isEqualTo("api_key:" + co.path("id").asText());
    assertThat(entry.toString()).doesNotContain(coKey);
    // The new company key manages keys (it has an allowlist).
    JsonNode wk = expect(http.post("/v1/workspaces/" + t.workspaceId() + "/keys", "{}",
        bearer(coKey)), 201);

    TestHttp.Response listed = http.get(keys, admin());
    JsonNode list = expect(listed, 200).path("data");
    assertThat(list.findValuesAsText("id")).contains(co.path("id").asText(),
        wk.path("id").asText());
    assertThat(list.findValues("key")).isEmpty();
    assertThat(listed.text()).doesNotContain(coKey).doesNotContain(wk.path("key").asText());

    TestHttp.Response rotated = http.post("/dashboard/admin/keys/" + co.path("id").asText()
        + "/rotate", null, admin());
    JsonNode next = expect(rotated, 201);
    assertThat(next.path("rotatedFrom").asText()).isEqualTo(co.path("id").asText());
    assertThat(next.path("type").asText()).isEqualTo("COMPANY");
    assertThat(Instant.parse(next.path("expiresAt").asText())).isEqualTo(expires);
    assertThat(keyStatus(coKey)).isEqualTo(401);
    assertThat(keyStatus(next.path("key").asText())).isEqualTo(200);

    // Any workspace key, here the tenant's own.
    String wsKeyId = expect(http.get("/v1/keys/status", bearer(t.workspaceKey())), 200)
        .path("id").asText();
    TestHttp.Response revoked = http.post("/dashboard/admin/keys/" + wsKeyId + "/revoke", null,
        admin());
    assertThat(expect(revoked, 200).path("status").asText()).isEqualTo("REVOKED");
    assertThat(keyStatus(t.workspaceKey())).isEqualTo(401);
    TestHttp.Response again = http.post("/dashboard/admin/keys/" + wsKeyId + "/revoke", null,
        admin());
    assertThat(expect(again, 200).path("revokedAt").asText())
        .isEqualTo(revoked.json().path("revokedAt").asText());
    assertThat(server.auditEntry(again)
        .path("details").path("alreadyRevoked").asBoolean()).isTrue();

    List<JsonNode> events = systemEvents(t);
    assertThat(events).extracting(e -> e.path("action").asText()).containsExactly(
        "admin.key.create", "key.create", "admin.key.rotate", "admin.key.revoke");
    JsonNode byAdmin = events.get(0);
    assertThat(byAdmin.path("actor").path("id").asText()).isEqualTo("dashboard_user:admin-7");
    assertThat(byAdmin.path("actor").path("role").asText()).isEqualTo("HYRELOG_ADMIN");
    assertThat(byAdmin.path("resource").path("id").asText()).isEqualTo(co.path("id").asText());
    assertThat(events.get(2).path("metadata").path("newKeyId").asText())
        .isEqualTo(next.path("id").asText());
    assertThat(events.get(3).path("resource").path("id").asText()).isEqualTo(wsKeyId);
    String export = systemExport(t);
    for (String secret : List.of(coKey, next.path("key").asText(), wk.path("key").asText(),
        t.companyKey(), t.workspaceKey())) {
      assertThat(export).as("no key material").doesNotContain(secret);
    }
  }

  @Test
  void dashboard_nonAdmin_refusedAuditedAndNotInTheSystemChain() {
    DemoCredentials t = server.newTenant();
    TestHttp.Response r = http.post("/dashboard/admin/companies/" + t.companyId() + "/keys",
        "{}", member(t.companyId()));
    TestHttp.problem(r, 403, "FORBIDDEN", null);
    JsonNode entry = server.auditEntry(r);
    assertThat(entry.path("action").asText()).isEqualTo("admin.key.create");
    assertThat(entry.path("outcome").asText()).isEqualTo("REFUSED");
    String wsKeyId = expect(http.get("/v1/keys/status", bearer(t.workspaceKey())), 200)
        .path("id").asText();
    TestHttp.problem(http.post("/dashboard/admin/keys/" + wsKeyId + "/revoke", null,
        member(t.companyId())), 403, "FORBIDDEN", null);
    assertThat(keyStatus(t.workspaceKey())).isEqualTo(200);
    assertThat(expect(http.get("/v1/keys/status", bearer(t.companyKey())), 200).path("keys"))
        .hasSize(2);
    assertThat(systemEvents(t)).isEmpty();
  }

  @Test
  void webhookManagement_publicAndDashboard_recordedWithTheirActors() {
    DemoCredentials t = server.newTenant();
    TestHttp.Response created = http.post("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        "{\"url\":\"http://127.0.0.1:9/hook?token=s3cr3t\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        bearer(t.companyKey()));
    JsonNode hook = expect(created, 201);
    String id = hook.path("id").asText();
    expect(http.post("/dashboard/webhooks/" + id + "/disable", null, member(t.companyId())),
        200);
    expect(http.post("/v1/webhooks/" + id + "/rotate-secret", null, bearer(t.companyKey())),
        200);
    expect(http.get("/dashboard/webhooks", member(t.companyId())), 200); // a read: not recorded
    List<JsonNode> events = systemEvents(t);
    assertThat(events).extracting(e -> e.path("action").asText())
        .containsExactly("webhook.create", "webhook.disable", "webhook.rotate_secret");
    assertThat(events).extracting(e -> e.path("resource").path("id").asText())
        .containsOnly(id);
    assertThat(events.get(1).path("actor").path("id").asText())
        .isEqualTo("dashboard_user:user-42");
    assertThat(events.get(0).path("metadata").path("workspaceId").asText())
        .isEqualTo(t.workspaceId().toString());
    assertThat(systemExport(t)).doesNotContain("s3cr3t").doesNotContain("whsec_")
        .doesNotContain(hook.path("secret").asText());
  }

  @Test
  void systemChain_verifiesOnTheServerAndOffline() {
    DemoCredentials t = server.newTenant();
    for (int i = 0; i < 3; i++) {
      JsonNode k = newWorkspaceKey(t);
      expect(http.post("/v1/keys/" + k.path("id").asText() + "/revoke", null,
          bearer(t.companyKey())), 200);
    }
    UUID chain = Workspace.systemId(t.companyId());
    JsonNode v = ChainExport.serverVerify(http, chain, t.companyKey()).json();
    assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
    assertThat(v.path("events").asLong()).isEqualTo(6);
    ChainExport offline = ChainExport.download(http, chain, t.companyKey());
    assertThat(offline.report().ok()).as(offline.report().toString()).isTrue();
    assertThat(offline.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    // Its head and checkpoint are served like any chain's.
    assertThat(ChainExport.headSeq(http, chain, t.companyKey())).isEqualTo(6);
    assertThat(http.get("/v1/chains/" + chain + "/checkpoint", "Authorization",
        "Bearer " + t.companyKey()).status()).isEqualTo(200);
    // A workspace key sees its own workspace only.
    TestHttp.problem(http.get("/v1/chains/" + chain + "/head", "Authorization",
        "Bearer " + t.workspaceKey()), 404, "NOT_FOUND", null);
    // Another company's key does not see it.
    DemoCredentials other = server.newTenant();
    TestHttp.problem(http.get("/v1/chains/" + chain + "/head", "Authorization",
        "Bearer " + other.companyKey()), 404, "NOT_FOUND", null);
  }

  @Test
  void systemWorkspace_takesNoKeysOrWebhooks() {
    DemoCredentials t = server.newTenant();
    newWorkspaceKey(t); // the system workspace exists from here on
    UUID chain = Workspace.systemId(t.companyId());
    long head = ChainExport.headSeq(http, chain, t.companyKey());
    TestHttp.Response key = http.post("/v1/workspaces/" + chain + "/keys", "{}",
        bearer(t.companyKey()));
    TestHttp.problem(key, 403, "FORBIDDEN", null);
    assertThat(key.json().path("detail").asText()).contains("system workspace");
    TestHttp.problem(http.post("/v1/workspaces/" + chain + "/webhooks",
        "{\"url\":\"http://127.0.0.1:9/h\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        bearer(t.companyKey())), 403, "FORBIDDEN", null);
    TestHttp.problem(http.post("/dashboard/webhooks", "{\"workspaceId\":\"" + chain
        + "\",\"url\":\"http://127.0.0.1:9/h\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        member(t.companyId())), 403, "FORBIDDEN", null);
    assertThat(ChainExport.headSeq(http, chain, t.companyKey())).isEqualTo(head);
    assertThat(expect(http.get("/v1/keys/status", bearer(t.companyKey())), 200).path("keys"))
        .hasSize(3);
    assertThat(new String(http.get("/v1/workspaces/" + chain + "/webhooks", "Authorization",
        "Bearer " + t.companyKey()).body(), StandardCharsets.UTF_8)).doesNotContain("\"url\"");
  }
}
