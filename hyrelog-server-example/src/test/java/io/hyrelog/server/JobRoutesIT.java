package io.hyrelog.server;

import static io.hyrelog.server.TestHttp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operators' job routes through real HTTP on a real server and database. */
class JobRoutesIT {
  private static TestServer server;
  private static TestHttp http;
  private static String[] auth;
  private static final String JSON = "Content-Type";

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("HYRELOG_JOBS_POLL_INTERVAL", "100ms"), Clock.systemUTC());
    http = server.http();
    auth = new String[] {"x-internal-token", server.internalToken()};
    for (int i = 0; i < 3; i++) {
      TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
          "Authorization", "Bearer " + server.demo().workspaceKey(), JSON, "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String[] authJson() {
    return new String[] {"x-internal-token", server.internalToken(), JSON, "application/json"};
  }

  @Test
  void everyRoute_withoutOrWithWrongToken_is401() {
    for (String path : new String[] {"/ops/jobs", "/ops/jobs/runs/" + UUID.randomUUID()}) {
      problem(http.get(path), 401, "UNAUTHORIZED", null);
      problem(http.get(path, "x-internal-token", "wrong-token-wrong-token"), 401,
          "UNAUTHORIZED", null);
    }
    problem(http.post("/ops/jobs/chains.verify/run", "{}", JSON, "application/json"), 401,
        "UNAUTHORIZED", null);
    problem(http.post("/ops/jobs/chains.verify/run", "{}", "x-internal-token", "x", JSON,
        "application/json"), 401, "UNAUTHORIZED", null);
  }

  @Test
  void list_activeOnly_showsScheduledJobWithPolicyAndNextRun() {
    TestHttp.Response r = http.get("/ops/jobs?active_only=true", auth);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode job = r.json().path("jobs").get(0);
    assertThat(r.json().path("jobs_enabled").asBoolean()).isTrue();
    assertThat(job.path("job_id").asText()).isEqualTo("chains.verify");
    assertThat(job.path("job_type").asText()).isEqualTo("chains.verify");
    assertThat(job.path("active").asBoolean()).isTrue();
    assertThat(job.path("policy").path("max_attempts").asInt()).isEqualTo(3);
    assertThat(job.path("policy").path("timeout_seconds").asInt()).isEqualTo(3600);
    assertThat(job.path("policy").path("schedule").asText()).isEqualTo("daily 03:00 UTC");
    assertThat(job.path("input_schema").path("properties").has("companyId")).isTrue();
    assertThat(job.path("regions").path("US").path("next_run_at").asText()).endsWith("T03:00:00Z");
    problem(http.get("/ops/jobs?active_only=maybe", auth), 400, "VALIDATION_ERROR",
        "active_only");
    problem(http.get("/ops/jobs?other=1", auth), 400, "VALIDATION_ERROR", "other");
  }

  @Test
  void run_wait_returnsTheFinishedRunWithAsOf_andItIsFoundAgain() {
    TestHttp.Response r = http.post("/ops/jobs/chains.verify/run",
        "{\"asOf\":\"2026-01-31T00:00:00Z\",\"region\":\"US\"}", authJson());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    JsonNode run = r.json();
    assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(run.path("trigger").asText()).isEqualTo("MANUAL");
    assertThat(run.path("as_of").asText()).isEqualTo("2026-01-31T00:00:00Z");
    assertThat(run.path("result").path("companies").asInt()).isEqualTo(1);
    assertThat(run.path("result").path("chains").asInt()).isEqualTo(1);
    assertThat(run.path("result").path("events").asInt()).isEqualTo(3);
    assertThat(run.path("result").path("valid").asBoolean()).isTrue();
    assertThat(run.path("result").path("as_of").asText()).isEqualTo("2026-01-31T00:00:00Z");
    assertThat(run.path("error_message").isNull()).isTrue();
    TestHttp.Response again = http.get("/ops/jobs/runs/" + run.path("run_id").asText(), auth);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(run);
    // The job's last run shows in the listing.
    JsonNode listed = http.get("/ops/jobs", auth).json().path("jobs").get(0);
    assertThat(listed.path("regions").path("US").path("last_run").path("run_id").asText())
        .isNotEmpty();
  }

  @Test
  void run_noWait_isQueuedThenRunsOnce() throws Exception {
    TestHttp.Response r = http.post("/ops/jobs/chains.verify/run",
        "{\"wait\":false,\"input\":{\"companyId\":\"" + server.demo().companyId() + "\"}}",
        authJson());
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    assertThat(r.json().path("status").asText()).isEqualTo("QUEUED");
    String id = r.json().path("run_id").asText();
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode run;
    do {
      Thread.sleep(50);
      run = http.get("/ops/jobs/runs/" + id, auth).json();
    } while (!run.path("status").asText().equals("SUCCEEDED") && System.nanoTime() < deadline);
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.path("result").path("companies").asInt()).isEqualTo(1);
    assertThat(run.path("worker").asText()).isNotEmpty();
  }

  @Test
  void run_badInput_is400WithTheField_andUnknownJobIs404() {
    problem(http.post("/ops/jobs/no.such.job/run", "{}", authJson()), 404, "NOT_FOUND", null);
    problem(http.post("/ops/jobs/chains.verify/run", "{\"input\":{\"nope\":1}}", authJson()),
        400, "VALIDATION_ERROR", "/input/nope");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"input\":{\"companyId\":5}}",
        authJson()), 400, "VALIDATION_ERROR", "/input/companyId");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"input\":[1]}", authJson()), 400,
        "VALIDATION_ERROR", "/input");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"asOf\":\"yesterday\"}", authJson()),
        400, "VALIDATION_ERROR", "/asOf");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"region\":\"MARS\"}", authJson()), 400,
        "VALIDATION_ERROR", "/region");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"region\":\"EU\"}", authJson()), 400,
        "VALIDATION_ERROR", "/region");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"wait\":\"yes\"}", authJson()), 400,
        "VALIDATION_ERROR", "/wait");
    problem(http.post("/ops/jobs/chains.verify/run", "{\"as_of\":\"x\"}", authJson()), 400,
        "VALIDATION_ERROR", "/as_of");
    problem(http.post("/ops/jobs/chains.verify/run", "[]", authJson()), 400,
        "VALIDATION_ERROR", "");
    problem(http.post("/ops/jobs/chains.verify/run", "{", authJson()), 400,
        "VALIDATION_ERROR", null);
    problem(http.post("/ops/jobs/chains.verify/run", "{}", "x-internal-token",
        server.internalToken(), JSON, "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE", null);
    // A company of another tenant, or none: the run is recorded as FAILED with the reason.
    TestHttp.Response r = http.post("/ops/jobs/chains.verify/run", "{\"input\":{\"companyId\":\""
        + UUID.randomUUID() + "\"}}", authJson());
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).isEqualTo("FAILED");
    assertThat(r.json().path("error_message").asText()).contains("is not in region US");
  }

  @Test
  void runStatus_unknownOrMalformedId_is404() {
    problem(http.get("/ops/jobs/runs/" + UUID.randomUUID(), auth), 404, "NOT_FOUND", null);
    problem(http.get("/ops/jobs/runs/not-a-uuid", auth), 404, "NOT_FOUND", null);
  }
}
