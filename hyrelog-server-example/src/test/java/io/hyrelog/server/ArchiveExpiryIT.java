package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Workspace;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive lifecycle of a STARTER company through the real server and its jobs, on a
 * virtual clock: its archive never goes cold (STARTER may not restore), so its data stays
 * exportable for the whole 180-day archive retention; then {@code archive.expire} deletes it,
 * and the chain's verify route and checkpoint say which prefix expired while the rest of the
 * chain still verifies and links to it.
 */
class ArchiveExpiryIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final int EVENTS = 10;
  private final MutableClock clock = new MutableClock(T0);
  private TestServer server;
  private TestHttp http;
  private String companyKey;
  private String workspaceKey;
  private UUID workspace;
  private UUID company;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(Map.of(), clock);
    http = server.http();
    PostgresTenants tenants = PostgresTenants.create(server.owner());
    KeyHasher hasher = new KeyHasher(Secrets.loadOrCreate(server.dataDir()).apiKeySecret());
    company = UUID.randomUUID();
    workspace = UUID.randomUUID();
    tenants.createCompany(new Company(company, "Starter Corp", DataRegion.US, PlanTier.STARTER,
        PlanOverrides.NONE));
    tenants.createWorkspace(new Workspace(workspace, company, "Prod"));
    companyKey = key(tenants, hasher, company, null, ApiKeyType.COMPANY);
    workspaceKey = key(tenants, hasher, company, workspace, ApiKeyType.WORKSPACE);
    for (int i = 0; i < EVENTS; i++) {
      ids.add(ingest(i));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String key(PostgresTenants tenants, KeyHasher hasher, UUID company, UUID ws,
      ApiKeyType type) {
    ApiKeyToken t = ApiKeyToken.generate(DataRegion.US, type);
    tenants.createKey(new ApiKey(UUID.randomUUID(), company, ws, type, t.displayPrefix(),
        hasher.hash(t), List.of(), null, null, null, clock.instant()));
    return t.text();
  }

  private String ingest(int n) {
    TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
        + "\"actor\":{\"id\":\"u-" + n + "\"}}", "Authorization", "Bearer " + workspaceKey,
        "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  private JsonNode run(String job, Instant asOf) {
    clock.set(asOf);
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run",
        "{\"asOf\":\"" + asOf + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private List<String> exportAll() {
    TestHttp.Response created = http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\"}",
        "Authorization", "Bearer " + companyKey, "Content-Type", "application/json");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    TestHttp.Response r = http.get("/v1/exports/" + created.json().path("jobId").asText()
        + "/download", "Authorization", "Bearer " + companyKey);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line : reader) {
        out.add(line.tree().path("id").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private JsonNode verify() {
    TestHttp.Response r = http.get("/v1/chains/" + workspace + "/verify", "Authorization",
        "Bearer " + workspaceKey);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  @Test
  void starter_archiveNeverGoesCold_exportableUntilExpiry_thenExpiredPrefixVerifies() {
    // STARTER: 30 hot days, then archived.
    Instant archivedAt = T0.plus(Duration.ofDays(32));
    assertThat(run("retention.mark", archivedAt).path("events_marked").asLong())
        .isEqualTo(EVENTS);
    assertThat(run("archive.run", archivedAt).path("segments_verified").asInt()).isEqualTo(1);

    // Past STARTER's 90 cold-after days: its archive stays readable (it may not restore).
    Instant afterCold = archivedAt.plus(Duration.ofDays(91));
    assertThat(run("archive.cold_mark", afterCold).path("segments_marked_cold").asInt())
        .isZero();
    assertThat(exportAll()).containsExactlyElementsOf(ids);

    // The last day of the 180-day archive retention: still there and exportable.
    Instant lastDay = archivedAt.plus(Duration.ofDays(180)).minusSeconds(60);
    assertThat(run("archive.cold_mark", lastDay).path("segments_marked_cold").asInt()).isZero();
    assertThat(run("archive.expire", lastDay).path("segments_expired").asInt()).isZero();
    assertThat(exportAll()).containsExactlyElementsOf(ids);

    // Retention over: expired, with the boundary recorded.
    Instant expiry = archivedAt.plus(Duration.ofDays(180)).plusSeconds(60);
    JsonNode expired = run("archive.expire", expiry);
    assertThat(expired.path("segments_expired").asInt()).as(expired.toString()).isEqualTo(1);
    assertThat(expired.path("events_expired").asLong()).isEqualTo(EVENTS);
    assertThat(expired.path("objects_deleted").asInt()).isEqualTo(1);
    JsonNode chain = expired.path("chains").get(0);
    assertThat(chain.path("workspace_id").asText()).isEqualTo(workspace.toString());
    assertThat(chain.path("expired_through_seq").asLong()).isEqualTo(EVENTS);
    String boundary = chain.path("last_expired_hash").asText();
    String message = "expired 1.." + EVENTS + ", first retained seq " + (EVENTS + 1)
        + " links to hash " + boundary;
    assertThat(chain.path("message").asText()).isEqualTo(message);
    assertThat(run("archive.expire", expiry).path("segments_expired").asInt()).isZero();

    // A snapshot or an evidence bundle of the expired period holds what was kept: nothing.
    Instant dayStart = T0.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    Instant dayEnd = dayStart.plus(Duration.ofDays(1));
    TestHttp.Response snap = http.post("/ops/jobs/audit.snapshot/run", "{\"wait\":true,"
        + "\"asOf\":\"" + expiry + "\",\"region\":\"US\",\"input\":{\"from\":\"" + dayStart
        + "\",\"to\":\"" + dayEnd + "\",\"companyId\":\"" + company + "\"}}",
        "x-internal-token", server.internalToken(), "Content-Type", "application/json");
    assertThat(snap.status()).as(snap.text()).isEqualTo(201);
    assertThat(snap.json().path("status").asText()).as(snap.text()).isEqualTo("SUCCEEDED");
    // Evidence bundles are GROWTH and up: the company moves there for the bundle (in the
    // database, so nothing is added to its system chain), then back.
    PostgresTenants tenants = PostgresTenants.create(server.owner());
    tenants.assignPlan(company, PlanTier.GROWTH);
    TestHttp.Response bundle = http.post("/compliance/evidence/export", "{\"from\":\""
        + dayStart + "\",\"to\":\"" + dayEnd + "\"}", "Authorization", "Bearer " + companyKey,
        "Content-Type", "application/json");
    tenants.assignPlan(company, PlanTier.STARTER);
    assertThat(bundle.status()).as(bundle.text()).isEqualTo(201);
    assertThat(bundle.json().path("event_count").asLong()).isZero();

    // The chain goes on: a new event links to the expired prefix, and verification says so.
    String next = ingest(EVENTS);
    JsonNode v = verify();
    assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
    assertThat(v.path("expired").path("message").asText()).isEqualTo(message);
    assertThat(v.path("expired").path("throughSeq").asLong()).isEqualTo(EVENTS);
    assertThat(v.path("chains").get(0).path("firstSeq").asLong()).isEqualTo(EVENTS + 1);
    assertThat(v.path("chains").get(0).path("lastSeq").asLong()).isEqualTo(EVENTS + 1);
    assertThat(exportAll()).containsExactly(next);
    TestHttp.Response checkpoint = http.get("/v1/chains/" + workspace + "/checkpoint",
        "Authorization", "Bearer " + workspaceKey);
    assertThat(checkpoint.status()).as(checkpoint.text()).isEqualTo(200);
    assertThat(checkpoint.header("hyrelog-expired")).isEqualTo(message);
    assertThat(checkpoint.text()).contains("\n" + (EVENTS + 1) + "\n");
    assertThat(run("chains.verify", expiry).path("valid").asBoolean()).isTrue();
  }
}
