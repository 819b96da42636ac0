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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Personal-data requests over HTTP on a virtual clock: the whole erasure lifecycle (filed by a
 * company key, approved on the dashboard by another person, executed by the {@code gdpr.erase}
 * job) with exports and verification before and after; dual control; cancel and reject;
 * overdue requests in the list and the metrics; racing approvals; tenant isolation; bad input.
 */
class GdprRequestsIT {
  private static final Instant T0 = Instant.parse("2026-05-04T09:00:00Z");
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static final String EMAIL = "grace.hopper@example.test";
  private static TestServer server;
  private static TestHttp http;
  private static UUID company;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"), CLOCK);
    http = server.http();
    company = server.demo().companyId();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String[] companyKey() {
    return new String[] {"Authorization", "Bearer " + server.demo().companyKey(),
        "Content-Type", "application/json"};
  }

  static String[] user(String id, String role) {
    return user(company, id, role);
  }

  static String[] user(UUID companyId, String id, String role) {
    return new String[] {"x-dashboard-token", server.dashboardToken(), "x-user-id", id,
        "x-user-email", id + "@staff.example", "x-user-role", role, "x-company-id",
        companyId.toString(), "Content-Type", "application/json"};
  }

  private static void append(String email, String name) {
    TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
        + "\"actor\":{\"id\":\"id-" + name + "\",\"email\":\"" + email + "\",\"name\":\"" + name
        + "\"}}", "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  private static JsonNode file(String body, String... headers) {
    TestHttp.Response r = http.post("/v1/gdpr/requests", body, headers);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static JsonNode erasure(String email) {
    return file("{\"type\":\"ERASURE\",\"subject\":{\"actorEmail\":\"" + email + "\"},"
        + "\"reason\":\"ticket 1234\"}", companyKey());
  }

  private static JsonNode runJob() {
    TestHttp.Response r = http.post("/ops/jobs/gdpr.erase/run", "{\"region\":\"US\"}",
        "x-internal-token", server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private static String chain() {
    return "/v1/chains/" + server.demo().workspaceId();
  }

  private static String[] wsKey() {
    return new String[] {"Authorization", "Bearer " + server.demo().workspaceKey()};
  }

  @Test
  void erasure_wholeLifecycle_erasesProvesAndKeepsChainsValid() {
    append(EMAIL, "Grace");
    append("other@example.test", "Other");
    append(EMAIL, "Grace");
    String before = http.get(chain() + "/events.jsonl", wsKey()).text();
    assertThat(before).contains(EMAIL);
    assertThat(http.get(chain() + "/verify", wsKey()).json().path("valid").asBoolean()).isTrue();

    JsonNode filed = erasure(EMAIL);
    String id = filed.path("id").asText();
    assertThat(filed.path("status").asText()).isEqualTo("PENDING_APPROVAL");
    assertThat(filed.path("dueAt").asText()).isEqualTo(T0.plus(Duration.ofDays(30)).toString());
    assertThat(filed.path("requester").path("kind").asText()).isEqualTo("key");
    assertThat(filed.path("subject").path("value").asText()).isEqualTo(EMAIL);

    // Not executed before approval.
    runJob();
    assertThat(http.get(chain() + "/events.jsonl", wsKey()).text()).contains(EMAIL);

    CLOCK.advance(Duration.ofHours(1));
    TestHttp.Response approved = http.post("/dashboard/admin/gdpr-requests/" + id + "/approve",
        "", user("approver-1", "GDPR_APPROVER"));
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    assertThat(approved.json().path("status").asText()).isEqualTo("APPROVED");
    JsonNode audit = server.auditEntry(approved);
    assertThat(audit.path("action").asText()).isEqualTo("gdpr.request.approve");
    assertThat(audit.path("outcome").asText()).isEqualTo("OK");
    assertThat(audit.toString()).doesNotContain(EMAIL);

    CLOCK.advance(Duration.ofMinutes(5));
    runJob();
    JsonNode done = http.get("/v1/gdpr/requests/" + id, companyKey()).json();
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("subject").has("value")).isFalse();
    assertThat(done.toString()).doesNotContain(EMAIL);
    JsonNode result = done.path("result");
    assertThat(result.path("events_erased").asLong()).isEqualTo(2);
    JsonNode proofChain = result.path("chains").get(0);
    assertThat(proofChain.path("workspace_id").asText())
        .isEqualTo(server.demo().workspaceId().toString());
    assertThat(proofChain.path("checkpoint").asText()).contains("\n\n\u2014 ");

    // After: the values are erased, the proof event is on the chain, the chain verifies.
    String after = http.get(chain() + "/events.jsonl", wsKey()).text();
    assertThat(after).doesNotContain(EMAIL).contains("other@example.test")
        .contains("\"erased\":true").contains("gdpr.erasure");
    JsonNode verify = http.get(chain() + "/verify", wsKey()).json();
    assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();

    // A second run changes nothing: one proof event.
    runJob();
    String again = http.get(chain() + "/events.jsonl", wsKey()).text();
    assertThat(again.lines().filter(l -> l.contains("\"action\":\"gdpr.erasure\"")))
        .hasSize(1);
  }

  @Test
  void approve_byTheRequester_refusedAndAudited() {
    TestHttp.Response r = http.post("/dashboard/gdpr-requests", "{\"type\":\"ERASURE\","
        + "\"subject\":{\"actorId\":\"u-77\"},\"reason\":\"asked by mail\"}",
        user("same-person", "GDPR_APPROVER"));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    String id = r.json().path("id").asText();
    TestHttp.Response self = http.post("/dashboard/admin/gdpr-requests/" + id + "/approve", "",
        user("same-person", "GDPR_APPROVER"));
    TestHttp.problem(self, 403, "FORBIDDEN", null);
    assertThat(server.auditEntry(self).path("outcome").asText()).isEqualTo("REFUSED");
    TestHttp.Response member = http.post("/dashboard/admin/gdpr-requests/" + id + "/approve",
        "", user("member-1", "MEMBER"));
    TestHttp.problem(member, 403, "FORBIDDEN", null);
    TestHttp.Response staff = http.post("/dashboard/admin/gdpr-requests/" + id + "/reject", "",
        user("admin-7", "HYRELOG_ADMIN"));
    assertThat(staff.status()).as(staff.text()).isEqualTo(200);
    assertThat(staff.json().path("status").asText()).isEqualTo("REJECTED");
    assertThat(staff.json().path("subject").has("value")).isFalse();
  }

  @Test
  void cancel_whilePending_thenNothingMoves() {
    String id = erasure("cancel-me@example.test").path("id").asText();
    TestHttp.Response c = http.send("DELETE", "/dashboard/gdpr-requests/" + id, new byte[0],
        user("user-5", "MEMBER"));
    assertThat(c.status()).as(c.text()).isEqualTo(200);
    assertThat(c.json().path("status").asText()).isEqualTo("CANCELLED");
    TestHttp.problem(http.send("DELETE", "/dashboard/gdpr-requests/" + id, new byte[0],
        user("user-5", "MEMBER")), 409, "GDPR_REQUEST_STATE", null);
    TestHttp.problem(http.post("/dashboard/admin/gdpr-requests/" + id + "/approve", "",
        user("approver-1", "GDPR_APPROVER")), 409, "GDPR_REQUEST_STATE", null);
  }

  @Test
  void access_startsApprovedWithoutASecondPerson() {
    JsonNode r = file("{\"type\":\"ACCESS\",\"subject\":{\"metadata\":{\"key\":\"patient\","
        + "\"value\":\"P-9\"}},\"reason\":\"Art. 15 request\"}", companyKey());
    assertThat(r.path("status").asText()).isEqualTo("APPROVED");
    assertThat(r.path("decidedBy").isNull()).isTrue();
    assertThat(r.path("subject").path("key").asText()).isEqualTo("patient");
  }

  @Test
  void racingApprovals_exactlyOneWins() throws Exception {
    for (int round = 0; round < 3; round++) {
      String id = erasure("race" + round + "@example.test").path("id").asText();
      List<Callable<TestHttp.Response>> racers = new ArrayList<>();
      for (String approver : List.of("approver-a", "approver-b", "approver-c")) {
        racers.add(() -> http.post("/dashboard/admin/gdpr-requests/" + id + "/approve", "",
            user(approver, "GDPR_APPROVER")));
      }
      racers.add(() -> http.send("DELETE", "/dashboard/gdpr-requests/" + id, new byte[0],
          user("user-5", "MEMBER")));
      ExecutorService pool = Executors.newFixedThreadPool(racers.size());
      try {
        List<Future<TestHttp.Response>> fs = pool.invokeAll(racers);
        List<Integer> statuses = new ArrayList<>();
        for (Future<TestHttp.Response> f : fs) {
          statuses.add(f.get().status());
        }
        assertThat(statuses.stream().filter(s -> s == 200)).as(statuses.toString()).hasSize(1);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(racers.size() - 1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void isolation_otherCompanysRequestIsNotFound() {
    String id = erasure("isolated@example.test").path("id").asText();
    var other = server.newTenant();
    TestHttp.problem(http.get("/v1/gdpr/requests/" + id, "Authorization", "Bearer "
        + other.companyKey()), 404, "NOT_FOUND", null);
    TestHttp.problem(http.get("/dashboard/gdpr-requests/" + id, user(other.companyId(),
        "u-9", "MEMBER")), 404, "NOT_FOUND", null);
    TestHttp.problem(http.post("/dashboard/admin/gdpr-requests/" + id + "/approve", "",
        user(other.companyId(), "admin-7", "HYRELOG_ADMIN")), 404, "NOT_FOUND", null);
    JsonNode list = http.get("/v1/gdpr/requests", "Authorization", "Bearer "
        + other.companyKey()).json();
    assertThat(list.path("data")).isEmpty();
    // A workspace key may not file or read requests.
    TestHttp.problem(http.get("/v1/gdpr/requests", wsKey()), 403, "FORBIDDEN", null);
  }

  @Test
  void list_pagedByCursorFilteredAndOverdueFlagged() {
    var tenant = server.newTenant();
    String[] key = {"Authorization", "Bearer " + tenant.companyKey(), "Content-Type",
        "application/json"};
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(0, file("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"p" + i + "\"},"
          + "\"reason\":\"r\"}", key).path("id").asText());
      CLOCK.advance(Duration.ofSeconds(1));
    }
    file("{\"type\":\"ACCESS\",\"subject\":{\"actorId\":\"p9\"},\"reason\":\"r\"}", key);
    JsonNode first = http.get("/v1/gdpr/requests?limit=2&status=PENDING_APPROVAL", key).json();
    assertThat(first.path("data")).hasSize(2);
    JsonNode second = http.get("/v1/gdpr/requests?limit=2&status=PENDING_APPROVAL&cursor="
        + first.path("nextCursor").asText(), key).json();
    List<String> seen = new ArrayList<>();
    first.path("data").forEach(r -> seen.add(r.path("id").asText()));
    second.path("data").forEach(r -> seen.add(r.path("id").asText()));
    assertThat(seen).isEqualTo(ids);
    assertThat(second.path("nextCursor").isNull()).isTrue();
    assertThat(first.path("data").get(0).path("overdue").asBoolean()).isFalse();

    CLOCK.advance(Duration.ofDays(31));
    JsonNode later = http.get("/dashboard/gdpr-requests?status=PENDING_APPROVAL",
        user(tenant.companyId(), "u-1", "MEMBER")).json();
    assertThat(later.path("data")).allSatisfy(r -> assertThat(r.path("overdue").asBoolean())
        .isTrue());
    String metrics = http.get("/internal/metrics", "x-internal-token", server.internalToken())
        .text();
    double overdue = metrics.lines().filter(l -> l.startsWith("hyrelog_gdpr_requests_overdue"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow();
    assertThat(overdue).isGreaterThanOrEqualTo(4);
    CLOCK.advance(Duration.ofDays(-31));
  }

  static Stream<Arguments> badFilings() {
    String big = "x".repeat(1025);
    return Stream.of(
        Arguments.of("{}", "/type", "REQUIRED"),
        Arguments.of("{\"type\":7,\"subject\":{\"actorId\":\"a\"},\"reason\":\"r\"}", "/type",
            "INVALID_TYPE"),
        Arguments.of("{\"type\":\"DELETE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"r\"}",
            "/type", "INVALID_VALUE"),
        Arguments.of("{\"type\":\"erasure\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"r\"}",
            "/type", "INVALID_VALUE"),
        Arguments.of("{\"type\":\"ERASURE\",\"reason\":\"r\"}", "/subject", "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":null,\"reason\":\"r\"}", "/subject",
            "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":\"a@b\",\"reason\":\"r\"}", "/subject",
            "INVALID_TYPE"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{},\"reason\":\"r\"}", "/subject",
            "ONE_REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\",\"actorEmail\":"
            + "\"b@c\"},\"reason\":\"r\"}", "/subject", "ONE_REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"email\":\"b@c\"},\"reason\":\"r\"}",
            "/subject/email", "UNKNOWN_FIELD"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"\"},\"reason\":\"r\"}",
            "/subject/actorId", "EMPTY"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":5},\"reason\":\"r\"}",
            "/subject/actorId", "INVALID_TYPE"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"" + big + "\"},"
            + "\"reason\":\"r\"}", "/subject/actorId", "TOO_LONG"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorEmail\":null},\"reason\":\"r\"}",
            "/subject/actorEmail", "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"metadata\":\"k=v\"},\"reason\":\"r\"}",
            "/subject/metadata", "INVALID_TYPE"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"metadata\":{\"value\":\"v\"}},"
            + "\"reason\":\"r\"}", "/subject/metadata/key", "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"metadata\":{\"key\":\"k\"}},"
            + "\"reason\":\"r\"}", "/subject/metadata/value", "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"metadata\":{\"key\":\"" + "k"
            .repeat(129) + "\",\"value\":\"v\"}},\"reason\":\"r\"}", "/subject/metadata/key",
            "TOO_LONG"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"metadata\":{\"key\":\"k\",\"value\":"
            + "\"v\",\"op\":\"eq\"}},\"reason\":\"r\"}", "/subject/metadata/op", "UNKNOWN_FIELD"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"}}", "/reason",
            "REQUIRED"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"\"}",
            "/reason", "EMPTY"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"  \"}",
            "/reason", "BLANK"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\""
            + "r".repeat(1001) + "\"}", "/reason", "TOO_LONG"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":[1]}",
            "/reason", "INVALID_TYPE"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorEmail\":\"x@y.z\"},\"reason\":"
            + "\"erase x@y.z please\"}", "/reason", "CONTAINS_SUBJECT"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"r\","
            + "\"workspaceId\":\"not-a-uuid\"}", "/workspaceId", "INVALID_FORMAT"),
        Arguments.of("{\"type\":\"ERASURE\",\"subject\":{\"actorId\":\"a\"},\"reason\":\"r\","
            + "\"priority\":1}", null, null));
  }

  @ParameterizedTest
  @MethodSource("badFilings")
  void file_badInput_problemAndNothingStored(String body, String field, String code) {
    int before = http.get("/v1/gdpr/requests?limit=100", companyKey()).json().path("data")
        .size();
    TestHttp.Response r = http.post("/v1/gdpr/requests", body, companyKey());
    TestHttp.problem(r, 400, "VALIDATION_ERROR", field);
    if (code != null) {
      assertThat(r.json().path("errors").get(0).path("code").asText()).isEqualTo(code);
    }
    assertThat(r.text()).doesNotContain("x@y.z");
    assertThat(http.get("/v1/gdpr/requests?limit=100", companyKey()).json().path("data")
        .size()).isEqualTo(before);
  }

  @Test
  void badRequests_otherThanTheBody_clearProblems() {
    TestHttp.problem(http.post("/v1/gdpr/requests", "{not json", companyKey()), 400,
        "VALIDATION_ERROR", null);
    TestHttp.problem(http.post("/v1/gdpr/requests", "{\"type\":\"ERASURE\",\"subject\":"
        + "{\"actorId\":\"a\"},\"reason\":\"r\",\"workspaceId\":\"" + UUID.randomUUID() + "\"}",
        companyKey()), 404, "NOT_FOUND", null);
    TestHttp.problem(http.get("/v1/gdpr/requests?status=DONE", companyKey()), 400,
        "VALIDATION_ERROR", "status");
    TestHttp.problem(http.get("/v1/gdpr/requests?limit=0", companyKey()), 400,
        "VALIDATION_ERROR", "limit");
    TestHttp.problem(http.get("/v1/gdpr/requests?cursor=abc", companyKey()), 400,
        "VALIDATION_ERROR", "cursor");
    TestHttp.problem(http.get("/v1/gdpr/requests?sort=asc", companyKey()), 400,
        "VALIDATION_ERROR", "sort");
    TestHttp.problem(http.get("/v1/gdpr/requests/not-a-uuid", companyKey()), 404, "NOT_FOUND",
        null);
    TestHttp.problem(http.get("/v1/gdpr/requests/" + UUID.randomUUID(), companyKey()), 404,
        "NOT_FOUND", null);
    TestHttp.problem(http.post("/v1/gdpr/requests", "{}"), 401, "UNAUTHORIZED", null);
    TestHttp.problem(http.post("/dashboard/admin/gdpr-requests/" + UUID.randomUUID()
        + "/approve", "{\"why\":1}", user("approver-1", "GDPR_APPROVER")), 400,
        "VALIDATION_ERROR", null);
  }
}
