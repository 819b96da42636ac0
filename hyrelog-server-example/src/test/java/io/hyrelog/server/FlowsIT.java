package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The seed API's flows end to end over real HTTP against a real PostgreSQL: ingest, idempotency,
 * batches, query and paging, chain export and verification, key creation and rotation, rate
 * limits (on a virtual clock), trusted proxies, health and metrics.
 */
class FlowsIT {
  private static final MutableClock CLOCK =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private static TestServer server;
  private static TestHttp http;
  private static DemoCredentials demo;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "1000"), CLOCK);
    http = server.http();
    demo = server.demo();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String[] ws(String... more) {
    return auth(demo.workspaceKey(), more);
  }

  private static String[] co(String... more) {
    return auth(demo.companyKey(), more);
  }

  private static String[] auth(String key, String... more) {
    List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + key,
        "Content-Type", "application/json"));
    h.addAll(List.of(more));
    return h.toArray(String[]::new);
  }

  private static long head() {
    return http.get("/v1/chains/" + demo.workspaceId() + "/head", ws()).json().path("seq")
        .asLong();
  }

  @Test
  void append_single_returnsStoredEventLinkedToPrevious() {
    long before = head();
    TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
        + "\"actor\":{\"id\":\"u_1\",\"email\":\"ada@example.com\",\"role\":\"admin\"},"
        + "\"resource\":{\"type\":\"doc\",\"id\":\"d1\"},\"metadata\":{\"plan\":\"pro\"},"
        + "\"projectId\":\"" + demo.projectId() + "\"}", ws("User-Agent", "flows-test",
        "X-Trace-Id", "trace-123"));
    assertThat(r.status()).isEqualTo(201);
    JsonNode e = r.json();
    assertThat(e.path("seq").asLong()).isEqualTo(before + 1);
    assertThat(e.path("hash").asText()).hasSize(64);
    assertThat(e.path("workspaceId").asText()).isEqualTo(demo.workspaceId().toString());
    assertThat(e.path("projectId").asText()).isEqualTo(demo.projectId().toString());
    assertThat(e.path("context").path("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(e.path("context").path("userAgent").asText()).isEqualTo("flows-test");
    assertThat(e.path("context").path("traceId").asText()).isEqualTo("trace-123");
    assertThat(r.header("X-Trace-Id")).isEqualTo("trace-123");
    assertThat(r.header("X-RateLimit-Limit")).isEqualTo("1200");
    TestHttp.Response next = http.post("/v1/events", "{\"category\":\"user\","
        + "\"action\":\"logout\"}", ws());
    assertThat(next.json().path("prevHash").asText()).isEqualTo(e.path("hash").asText());
  }

  /**
   * The server captures the User-Agent itself: a TAB, a C1 control (byte 0x85) or a header
   * longer than the field never get the event rejected; they are normalized (controls become
   * spaces, cut to 1,024 characters) and the event is stored.
   */
  @Test
  void append_userAgentWithControlsAndTooLong_storedNormalized() {
    long before = head();
    String body = "{\"category\":\"user\",\"action\":\"login\"}";
    String ua = "agent\tv1\u0085x" + "y".repeat(2_000);
    byte[] request = ("POST /v1/events HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer "
        + demo.workspaceKey() + "\r\nContent-Type: application/json\r\nUser-Agent: " + ua
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    TestHttp.Response r = http.raw(request);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    String stored = r.json().path("context").path("userAgent").asText();
    assertThat(stored).startsWith("agent v1 xyyy").hasSize(1024);
    assertThat(head()).isEqualTo(before + 1);
  }

  @Test
  void append_sameIdempotencyKey_replaysOriginalAndConflictsOnDifferentBody() {
    String key = "idem-" + UUID.randomUUID();
    String body = "{\"category\":\"billing\",\"action\":\"charge\",\"metadata\":{\"cents\":42}}";
    TestHttp.Response first = http.post("/v1/events", body, ws("Idempotency-Key", key));
    long after = head();
    TestHttp.Response again = http.post("/v1/events", body, ws("Idempotency-Key", key));
    TestHttp.Response viaField = http.post("/v1/events", "{\"category\":\"billing\","
        + "\"action\":\"charge\",\"metadata\":{\"cents\":42},\"idempotencyKey\":\"" + key
        + "\"}", ws());
    TestHttp.Response different = http.post("/v1/events", body.replace("42", "43"),
        ws("Idempotency-Key", key));

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("id")).isEqualTo(first.json().path("id"));
    assertThat(viaField.status()).isEqualTo(200);
    assertThat(viaField.json().path("seq")).isEqualTo(first.json().path("seq"));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.json().path("code").asText()).isEqualTo("IDEMPOTENCY_CONFLICT");
    assertThat(head()).isEqualTo(after);
  }

  @Test
  void appendBatch_valid_storesAllInOrder_invalid_storesNone() {
    long before = head();
    TestHttp.Response ok = http.post("/v1/events/batch", "{\"events\":["
        + "{\"category\":\"a\",\"action\":\"1\"},{\"category\":\"a\",\"action\":\"2\"},"
        + "{\"category\":\"a\",\"action\":\"3\"}]}", ws());
    assertThat(ok.status()).isEqualTo(201);
    assertThat(ok.json().path("created").asInt()).isEqualTo(3);
    List<Long> seqs = new ArrayList<>();
    ok.json().path("data").forEach(e -> seqs.add(e.path("seq").asLong()));
    assertThat(seqs).containsExactly(before + 1, before + 2, before + 3);

    TestHttp.Response bad = http.post("/v1/events/batch", "{\"events\":["
        + "{\"category\":\"a\",\"action\":\"1\"},{\"category\":\"a\"}]}", ws());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("errors").get(0).path("field").asText())
        .isEqualTo("/events/1/action");
    assertThat(head()).isEqualTo(before + 3);
  }

  @Test
  void query_pagesThroughSharedTimestamps_withoutGapsOrDuplicates() {
    String category = "paging" + UUID.randomUUID().toString().substring(0, 8);
    String ts = CLOCK.instant().minusSeconds(60).toString();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      events.append(i == 0 ? "" : ",").append("{\"category\":\"").append(category)
          .append("\",\"action\":\"act").append(i % 3).append("\",\"timestamp\":\"").append(ts)
          .append("\",\"actor\":{\"id\":\"u").append(i % 2).append("\"}}");
    }
    assertThat(http.post("/v1/events/batch", "{\"events\":[" + events + "]}", ws()).status())
        .isEqualTo(201);

    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      TestHttp.Response page = http.get("/v1/events?limit=10&category=" + category
          + (cursor == null ? "" : "&cursor=" + cursor), co());
      assertThat(page.status()).isEqualTo(200);
      page.json().path("data").forEach(e -> assertThat(seen.add(e.path("id").asText()))
          .isTrue());
      JsonNode next = page.json().path("nextCursor");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).hasSize(25);
    assertThat(pages).isEqualTo(3);

    JsonNode filtered = http.get("/v1/events?limit=200&category=" + category
        + "&action=act1&actorId=u1", ws()).json().path("data");
    // i % 3 == 1 and i % 2 == 1: i in {1, 7, 13, 19}
    assertThat(filtered).hasSize(4);
    JsonNode byWorkspace = http.get("/v1/events?limit=200&category=" + category
        + "&workspaceId=" + demo.workspaceId(), co()).json().path("data");
    assertThat(byWorkspace).hasSize(25);
  }

  @Test
  void export_jsonl_verifiesOffline_andServerVerifyAgrees() throws Exception {
    http.post("/v1/events", "{\"category\":\"export\",\"action\":\"check\"}", ws());
    long seq = head();
    TestHttp.Response r = http.get("/v1/chains/" + demo.workspaceId() + "/events.jsonl", ws());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
    ChainVerifier v = ChainVerifier.builder().expectChains(List.of(demo.workspaceId()))
        .requireCompleteChains().build();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line : reader) {
        if (line.error() != null) {
          v.malformed(line.number(), line.error());
        } else {
          v.accept(line.tree(), line.number());
        }
      }
    }
    VerificationReport report = v.finish();
    assertThat(report.ok()).as(report.failure().toString()).isTrue();
    assertThat(report.chains().get(0).lastSeq()).isGreaterThanOrEqualTo(seq);

    JsonNode server = http.get("/v1/chains/" + demo.workspaceId() + "/verify", co()).json();
    assertThat(server.path("valid").asBoolean()).isTrue();
    assertThat(server.path("events").asLong()).isGreaterThanOrEqualTo(seq);

    TestHttp.Response range = http.get("/v1/chains/" + demo.workspaceId()
        + "/events.jsonl?fromSeq=2&toSeq=3", ws());
    assertThat(range.text().lines().count()).isEqualTo(2);
  }

  @Test
  void keys_createUseRotate_oldKeyStopsWorking() {
    TestHttp.Response created = http.post("/v1/workspaces/" + demo.workspaceId() + "/keys",
        "{\"ipAllowlist\":[\"127.0.0.0/8\"]}", co());
    assertThat(created.status()).isEqualTo(201);
    String key = created.json().path("key").asText();
    String keyId = created.json().path("id").asText();
    assertThat(key).startsWith("hlk_us_ws_").startsWith(created.json().path("prefix").asText());
    assertThat(http.post("/v1/events", "{\"category\":\"k\",\"action\":\"new\"}", auth(key))
        .status()).isEqualTo(201);
    JsonNode status = http.get("/v1/keys/status", auth(key)).json();
    assertThat(status.path("id").asText()).isEqualTo(keyId);
    assertThat(status.path("ipAllowlist").get(0).asText()).isEqualTo("127.0.0.0/8");

    TestHttp.Response rotated = http.post("/v1/keys/" + keyId + "/rotate", null, co());
    assertThat(rotated.status()).isEqualTo(201);
    String replacement = rotated.json().path("key").asText();
    assertThat(rotated.json().path("rotatedFrom").asText()).isEqualTo(keyId);
    assertThat(http.post("/v1/events", "{\"category\":\"k\",\"action\":\"old\"}", auth(key))
        .status()).isEqualTo(401);
    assertThat(http.post("/v1/events", "{\"category\":\"k\",\"action\":\"rotated\"}",
        auth(replacement)).status()).isEqualTo(201);
    assertThat(http.post("/v1/keys/" + keyId + "/rotate", null, co()).status())
        .isEqualTo(409);

    JsonNode all = http.get("/v1/keys/status", co()).json().path("keys");
    List<String> states = new ArrayList<>();
    all.forEach(k -> {
      if (k.path("id").asText().equals(keyId)) {
        states.add(k.path("status").asText());
      }
    });
    assertThat(states).containsExactly("REVOKED");
  }

  @Test
  void keys_expiry_followsServerClock() {
    Instant expires = CLOCK.instant().plusSeconds(30);
    TestHttp.Response created = http.post("/v1/workspaces/" + demo.workspaceId() + "/keys",
        "{\"expiresAt\":\"" + expires + "\"}", co());
    String key = created.json().path("key").asText();
    assertThat(http.get("/v1/keys/status", auth(key)).status()).isEqualTo(200);
    CLOCK.advance(Duration.ofSeconds(31));
    TestHttp.Response expired = http.get("/v1/keys/status", auth(key));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().path("detail").asText()).contains("expired");
  }

  @Test
  void internal_healthAndMetrics_requireToken() {
    assertThat(http.get("/internal/health").status()).isEqualTo(401);
    TestHttp.Response health = http.get("/internal/health", "x-internal-token",
        server.internalToken());
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("ok");
    assertThat(health.json().path("databases").path("US").asText()).isEqualTo("ok");

    http.post("/v1/events", "{\"category\":\"m\",\"action\":\"count\"}", ws());
    TestHttp.Response metrics = http.get("/internal/metrics", "x-internal-token",
        server.internalToken());
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text()).contains("hyrelog_events_appended_total")
        .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/events\"")
        .doesNotContain(demo.workspaceKey()).doesNotContain(demo.companyKey());
  }

  @Test
  void root_describesService() {
    JsonNode root = http.get("/").json();
    assertThat(root.path("service").asText()).isEqualTo("hyrelog-api");
    assertThat(root.path("status").asText()).isEqualTo("running");
  }
}
