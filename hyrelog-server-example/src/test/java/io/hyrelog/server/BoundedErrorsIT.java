package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies that break a rule many thousand times are answered with a problem of bounded size:
 * the first 20 field errors, {@code errorCount} with the total, {@code errorsTruncated}; and
 * nothing is written. Real server and database, default body limit (4 MiB).
 */
class BoundedErrorsIT {
  private static final String JSON = "Content-Type";
  private static final int MAX_PROBLEM_BYTES = 16 * 1024;

  private static TestServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000"), Clock.systemUTC());
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An object of {@code n} unknown fields {@code "u0000001":0, …} plus {@code prefix}. */
  private static String unknownFields(String prefix, int n) {
    StringBuilder b = new StringBuilder(n * 14 + prefix.length() + 2).append('{').append(prefix);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 && prefix.isEmpty() ? "" : ",").append(String.format("\"u%07d\":0", i));
    }
    return b.append('}').toString();
  }

  private static JsonNode bounded(TestHttp.Response r, long errorCount) {
    assertThat(r.status()).as(r.text().substring(0, Math.min(500, r.text().length())))
        .isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.body().length).isLessThan(MAX_PROBLEM_BYTES);
    JsonNode p = r.json();
    assertThat(p.path("code").asText()).isEqualTo("VALIDATION_ERROR");
    assertThat(p.path("errors")).hasSize(20);
    assertThat(p.path("errorCount").asLong()).isEqualTo(errorCount);
    assertThat(p.path("errorsTruncated").asBoolean()).isTrue();
    assertThat(p.path("detail").asText()).isEqualTo(errorCount + " fields are invalid");
    return p;
  }

  private static long head() {
    return http.get("/v1/chains/" + server.demo().workspaceId() + "/head", "Authorization",
        "Bearer " + server.demo().workspaceKey()).json().path("seq").asLong();
  }

  /** The review's case: 4 MiB of unknown fields once made a 68.6 MB answer. */
  @Test
  void event_fourMebibytesOfUnknownFields_boundedProblem() {
    long before = head();
    int n = 4 * 1024 * 1024 / 13 - 100;
    String body = unknownFields("\"category\":\"user\",\"action\":\"login\"", n);
    assertThat(body.length()).isLessThanOrEqualTo(4 * 1024 * 1024);
    JsonNode p = bounded(http.post("/v1/events", body, "Authorization", "Bearer "
        + server.demo().workspaceKey(), JSON, "application/json"), n);
    assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo("/u0000000");
    assertThat(p.path("errors").get(19).path("field").asText()).isEqualTo("/u0000019");
    assertThat(head()).isEqualTo(before);
  }

  @Test
  void batch_thousandEventsEachMissingTwoFields_boundedProblem() {
    long before = head();
    String body = "{\"events\":[" + "{},".repeat(999) + "{}]}";
    JsonNode p = bounded(http.post("/v1/events/batch", body, "Authorization", "Bearer "
        + server.demo().workspaceKey(), JSON, "application/json"), 2000);
    assertThat(p.path("errors").get(0).path("field").asText()).isEqualTo("/events/0/category");
    assertThat(head()).isEqualTo(before);
  }

  @Test
  void export_manyUnknownFields_boundedProblem() {
    int n = 50_000;
    bounded(http.post("/v1/exports", unknownFields("\"format\":\"JSONL\"", n), "Authorization",
        "Bearer " + server.demo().companyKey(), JSON, "application/json"), n);
  }

  @Test
  void jobInput_manyUnknownFields_boundedProblem() {
    int n = 4_000; // the operator routes take bodies up to 64 KiB
    TestHttp.Response r = http.post("/ops/jobs/chains.verify/run", "{\"input\":"
        + unknownFields("", n) + "}", "x-internal-token", server.internalToken(), JSON,
        "application/json");
    assertThat(r.status()).as(r.text().substring(0, Math.min(500, r.text().length())))
        .isEqualTo(400);
    assertThat(r.body().length).isLessThan(MAX_PROBLEM_BYTES);
    assertThat(r.json().path("errors")).hasSize(20);
    assertThat(r.json().path("errorCount").asLong()).isGreaterThanOrEqualTo(n);
    assertThat(r.json().path("errorsTruncated").asBoolean()).isTrue();
  }
}
