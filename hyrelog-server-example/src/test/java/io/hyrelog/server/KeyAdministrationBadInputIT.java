package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.ApiKey;
import io.hyrelog.Workspace;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests to key revocation ({@code POST /v1/keys/{id}/revoke}) and the dashboard's key
 * administration ({@code /dashboard/admin/companies/{id}/keys}, {@code
 * /dashboard/admin/keys/{id}/rotate|revoke}) against one real server: each gets its documented
 * status and problem code (and field), quotes no key, and changes nothing — every key of both
 * tenants keeps its revocation state and neither system chain grows.
 */
class KeyAdministrationBadInputIT {
  private static final String RANDOM_UUID = "5b0c1d52-3f6e-4c8a-9a61-0d2f5e7b9c14";
  private static MutableClock clock;
  private static TestServer server;
  private static TestHttp http;
  private static PostgresTenants tenants;
  private static DemoCredentials demo;
  private static DemoCredentials other;
  private static final Map<String, String> VARS = new LinkedHashMap<>();
  private static final List<String> SECRETS = new ArrayList<>();

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "10000"), clock);
    http = server.http();
    tenants = PostgresTenants.create(server.owner());
    demo = server.newTenant();
    other = server.newTenant();
    VARS.put("company", demo.companyId().toString());
    VARS.put("coKey", demo.companyKey());
    VARS.put("wsKey", demo.workspaceKey());
    VARS.put("wsKeyId", id(demo.workspaceKey()));
    VARS.put("otherKeyId", id(other.workspaceKey()));
    VARS.put("dashToken", server.dashboardToken());
    // A company key without an allowlist (reads only), and a revoked workspace key.
    JsonNode open = ok(http.post("/dashboard/admin/companies/" + demo.companyId() + "/keys",
        "{}", admin()), 201);
    VARS.put("openCoKey", open.path("key").asText());
    JsonNode doomed = ok(http.post("/v1/workspaces/" + demo.workspaceId() + "/keys", "{}",
        "Authorization", "Bearer " + demo.companyKey(), "Content-Type", "application/json"),
        201);
    ok(http.post("/v1/keys/" + doomed.path("id").asText() + "/revoke", null,
        "Authorization", "Bearer " + demo.companyKey()), 200);
    VARS.put("revokedKeyId", doomed.path("id").asText());
    SECRETS.addAll(List.of(demo.companyKey(), demo.workspaceKey(), other.companyKey(),
        other.workspaceKey(), open.path("key").asText(), doomed.path("key").asText(),
        server.dashboardToken()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String id(String key) {
    return ok(http.get("/v1/keys/status", "Authorization", "Bearer " + key), 200).path("id")
        .asText();
  }

  private static JsonNode ok(TestHttp.Response r, int status) {
    assertThat(r.status()).as("setup: %s", r.text()).isEqualTo(status);
    return r.json();
  }

  private static String[] admin() {
    return new String[] {"x-dashboard-token", server.dashboardToken(), "x-user-id", "admin-7",
        "x-user-email", "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN",
        "Content-Type", "application/json"};
  }

  /** One bad request: method, path, body (or null), headers, and what it must get. */
  record Case(String name, String method, String path, String body, List<String> headers,
      int status, String code, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<String> CO = List.of("Authorization", "Bearer {coKey}");
  private static final List<String> ADMIN = List.of("x-dashboard-token", "{dashToken}",
      "x-user-id", "admin-7", "x-user-email", "ops@hyrelog.example", "x-user-role",
      "HYRELOG_ADMIN");

  private static Case api(String name, String path, String body, List<String> auth, int status,
      String code, String field) {
    return new Case(name, "POST", path, body, auth, status, code, field);
  }

  private static Case dash(String name, String method, String path, String body,
      List<String> headers, int status, String code, String field) {
    return new Case(name, method, path, body, headers, status, code, field);
  }

  static Stream<Case> corpus() {
    List<Case> c = new ArrayList<>();
    String revoke = "/v1/keys/{wsKeyId}/revoke";
    c.add(api("revoke: no key", revoke, null, List.of(), 401, "UNAUTHORIZED", null));
    c.add(api("revoke: by a workspace key", revoke, null,
        List.of("Authorization", "Bearer {wsKey}"), 403, "FORBIDDEN", null));
    c.add(api("revoke: by a company key without an allowlist", revoke, null,
        List.of("Authorization", "Bearer {openCoKey}"), 403, "FORBIDDEN", null));
    c.add(api("revoke: unknown key", "/v1/keys/" + RANDOM_UUID + "/revoke", null, CO, 404,
        "NOT_FOUND", null));
    c.add(api("revoke: key id not a UUID", "/v1/keys/latest/revoke", null, CO, 404,
        "NOT_FOUND", null));
    c.add(api("revoke: another company's key", "/v1/keys/{otherKeyId}/revoke", null, CO, 404,
        "NOT_FOUND", null));
    c.add(api("revoke: unknown query parameter", revoke + "?force=true", null, CO, 400,
        "VALIDATION_ERROR", "force"));
    c.add(api("revoke: a body with a field", revoke, "{\"reason\":\"leaked\"}", CO, 400,
        "VALIDATION_ERROR", "/reason"));
    c.add(api("revoke: a body that is not JSON", revoke, "revoke!", CO, 400,
        "VALIDATION_ERROR", null));
    c.add(new Case("revoke: GET", "GET", revoke, null, CO, 405, "METHOD_NOT_ALLOWED", null));

    String create = "/dashboard/admin/companies/{company}/keys";
    c.add(dash("admin create: unknown company", "POST", "/dashboard/admin/companies/"
        + RANDOM_UUID + "/keys", "{}", ADMIN, 404, "NOT_FOUND", null));
    c.add(dash("admin create: company id not a UUID", "POST",
        "/dashboard/admin/companies/acme/keys", "{}", ADMIN, 404, "NOT_FOUND", null));
    c.add(dash("admin create: ipAllowlist not an array", "POST", create,
        "{\"ipAllowlist\":\"10.0.0.0/8\"}", ADMIN, 400, "VALIDATION_ERROR", "/ipAllowlist"));
    c.add(dash("admin create: ipAllowlist entry not a CIDR block", "POST", create,
        "{\"ipAllowlist\":[\"10.0.0.0/33\"]}", ADMIN, 400, "VALIDATION_ERROR",
        "/ipAllowlist/0"));
    c.add(dash("admin create: 101 allowlist entries", "POST", create, "{\"ipAllowlist\":["
        + Stream.generate(() -> "\"10.0.0.1\"").limit(101).collect(Collectors.joining(","))
        + "]}", ADMIN, 400, "VALIDATION_ERROR", "/ipAllowlist"));
    c.add(dash("admin create: expiresAt in the past", "POST", create,
        "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}", ADMIN, 400, "VALIDATION_ERROR",
        "/expiresAt"));
    c.add(dash("admin create: expiresAt not a date-time", "POST", create,
        "{\"expiresAt\":\"tomorrow\"}", ADMIN, 400, "VALIDATION_ERROR", "/expiresAt"));
    c.add(dash("admin create: unknown field", "POST", create, "{\"type\":\"WORKSPACE\"}",
        ADMIN, 400, "VALIDATION_ERROR", "/type"));
    c.add(dash("admin create: by a company's own admin", "POST", create, "{}",
        List.of("x-dashboard-token", "{dashToken}", "x-user-id", "user-42", "x-user-email",
            "dana@customer.example", "x-user-role", "ADMIN", "x-company-id", "{company}"),
        403, "FORBIDDEN", null));
    c.add(dash("admin create: wrong dashboard token", "POST", create, "{}",
        List.of("x-dashboard-token", "not-the-token-at-all", "x-user-id", "admin-7",
            "x-user-email", "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN"),
        401, "UNAUTHORIZED", null));
    c.add(dash("admin create: no user id", "POST", create, "{}",
        List.of("x-dashboard-token", "{dashToken}", "x-user-email", "ops@hyrelog.example",
            "x-user-role", "HYRELOG_ADMIN"), 400, "VALIDATION_ERROR", "x-user-id"));
    c.add(dash("admin list: unknown query parameter", "GET", create + "?all=1", null, ADMIN,
        400, "VALIDATION_ERROR", "all"));
    c.add(dash("admin rotate: unknown key", "POST", "/dashboard/admin/keys/" + RANDOM_UUID
        + "/rotate", null, ADMIN, 404, "NOT_FOUND", null));
    c.add(dash("admin rotate: a revoked key", "POST", "/dashboard/admin/keys/{revokedKeyId}"
        + "/rotate", null, ADMIN, 409, "CONFLICT", null));
    c.add(dash("admin revoke: key id not a UUID", "POST", "/dashboard/admin/keys/x/revoke",
        null, ADMIN, 404, "NOT_FOUND", null));
    c.add(dash("admin revoke: a body with a field", "POST",
        "/dashboard/admin/keys/{wsKeyId}/revoke", "{\"now\":true}", ADMIN, 400,
        "VALIDATION_ERROR", "/now"));
    c.add(dash("admin revoke: unknown query parameter", "POST",
        "/dashboard/admin/keys/{wsKeyId}/revoke?cascade=1", null, ADMIN, 400,
        "VALIDATION_ERROR", "cascade"));
    c.add(dash("system workspace: a key for it", "POST", "/v1/workspaces/{system}/keys", "{}",
        CO, 403, "FORBIDDEN", null));
    return c.stream();
  }

  /** What no bad request may change: each key's revocation, and both system chains. */
  record Snapshot(Map<UUID, Instant> revokedAt, long systemEvents) {}

  private static Snapshot snapshot() {
    Map<UUID, Instant> keys = new LinkedHashMap<>();
    for (DemoCredentials t : List.of(demo, other)) {
      for (ApiKey k : tenants.keys(t.companyId())) {
        keys.put(k.id(), k.revokedAt() == null ? Instant.EPOCH : k.revokedAt());
      }
    }
    try (var c = server.owner().getConnection(); var ps = c.prepareStatement(
        "SELECT count(*) FROM hyrelog.events WHERE workspace_id IN (?, ?)")) {
      ps.setObject(1, Workspace.systemId(demo.companyId()));
      ps.setObject(2, Workspace.systemId(other.companyId()));
      try (var rs = ps.executeQuery()) {
        rs.next();
        return new Snapshot(keys, rs.getLong(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resolve(String s) {
    String out = s.replace("{system}", Workspace.systemId(demo.companyId()).toString());
    for (Map.Entry<String, String> e : VARS.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void badRequest_answersItsProblem_quotesNoKey_changesNothing(Case c) {
    Snapshot before = snapshot();
    List<String> headers = new ArrayList<>();
    c.headers().forEach(h -> headers.add(resolve(h)));
    if (c.body() != null) {
      headers.add("Content-Type");
      headers.add("application/json");
    }
    TestHttp.Response r = http.send(c.method(), resolve(c.path()),
        c.body() == null ? null : c.body().getBytes(StandardCharsets.UTF_8),
        headers.toArray(String[]::new));
    TestHttp.problem(r, c.status(), c.code(), null);
    if (c.field() != null) {
      assertThat(r.json().path("errors").findValuesAsText("field")).as(r.text())
          .contains(c.field());
    }
    for (String s : SECRETS) {
      assertThat(r.text()).as("a key is quoted").doesNotContain(s);
    }
    assertThat(snapshot()).as("something changed").isEqualTo(before);
  }
}
