package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.StandardWebhooksReference;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookVerificationException;
import io.hyrelog.webhook.WebhookVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The webhook routes and deliveries end to end: a real server on PostgreSQL (virtual clock, so
 * retries are due when the test moves time) delivering to a JDK HttpServer on loopback
 * (HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true).
 */
class WebhooksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static final MutableClock CLOCK = new MutableClock(
      Instant.now().truncatedTo(ChronoUnit.MILLIS));
  /** Every request the receiver got, by path. */
  private static final Map<String, List<Received>> RECEIVED = new ConcurrentHashMap<>();
  /** The status each path answers (default 204). */
  private static final Map<String, AtomicInteger> STATUS = new ConcurrentHashMap<>();
  private static final AtomicInteger PATHS = new AtomicInteger();

  private static TestServer server;
  private static HttpServer receiver;

  record Received(Map<String, String> headers, byte[] body) {}

  @BeforeAll
  static void start() throws IOException {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
      String path = ex.getRequestURI().getPath();
      RECEIVED.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
          .add(new Received(h, body));
      int status = STATUS.computeIfAbsent(path, p -> new AtomicInteger(204)).get();
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    receiver.start();
    server = TestServer.start(Map.of("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true",
        "HYRELOG_AUTH_CACHE_SECONDS", "0", "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "100000"),
        CLOCK);
    // The demo company is GROWTH (3 endpoints); the tests here create more than that.
    setPlan(server.demo(), "ENTERPRISE");
  }

  private static void setPlan(DemoCredentials d, String tier) {
    try (Connection c = server.owner().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE hyrelog.companies SET plan_tier = ? WHERE id = ?")) {
      s.setString(1, tier);
      s.setObject(2, d.companyId());
      assertThat(s.executeUpdate()).isEqualTo(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      receiver.stop(0);
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }
  }

  private static String newPath() {
    return "/hook-" + PATHS.incrementAndGet();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private static String[] company() {
    return company(server.demo());
  }

  private static String[] company(DemoCredentials d) {
    return new String[] {"Authorization", "Bearer " + d.companyKey(), "Content-Type",
        "application/json"};
  }

  private static TestHttp.Response create(DemoCredentials d, String body) {
    return server.http().post("/v1/workspaces/" + d.workspaceId() + "/webhooks", body,
        company(d));
  }

  private static JsonNode createFor(String path) {
    TestHttp.Response r = create(server.demo(), "{\"url\":\"" + url(path)
        + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"description\":\"test\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static JsonNode append(String action) {
    TestHttp.Response r = server.http().post("/v1/events", "{\"category\":\"user\","
        + "\"action\":\"" + action + "\"}", "Authorization", "Bearer "
        + server.demo().workspaceKey(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
  private static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static List<Received> awaitReceived(String path, int n) {
    waitFor(() -> RECEIVED.getOrDefault(path, List.of()).size() >= n);
    return RECEIVED.get(path);
  }

  private static JsonNode deliveries(String id, String query) {
    TestHttp.Response r = server.http().get("/v1/webhooks/" + id + "/deliveries" + query,
        company());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static WebhookVerifier verifier(String... secrets) {
    WebhookVerifier.Builder b = WebhookVerifier.builder().clock(CLOCK);
    for (String s : secrets) {
      b.secret(WebhookSecret.parse(s));
    }
    return b.build();
  }

  @Test
  void create_thenAppend_receiverGetsTheEventSignedAsQueryRendersIt() throws Exception {
    String path = newPath();
    JsonNode hook = createFor(path);
    String secret = hook.path("secret").asText();
    assertThat(secret).startsWith("whsec_");
    assertThat(hook.path("enabled").asBoolean()).isTrue();
    assertThat(hook.path("events").toString()).isEqualTo("[\"AUDIT_EVENT_CREATED\"]");
    JsonNode event = append("login");

    Received got = awaitReceived(path, 1).get(0);
    WebhookVerifier.Verified v = verifier(secret).verify(got.headers(), got.body());
    assertThat(StandardWebhooksReference.verifies(secret, got.headers(), got.body())).isTrue();
    assertThat(got.headers().get("x-hyrelog-signature")).isEqualTo(StandardWebhooksReference
        .seedSign(secret, got.headers().get("webhook-timestamp"), got.body()));
    JsonNode listed = null;
    for (JsonNode e : server.http().get("/v1/events?limit=100", "Authorization", "Bearer "
        + server.demo().workspaceKey()).json().path("data")) {
      if (e.path("id").asText().equals(event.path("id").asText())) {
        listed = e;
      }
    }
    assertThat(JSON.readTree(got.body())).isEqualTo(listed).isEqualTo(event);

    String id = hook.path("id").asText();
    waitFor(() -> deliveries(id, "").path("data").get(0).path("status")
        .asText().equals("SUCCEEDED"));
    JsonNode d = deliveries(id, "?status=SUCCEEDED").path("data").get(0);
    assertThat(d.path("id").asText()).isEqualTo(v.id());
    assertThat(d.path("eventId").asText()).isEqualTo(event.path("id").asText());
    assertThat(d.path("attempts").asInt()).isEqualTo(1);
    assertThat(d.path("nextAttemptAt").isNull()).isTrue();
    assertThat(deliveries(id, "?status=PENDING").path("data")).isEmpty();
    // Listed without the secret.
    TestHttp.Response list = server.http().get("/v1/workspaces/" + server.demo().workspaceId()
        + "/webhooks", company());
    assertThat(list.text()).contains(id).doesNotContain(secret)
        .doesNotContain(secret.substring(6));
    assertThat(server.http().get("/internal/metrics", "x-internal-token",
        server.internalToken()).text()).contains("hyrelog_webhook_attempts_total{outcome=\"succeeded\"");
  }

  @Test
  void failingReceiver_retriedAfterAMinute_succeedsWithTheSameDeliveryId() {
    String path = newPath();
    STATUS.put(path, new AtomicInteger(500));
    String id = createFor(path).path("id").asText();
    append("fails-first");
    Received first = awaitReceived(path, 1).get(0);
    waitFor(() -> deliveries(id, "").path("data").get(0).path("attempts")
        .asInt() == 1);
    JsonNode pending = deliveries(id, "?status=PENDING").path("data").get(0);
    assertThat(pending.path("lastStatusCode").asInt()).isEqualTo(500);
    assertThat(Instant.parse(pending.path("nextAttemptAt").asText()))
        .isAfter(CLOCK.instant().plusSeconds(59));

    STATUS.get(path).set(200);
    CLOCK.advance(Duration.ofMinutes(1).plusSeconds(1));
    List<Received> both = awaitReceived(path, 2);
    assertThat(both.get(1).headers().get("webhook-id"))
        .isEqualTo(first.headers().get("webhook-id"));
    waitFor(() -> deliveries(id, "").path("data").get(0).path("status")
        .asText().equals("SUCCEEDED"));
    assertThat(deliveries(id, "").path("data").get(0).path("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void disabledEndpoint_getsNoDeliveryOfEventsAppendedMeanwhile_enabledAgainGetsNewOnes()
      throws Exception {
    String off = newPath();
    String on = newPath();
    String offId = createFor(off).path("id").asText();
    createFor(on);
    TestHttp.Response d = server.http().post("/v1/webhooks/" + offId + "/disable", null,
        company());
    assertThat(d.status()).as(d.text()).isEqualTo(200);
    assertThat(d.json().path("enabled").asBoolean()).isFalse();
    assertThat(d.json().path("disabledReason").asText()).isEqualTo("DISABLED_BY_USER");
    append("while-disabled");
    awaitReceived(on, 1); // the dispatcher has claimed what was due, the enabled one's
    assertThat(RECEIVED.get(off)).isNull();
    // Deliveries are created for the events appended while an endpoint is enabled: the
    // dispatcher's fan-out (which made the enabled one's delivery) made none for it.
    assertThat(deliveries(offId, "").path("data")).isEmpty();

    TestHttp.Response e = server.http().post("/v1/webhooks/" + offId + "/enable", null,
        company());
    assertThat(e.json().path("enabled").asBoolean()).isTrue();
    assertThat(e.json().path("disabledReason").isNull()).isTrue();
    JsonNode after = append("after-enable");
    Received got = awaitReceived(off, 1).get(0);
    assertThat(JSON.readTree(got.body()).path("id")).isEqualTo(after.path("id"));
  }

  @Test
  void rotateSecret_newSecretShownOnce_bothSecretsSignDuringTheOverlap() throws Exception {
    String path = newPath();
    JsonNode hook = createFor(path);
    String old = hook.path("secret").asText();
    TestHttp.Response r = server.http().post("/v1/webhooks/" + hook.path("id").asText()
        + "/rotate-secret", null, company());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    String next = r.json().path("secret").asText();
    assertThat(next).startsWith("whsec_").isNotEqualTo(old);
    assertThat(Instant.parse(r.json().path("previousSecretValidUntil").asText()))
        .isEqualTo(CLOCK.instant().plus(Duration.ofHours(24)));
    append("after-rotation");
    Received got = awaitReceived(path, 1).get(0);
    assertThat(got.headers().get("webhook-signature").split(" ")).hasSize(2);
    verifier(next).verify(got.headers(), got.body());
    verifier(old).verify(got.headers(), got.body());
    assertThat(StandardWebhooksReference.verifies(next, got.headers(), got.body())).isTrue();
    assertThat(got.headers().get("x-hyrelog-signature")).isEqualTo(StandardWebhooksReference
        .seedSign(next, got.headers().get("webhook-timestamp"), got.body()));
    WebhookVerifier stranger = verifier(WebhookSecret.generate().reveal());
    try {
      stranger.verify(got.headers(), got.body());
      throw new AssertionError("a stranger's secret verified the delivery");
    } catch (WebhookVerificationException expected) {
      assertThat(expected.getMessage()).doesNotContain(next);
    }
  }

  @Test
  void anotherTenantsIds_answer404_andNothingChanges() {
    JsonNode hook = createFor(newPath());
    String id = hook.path("id").asText();
    DemoCredentials other = server.newTenant();
    String[] auth = company(other);
    for (String p : List.of("/disable", "/enable", "/rotate-secret",
        "/deliveries/" + java.util.UUID.randomUUID() + "/retry")) {
      TestHttp.problem(server.http().post("/v1/webhooks/" + id + p, null, auth), 404,
          "NOT_FOUND", null);
    }
    TestHttp.problem(server.http().get("/v1/webhooks/" + id + "/deliveries", auth), 404,
        "NOT_FOUND", null);
    TestHttp.problem(server.http().get("/v1/workspaces/" + server.demo().workspaceId()
        + "/webhooks", auth), 404, "NOT_FOUND", null);
    TestHttp.problem(server.http().post("/v1/workspaces/" + server.demo().workspaceId()
        + "/webhooks", "{\"url\":\"" + url("/x") + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        auth), 404, "NOT_FOUND", null);
    JsonNode still = server.http().get("/v1/workspaces/" + server.demo().workspaceId()
        + "/webhooks", company()).json();
    boolean found = false;
    for (JsonNode e : still.path("data")) {
      if (e.path("id").asText().equals(id)) {
        found = true;
        assertThat(e.path("enabled").asBoolean()).isTrue();
        assertThat(e.path("updatedAt")).isEqualTo(hook.path("updatedAt"));
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void workspaceKey_isForbidden() {
    TestHttp.problem(server.http().get("/v1/workspaces/" + server.demo().workspaceId()
        + "/webhooks", "Authorization", "Bearer " + server.demo().workspaceKey()), 403,
        "FORBIDDEN", null);
  }

  @Test
  void plan_growthAllowsThree_thenLimit422_andStarterIs403() {
    DemoCredentials t = server.newTenant();
    String body = "{\"url\":\"" + url("/limit") + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}";
    for (int i = 0; i < 3; i++) {
      assertThat(create(t, body).status()).isEqualTo(201);
    }
    TestHttp.problem(create(t, body), 422, "PLAN_LIMIT_EXCEEDED", null);
    setPlan(t, "STARTER");
    TestHttp.problem(create(t, body), 403, "PLAN_RESTRICTED", null);
    assertThat(server.http().get("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        company(t)).json().path("data")).hasSize(3);
  }

  @Test
  void downgrade_endpointDisabledAndKept_pendingDeliveryResumesAfterUpgradeAndEnable()
      throws Exception {
    DemoCredentials t = server.newTenant();
    String path = newPath();
    TestHttp.Response created = create(t, "{\"url\":\"" + url(path)
        + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.json().path("id").asText();
    appendAs(t, "before-downgrade");
    awaitReceived(path, 1);

    setPlan(t, "STARTER");
    // The dispatchers read a plan at most 2 s old; until then the event may still go out.
    Thread.sleep(2_500);
    JsonNode held = appendAs(t, "after-downgrade");
    waitFor(() -> !endpointOf(t, id).path("enabled").asBoolean());
    JsonNode off = endpointOf(t, id);
    assertThat(off.path("disabledReason").asText()).isEqualTo("PLAN_RESTRICTED");
    assertThat(RECEIVED.get(path)).hasSize(1);
    JsonNode pending = server.http().get("/v1/webhooks/" + id + "/deliveries?status=PENDING",
        company(t)).json().path("data");
    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).path("eventId")).isEqualTo(held.path("id"));
    assertThat(pending.get(0).path("attempts").asInt()).isZero();
    TestHttp.problem(server.http().post("/v1/webhooks/" + id + "/enable", null, company(t)),
        403, "PLAN_RESTRICTED", null);
    assertThat(server.http().get("/internal/metrics", "x-internal-token",
        server.internalToken()).text())
        .contains("hyrelog_webhook_endpoints_disabled_total{reason=\"PLAN_RESTRICTED\"");

    setPlan(t, "GROWTH");
    TestHttp.Response on = server.http().post("/v1/webhooks/" + id + "/enable", null,
        company(t));
    assertThat(on.status()).as(on.text()).isEqualTo(200);
    CLOCK.advance(Duration.ofMinutes(2)); // past the refused claim's lease
    Received got = awaitReceived(path, 2).get(1);
    assertThat(JSON.readTree(got.body()).path("id")).isEqualTo(held.path("id"));
  }

  private static JsonNode endpointOf(DemoCredentials t, String id) {
    for (JsonNode e : server.http().get("/v1/workspaces/" + t.workspaceId() + "/webhooks",
        company(t)).json().path("data")) {
      if (e.path("id").asText().equals(id)) {
        return e;
      }
    }
    throw new AssertionError("endpoint " + id + " is no longer listed");
  }

  private static JsonNode appendAs(DemoCredentials t, String action) {
    TestHttp.Response r = server.http().post("/v1/events", "{\"category\":\"user\","
        + "\"action\":\"" + action + "\"}", "Authorization", "Bearer " + t.workspaceKey(),
        "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  @Test
  void badInput_400WithTheField_andNothingCreated() {
    String ok = url("/bad");
    String ws = "/v1/workspaces/" + server.demo().workspaceId() + "/webhooks";
    int before = server.http().get(ws, company()).json().path("data").size();
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"events\":[\"AUDIT_EVENT_CREATED\"]}", new String[] {"REQUIRED", "/url"});
    cases.put("{\"url\":5,\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        new String[] {"INVALID_TYPE", "/url"});
    cases.put("{\"url\":\"" + ok + "\"}", new String[] {"REQUIRED", "/events"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[]}", new String[] {"INVALID_TYPE",
        "/events"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":\"AUDIT_EVENT_CREATED\"}",
        new String[] {"INVALID_TYPE", "/events"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"EVERYTHING\"]}",
        new String[] {"INVALID_ENUM", "/events/0"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"projectId\":"
        + "\"nope\"}", new String[] {"INVALID_FORMAT", "/projectId"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"projectId\":\""
        + java.util.UUID.randomUUID() + "\"}", new String[] {"NOT_FOUND", "/projectId"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"description\":"
        + "\"" + "d".repeat(501) + "\"}", new String[] {"TOO_LONG", "/description"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"description\":"
        + "7}", new String[] {"INVALID_TYPE", "/description"});
    cases.put("{\"url\":\"" + ok + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"secret\":\"x\"}",
        new String[] {"UNKNOWN_FIELD", "/secret"});
    cases.put("[1]", new String[] {"INVALID_TYPE", ""});
    cases.put("{\"url\":\"ftp://127.0.0.1/x\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        new String[] {"SCHEME_NOT_ALLOWED", "/url"});
    cases.put("{\"url\":\"http://user:pw@127.0.0.1/x\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        new String[] {"CREDENTIALS_IN_URL", "/url"});
    cases.put("{\"url\":\"" + "h".repeat(3000) + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
        new String[] {"TOO_LONG", "/url"});
    cases.forEach((body, expect) -> {
      TestHttp.Response r = server.http().post(ws, body, company());
      TestHttp.problem(r, 400, "VALIDATION_ERROR", expect[1]);
      assertThat(r.json().path("errors").get(0).path("code").asText()).as(body)
          .isEqualTo(expect[0]);
    });
    String id = createFor(newPath()).path("id").asText();
    String deliveries = "/v1/webhooks/" + id + "/deliveries";
    TestHttp.problem(server.http().get(deliveries + "?status=LOST", company()), 400,
        "VALIDATION_ERROR", "status");
    TestHttp.problem(server.http().get(deliveries + "?limit=0", company()), 400,
        "VALIDATION_ERROR", "limit");
    TestHttp.problem(server.http().get(deliveries + "?limit=101", company()), 400,
        "VALIDATION_ERROR", "limit");
    TestHttp.problem(server.http().get(deliveries + "?cursor=garbage", company()), 400,
        "VALIDATION_ERROR", "cursor");
    TestHttp.problem(server.http().get(deliveries + "?sort=asc", company()), 400,
        "VALIDATION_ERROR", "sort");
    TestHttp.problem(server.http().post("/v1/webhooks/not-a-uuid/disable", null, company()),
        404, "NOT_FOUND", null);
    TestHttp.problem(server.http().post("/v1/webhooks/" + id + "/deliveries/x/retry", null,
        company()), 404, "NOT_FOUND", null);
    assertThat(server.http().get(ws, company()).json().path("data").size())
        .isEqualTo(before + 1);
  }

  @Test
  void retry_failedDelivery_getsOneMoreAttempt_succeededIs409() {
    String path = newPath();
    String id = createFor(path).path("id").asText();
    append("retry-me");
    awaitReceived(path, 1);
    waitFor(() -> deliveries(id, "").path("data").get(0).path("status")
        .asText().equals("SUCCEEDED"));
    String deliveryId = deliveries(id, "").path("data").get(0).path("id").asText();
    TestHttp.problem(server.http().post("/v1/webhooks/" + id + "/deliveries/" + deliveryId
        + "/retry", null, company()), 409, "CONFLICT", null);
  }

  @Test
  void privateTargets_withoutTheFlag_refusedAtCreationWithTheirCode_andTenOperationsAMinute() {
    try (TestServer strict = TestServer.start()) {
      Map<String, String> urls = Map.of(
          "https://127.0.0.1/hook", "ADDRESS_NOT_ALLOWED",
          "https://169.254.169.254/latest", "ADDRESS_NOT_ALLOWED",
          "https://[::1]/hook", "ADDRESS_NOT_ALLOWED",
          "https://localhost/hook", "HOST_NOT_ALLOWED",
          "http://" + "example.com/hook", "SCHEME_NOT_ALLOWED",
          "https://2130706433/hook", "HOST_NOT_ALLOWED");
      urls.forEach((u, code) -> {
        TestHttp.Response r = strict.http().post("/v1/workspaces/" + strict.demo().workspaceId()
            + "/webhooks", "{\"url\":\"" + u + "\",\"events\":[\"AUDIT_EVENT_CREATED\"]}",
            company(strict.demo()));
        TestHttp.problem(r, 400, "VALIDATION_ERROR", "/url");
        assertThat(r.json().path("errors").get(0).path("code").asText()).as(u).isEqualTo(code);
      });
      assertThat(strict.http().get("/v1/workspaces/" + strict.demo().workspaceId()
          + "/webhooks", company(strict.demo())).json().path("data")).isEmpty();
      // 7 webhook operations so far (refused ones count): 3 more this minute, then 429.
      int allowed = 0;
      TestHttp.Response r;
      while ((r = strict.http().get("/v1/workspaces/" + strict.demo().workspaceId()
          + "/webhooks", company(strict.demo()))).status() == 200 && allowed < 20) {
        allowed++;
      }
      assertThat(allowed).isEqualTo(3);
      TestHttp.problem(r, 429, "RATE_LIMITED", null);
      // Counted apart from key management, which still has its 10.
      TestHttp.Response key = strict.http().post("/v1/workspaces/" + strict.demo().workspaceId()
          + "/keys", null, "Authorization", "Bearer " + strict.demo().companyKey());
      assertThat(key.status()).as(key.text()).isEqualTo(201);
    }
  }

  @Test
  void secrets_neverLogged() {
    JsonNode hook = createFor(newPath());
    String secret = hook.path("secret").asText();
    String rotated = server.http().post("/v1/webhooks/" + hook.path("id").asText()
        + "/rotate-secret", null, company()).json().path("secret").asText();
    append("logged?");
    waitFor(() -> deliveries(hook.path("id").asText(), "").path("data")
        .path(0).path("status").asText().equals("SUCCEEDED"));
    for (ILoggingEvent e : List.copyOf(LOGS.list)) {
      for (String s : List.of(secret, rotated)) {
        assertThat(e.getFormattedMessage()).doesNotContain(s.substring(6));
      }
    }
    assertThat(LOGS.list).anyMatch(e -> e.getFormattedMessage().contains("webhook endpoint "
        + hook.path("id").asText() + " secret rotated"));
  }
}
