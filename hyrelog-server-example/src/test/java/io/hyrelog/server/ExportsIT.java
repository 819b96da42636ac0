package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Workspace;
import io.hyrelog.export.CsvEventWriter;
import io.hyrelog.EventJson;
import io.hyrelog.export.Rfc4180Reader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.storage.postgres.PostgresExports;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exports API over real HTTP against one real server (embedded PostgreSQL, virtual clock):
 * 180 events in three workspaces, twenty at a time sharing one timestamp, exported as JSONL and
 * CSV, unfiltered and filtered; exactly the ingested events once each, in chain order, and the
 * JSONL verifies (unfiltered without gaps, filtered with {@code allowGaps}); the head snapshot
 * keeps later appends out and downloads byte-identical; plan gating per tier and plan
 * overrides; other tenants' and workspaces' jobs are 404.
 *
 * <p>Other companies (FREE, STARTER, ENTERPRISE, a GROWTH override of maxExportRows) are
 * created through {@link PostgresTenants} on the server's embedded database, with keys hashed
 * under the server's secret.
 */
class ExportsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_WORKSPACE = 60;

  private static MutableClock clock;
  private static TestServer server;
  private static TestHttp http;
  private static PostgresTenants tenants;
  private static KeyHasher hasher;
  private static DemoCredentials demo;
  /** The demo company's three workspaces (the demo one first) and a workspace key of each. */
  private static final List<UUID> WS = new ArrayList<>();
  private static final Map<UUID, String> WS_KEYS = new HashMap<>();
  /** Every ingested event id, per workspace. */
  private static final Map<UUID, List<String>> IDS = new HashMap<>();
  private static final Set<String> BILLING = new HashSet<>();

  @BeforeAll
  static void start() throws IOException {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of(
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000"), clock);
    http = server.http();
    demo = server.demo();
    tenants = PostgresTenants.create(server.owner());
    hasher = new KeyHasher(Secrets.loadOrCreate(server.dataDir()).apiKeySecret());

    WS.add(demo.workspaceId());
    WS_KEYS.put(demo.workspaceId(), demo.workspaceKey());
    for (String name : List.of("Staging", "EU app")) {
      UUID ws = UUID.randomUUID();
      tenants.createWorkspace(new Workspace(ws, demo.companyId(), name));
      WS.add(ws);
      WS_KEYS.put(ws, key(demo.companyId(), ws, ApiKeyType.WORKSPACE));
    }
    String ts = clock.instant().minusSeconds(60).toString();
    for (UUID ws : WS) {
      IDS.put(ws, new ArrayList<>());
      for (int batch = 0; batch < PER_WORKSPACE / 20; batch++) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 20; i++) {
          int n = batch * 20 + i;
          b.append(i == 0 ? "" : ",").append("{\"category\":\"")
              .append(n % 4 == 0 ? "billing" : "user").append("\",\"action\":\"a")
              .append(n).append("\",\"timestamp\":\"").append(ts)
              .append("\",\"actor\":{\"id\":\"u").append(n % 3).append("\",\"email\":\"u")
              .append(n % 3).append("@example.com\",\"name\":\"Doe, \\\"J\\\"\"},")
              .append("\"metadata\":{\"note\":\"a,b\\nc\"}}");
        }
        JsonNode r = ok(http.post("/v1/events/batch", b.append("]}").toString(),
            json(WS_KEYS.get(ws))), 201);
        for (JsonNode e : r.path("data")) {
          IDS.get(ws).add(e.path("id").asText());
          if (e.path("category").asText().equals("billing")) {
            BILLING.add(e.path("id").asText());
          }
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A new key of a company (workspace key when {@code ws} is set), hashed as the server does. */
  private static String key(UUID company, UUID ws, ApiKeyType type) {
    ApiKeyToken t = ApiKeyToken.generate(DataRegion.US, type);
    tenants.createKey(new ApiKey(UUID.randomUUID(), company, type == ApiKeyType.WORKSPACE ? ws
        : null, type, t.displayPrefix(), hasher.hash(t), List.of(), null, null, null,
        clock.instant()));
    return t.text();
  }

  /** A company on {@code tier} with one workspace; returns its company key and workspace key. */
  private static String[] company(PlanTier tier, PlanOverrides overrides) {
    UUID id = UUID.randomUUID();
    UUID ws = UUID.randomUUID();
    tenants.createCompany(new Company(id, tier + " Corp", DataRegion.US, tier, overrides));
    tenants.createWorkspace(new Workspace(ws, id, "Prod"));
    return new String[] {key(id, null, ApiKeyType.COMPANY), key(id, ws, ApiKeyType.WORKSPACE),
        ws.toString()};
  }

  // ---------------------------------------------------------------------------------------------

  private static String[] auth(String key) {
    return new String[] {"Authorization", "Bearer " + key};
  }

  private static String[] json(String key) {
    return new String[] {"Authorization", "Bearer " + key, "Content-Type", "application/json"};
  }

  private static JsonNode ok(TestHttp.Response r, int status) {
    assertThat(r.status()).as("%s", r.text()).isEqualTo(status);
    return r.json();
  }

  private static JsonNode create(String key, String body) {
    TestHttp.Response r = http.post("/v1/exports", body, json(key));
    JsonNode job = ok(r, 201);
    assertThat(r.header("location")).isEqualTo("/v1/exports/" + job.path("jobId").asText());
    assertThat(job.path("status").asText()).isEqualTo("PENDING");
    return job;
  }

  private static TestHttp.Response download(String key, JsonNode job) {
    return http.get("/v1/exports/" + job.path("jobId").asText() + "/download", auth(key));
  }

  private static List<AuditEvent> events(byte[] jsonl) throws IOException {
    List<AuditEvent> out = new ArrayList<>();
    for (String line : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        out.add(EventJson.fromTree(JSON.readTree(line)));
      }
    }
    return out;
  }

  private static VerificationReport verify(byte[] jsonl, boolean allowGaps) throws IOException {
    ChainVerifier.Builder b = ChainVerifier.builder();
    if (allowGaps) {
      b.allowGaps();
    } else {
      b.requireCompleteChains();
    }
    ChainVerifier v = b.build();
    long n = 0;
    for (String line : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty() && !v.accept(JSON.readTree(line), ++n)) {
        break;
      }
    }
    return v.finish();
  }

  /** The workspaces in export order (PostgreSQL uuid order = canonical text order). */
  private static List<UUID> chainOrder(List<UUID> ws) {
    List<UUID> out = new ArrayList<>(ws);
    out.sort(PostgresExports.CHAIN_ORDER);
    return out;
  }

  private static void assertChainOrder(List<AuditEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      AuditEvent a = events.get(i - 1);
      AuditEvent b = events.get(i);
      int c = PostgresExports.CHAIN_ORDER.compare(a.workspaceId(), b.workspaceId());
      assertThat(c < 0 || (c == 0 && a.seq() < b.seq())).as("%s before %s", a, b).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void unfilteredJsonl_companyKey_everyEventOnceInChainOrder_verifiesWithoutGaps()
      throws IOException {
    JsonNode job = create(demo.companyKey(), "{}");
    assertThat(job.path("source").asText()).isEqualTo("HOT");
    assertThat(job.path("format").asText()).isEqualTo("JSONL");
    assertThat(job.path("limit").asLong()).isEqualTo(1_000_000);
    assertThat(job.path("snapshot").size()).isEqualTo(3);
    TestHttp.Response r = download(demo.companyKey(), job);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/x-ndjson");
    assertThat(r.header("content-disposition")).isEqualTo("attachment; filename=\""
        + "hyrelog-export-" + job.path("jobId").asText() + ".jsonl\"");
    List<AuditEvent> events = events(r.body());
    List<String> want = new ArrayList<>();
    for (UUID ws : chainOrder(WS)) {
      want.addAll(IDS.get(ws));
    }
    // Exactly the ingested events, once each, per chain in seq order (= ingest order).
    assertThat(events.stream().map(e -> e.id().toString()).toList()).isEqualTo(want);
    assertChainOrder(events);
    VerificationReport v = verify(r.body(), false);
    assertThat(v.ok()).as("%s", v.failure()).isTrue();
    assertThat(v.events()).isEqualTo(3L * PER_WORKSPACE);
    assertThat(v.gaps()).isZero();

    JsonNode status = ok(http.get("/v1/exports/" + job.path("jobId").asText(),
        auth(demo.companyKey())), 200);
    assertThat(status.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(status.path("rowsExported").asLong()).isEqualTo(3L * PER_WORKSPACE);
    assertThat(status.path("bytes").asLong()).isEqualTo(r.body().length);
    assertThat(status.path("truncated").asBoolean()).isFalse();
    assertThat(status.path("downloads").asInt()).isEqualTo(1);
    assertThat(status.path("finishedAt").isTextual()).isTrue();
    String metrics = http.get("/internal/metrics", "x-internal-token", server.internalToken())
        .text();
    assertThat(metrics).contains("hyrelog_exports_jobs_total").contains(
        "hyrelog_exports_rows_total");
  }

  @Test
  void filteredJsonl_categoryAndWorkspace_onlyMatches_verifiesOnlyWithAllowGaps()
      throws IOException {
    UUID ws = WS.get(1);
    JsonNode job = create(demo.companyKey(), "{\"filters\":{\"category\":\"billing\","
        + "\"workspaceId\":\"" + ws + "\"}}");
    assertThat(job.path("snapshot").size()).isEqualTo(1);
    byte[] body = download(demo.companyKey(), job).body();
    List<AuditEvent> events = events(body);
    List<String> want = IDS.get(ws).stream().filter(BILLING::contains).toList();
    assertThat(events.stream().map(e -> e.id().toString()).toList()).isEqualTo(want);
    assertThat(want).hasSize(PER_WORKSPACE / 4);
    assertThat(verify(body, false).ok()).isFalse();
    VerificationReport v = verify(body, true);
    assertThat(v.ok()).as("%s", v.failure()).isTrue();
    assertThat(v.gaps()).isEqualTo(want.size() - 1);
  }

  @Test
  void filteredByActorEmailAndTime_matchesTheQueryApi() throws IOException {
    String ts = clock.instant().minusSeconds(60).toString();
    JsonNode job = create(demo.companyKey(), "{\"filters\":{\"actorEmail\":\"u1@example.com\","
        + "\"from\":\"" + ts + "\",\"to\":\"" + clock.instant() + "\"}}");
    List<AuditEvent> events = events(download(demo.companyKey(), job).body());
    assertThat(events).hasSize(3 * PER_WORKSPACE / 3);
    assertThat(events).allSatisfy(e -> assertThat(e.actor().email())
        .isEqualTo("u1@example.com"));
    assertChainOrder(events);
    JsonNode none = create(demo.companyKey(), "{\"filters\":{\"from\":\"" + clock.instant()
        + "\"}}");
    assertThat(download(demo.companyKey(), none).body()).isEmpty();
  }

  @Test
  void csv_parsesBackToTheSameEventsInTheSameOrder() throws IOException {
    JsonNode jsonl = create(demo.companyKey(), "{}");
    List<AuditEvent> events = events(download(demo.companyKey(), jsonl).body());
    JsonNode job = create(demo.companyKey(), "{\"format\":\"CSV\"}");
    TestHttp.Response r = download(demo.companyKey(), job);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.header("content-disposition")).endsWith(".csv\"");
    assertThat(r.body()[0]).isEqualTo((byte) 'i'); // no BOM
    List<List<String>> rows = Rfc4180Reader.parse(r.text());
    assertThat(rows.get(0)).isEqualTo(CsvEventWriter.COLUMNS);
    assertThat(rows).hasSize(events.size() + 1);
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      List<String> row = rows.get(i + 1);
      Map<String, String> f = new HashMap<>();
      for (int c = 0; c < row.size(); c++) {
        f.put(CsvEventWriter.COLUMNS.get(c), row.get(c));
      }
      assertThat(f.get("id")).isEqualTo(e.id().toString());
      assertThat(f.get("seq")).isEqualTo(Long.toString(e.seq()));
      assertThat(f.get("workspaceId")).isEqualTo(e.workspaceId().toString());
      assertThat(f.get("hash")).isEqualTo(e.hash().hex());
      assertThat(f.get("prevHash")).isEqualTo(e.prevHash().hex());
      assertThat(f.get("actorName")).isEqualTo("Doe, \"J\"");
      assertThat(f.get("metadata")).isEqualTo(e.metadata().canonicalJson());
      assertThat(f.get("timestamp")).isEqualTo(EventJson.formatInstant(e.timestamp()));
      assertThat(f.get("ip")).isEqualTo(e.context().ip());
    }
    JsonNode status = ok(http.get("/v1/exports/" + job.path("jobId").asText(),
        auth(demo.companyKey())), 200);
    assertThat(status.path("bytes").asLong()).isEqualTo(r.body().length);
  }

  @Test
  void csvSafe_formulaCellsQuoted_defaultVerbatim_jsonlRefused() throws IOException {
    String[] t = company(PlanTier.STARTER, PlanOverrides.NONE);
    ok(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
        + "\"actor\":{\"id\":\"@SUM(A1)\",\"name\":\"=HYPERLINK(\\\"http://x\\\")\"},"
        + "\"resource\":{\"type\":\"doc\",\"id\":\"-2+3\"}}", json(t[1])), 201);

    JsonNode safe = create(t[0], "{\"format\":\"CSV\",\"csvSafe\":true}");
    assertThat(safe.path("format").asText()).isEqualTo("CSV");
    assertThat(safe.path("csvSafe").asBoolean()).isTrue();
    TestHttp.Response r = download(t[0], safe);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-disposition")).endsWith(".csv\"");
    Map<String, String> f = row(Rfc4180Reader.parse(r.text()), 1);
    assertThat(f.get("actorId")).isEqualTo("'@SUM(A1)");
    assertThat(f.get("actorName")).isEqualTo("'=HYPERLINK(\"http://x\")");
    assertThat(f.get("resourceId")).isEqualTo("'-2+3");
    assertThat(f.get("category")).isEqualTo("user");

    JsonNode verbatim = create(t[0], "{\"format\":\"CSV\"}");
    assertThat(verbatim.path("csvSafe").asBoolean()).isFalse();
    Map<String, String> v = row(Rfc4180Reader.parse(download(t[0], verbatim).text()), 1);
    assertThat(v.get("actorName")).isEqualTo("=HYPERLINK(\"http://x\")");

    TestHttp.Response jsonl = http.post("/v1/exports", "{\"format\":\"JSONL\",\"csvSafe\":true}",
        json(t[0]));
    assertThat(jsonl.status()).isEqualTo(400);
    assertThat(jsonl.json().path("errors").get(0).path("field").asText()).isEqualTo("/csvSafe");
    TestHttp.Response notBoolean = http.post("/v1/exports", "{\"format\":\"CSV\","
        + "\"csvSafe\":\"yes\"}", json(t[0]));
    assertThat(notBoolean.status()).isEqualTo(400);
    assertThat(notBoolean.json().path("errors").get(0).path("code").asText())
        .isEqualTo("INVALID_TYPE");
  }

  private static Map<String, String> row(List<List<String>> rows, int i) {
    Map<String, String> f = new HashMap<>();
    for (int c = 0; c < rows.get(i).size(); c++) {
      f.put(CsvEventWriter.COLUMNS.get(c), rows.get(i).get(c));
    }
    return f;
  }

  @Test
  void snapshot_appendAfterCreation_downloadUnchangedAndRepeatable() throws IOException {
    String[] t = company(PlanTier.STARTER, PlanOverrides.NONE);
    for (int i = 0; i < 5; i++) {
      ok(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"x" + i + "\"}",
          json(t[1])), 201);
    }
    JsonNode job = create(t[0], "{}");
    byte[] first = download(t[0], job).body();
    ok(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"later\"}", json(t[1])), 201);
    byte[] second = download(t[0], job).body();
    byte[] third = download(t[0], job).body();
    assertThat(events(first)).hasSize(5);
    assertThat(second).isEqualTo(first);
    assertThat(third).isEqualTo(first);
    assertThat(ok(http.get("/v1/exports/" + job.path("jobId").asText(), auth(t[0])), 200)
        .path("downloads").asInt()).isEqualTo(3);
    JsonNode fresh = create(t[0], "{}");
    assertThat(events(download(t[0], fresh).body())).hasSize(6);
  }

  @Test
  void workspaceKey_exportsItsWorkspaceOnly_andSeesOnlyItsJobs() throws IOException {
    UUID ws = WS.get(2);
    String wsKey = WS_KEYS.get(ws);
    JsonNode job = create(wsKey, "{\"format\":\"JSONL\"}");
    List<AuditEvent> events = events(download(wsKey, job).body());
    assertThat(events.stream().map(e -> e.id().toString()).toList()).isEqualTo(IDS.get(ws));
    // the company sees its workspace's job; another workspace's key does not
    ok(http.get("/v1/exports/" + job.path("jobId").asText(), auth(demo.companyKey())), 200);
    assertThat(http.get("/v1/exports/" + job.path("jobId").asText(), auth(
        demo.workspaceKey())).status()).isEqualTo(404);
    JsonNode companyJob = create(demo.companyKey(), "{}");
    for (String path : List.of("", "/download")) {
      TestHttp.Response r = http.get("/v1/exports/" + companyJob.path("jobId").asText() + path,
          auth(wsKey));
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().path("code").asText()).isEqualTo("NOT_FOUND");
    }
    // asking for another workspace in the filters
    TestHttp.Response r = http.post("/v1/exports", "{\"filters\":{\"workspaceId\":\""
        + WS.get(0) + "\"}}", json(wsKey));
    assertThat(r.status()).isEqualTo(404);
  }

  @Test
  void otherTenant_jobIsNotFound_neverForbidden() {
    String[] other = company(PlanTier.GROWTH, PlanOverrides.NONE);
    JsonNode job = create(demo.companyKey(), "{}");
    for (String path : List.of("", "/download")) {
      TestHttp.Response r = http.get("/v1/exports/" + job.path("jobId").asText() + path,
          auth(other[0]));
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().path("code").asText()).isEqualTo("NOT_FOUND");
    }
    assertThat(http.post("/v1/exports", "{\"filters\":{\"workspaceId\":\"" + WS.get(0)
        + "\"}}", json(other[0])).status()).isEqualTo(404);
  }

  @Test
  void planGating_perTier() {
    String[] free = company(PlanTier.FREE, PlanOverrides.NONE);
    TestHttp.Response r = http.post("/v1/exports", "{}", json(free[0]));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("code").asText()).isEqualTo("PLAN_RESTRICTED");

    String[] starter = company(PlanTier.STARTER, PlanOverrides.NONE);
    assertThat(create(starter[0], "{}").path("limit").asLong()).isEqualTo(250_000);
    JsonNode archived = create(starter[0], "{\"source\":\"ARCHIVED\",\"filters\":{\"from\":\""
        + clock.instant().minus(179, ChronoUnit.DAYS) + "\"}}");
    assertThat(download(starter[0], archived).body()).isEmpty(); // no archive is wired yet
    r = http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\",\"filters\":{\"from\":\""
        + clock.instant().minus(181, ChronoUnit.DAYS) + "\"}}", json(starter[0]));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().path("code").asText()).isEqualTo("RETENTION_WINDOW_EXCEEDED");

    String[] noArchive = company(PlanTier.STARTER, new PlanOverrides(null, OptionalInt.empty(),
        OptionalInt.empty(), null, null, null, null, null));
    r = http.post("/v1/exports", "{\"source\":\"ARCHIVED\"}", json(noArchive[0]));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("code").asText()).isEqualTo("PLAN_RESTRICTED");
    assertThat(create(noArchive[0], "{\"source\":\"HOT\"}").path("source").asText())
        .isEqualTo("HOT");

    JsonNode growth = create(demo.companyKey(), "{\"source\":\"HOT_AND_ARCHIVED\","
        + "\"filters\":{\"from\":\"" + clock.instant().minus(364, ChronoUnit.DAYS) + "\"}}");
    assertThat(growth.path("source").asText()).isEqualTo("HOT_AND_ARCHIVED");

    String[] enterprise = company(PlanTier.ENTERPRISE, PlanOverrides.NONE);
    JsonNode unlimited = create(enterprise[0], "{\"limit\":5000000}");
    assertThat(unlimited.path("limit").asLong()).isEqualTo(5_000_000);
    assertThat(create(enterprise[0], "{}").path("limit").isNull()).isTrue();
  }

  @Test
  void planLimit_overriddenMaxRows_refusedWithoutLimit_truncatedWithOne() throws IOException {
    String[] t = company(PlanTier.GROWTH, new PlanOverrides(null, null, null,
        OptionalLong.of(5), null, null, null, null));
    for (int i = 0; i < 8; i++) {
      ok(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"x" + i + "\"}",
          json(t[1])), 201);
    }
    TestHttp.Response r = http.post("/v1/exports", "{}", json(t[0]));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().path("code").asText()).isEqualTo("PLAN_LIMIT_EXCEEDED");
    assertThat(r.json().path("detail").asText()).contains("narrow the filters")
        .contains("limit");
    r = http.post("/v1/exports", "{\"limit\":6}", json(t[0]));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().path("code").asText()).isEqualTo("PLAN_LIMIT_EXCEEDED");
    // a filter that matches at most 5 rows is fine
    create(t[0], "{\"filters\":{\"action\":\"x1\"}}");
    JsonNode job = create(t[0], "{\"limit\":3}");
    byte[] body = download(t[0], job).body();
    assertThat(events(body)).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(verify(body, false).ok()).isTrue();
    JsonNode status = ok(http.get("/v1/exports/" + job.path("jobId").asText(), auth(t[0])),
        200);
    assertThat(status.path("truncated").asBoolean()).isTrue();
    assertThat(status.path("rowsExported").asLong()).isEqualTo(3);
  }

}
