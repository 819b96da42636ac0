package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.storage.postgres.PostgresExports;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad requests against one real server (embedded PostgreSQL, virtual clock) proves
 * that every malformed, oversized, unauthenticated, unauthorized or out-of-scope request is
 * answered with the documented status and an RFC 9457 problem ({@code application/problem+json}
 * with {@code type}, {@code title}, {@code status}, {@code detail}, {@code code},
 * {@code requestId}, and the offending field where there is one); that no response quotes an
 * API key, the operator token or a payload value; that no request reaches a 500; and that none of
 * them writes anything: the demo workspace's chain head and the key counts of both tenants are
 * the same before and after each case.
 *
 * <p>Other tenants' ids are real: a second company (with a workspace, a project and a key) and a
 * second workspace of the demo company are created through {@link PostgresTenants} on the
 * server's database, as its owner.
 */
class BadInputIT {
  private static final int MAX_BODY = 64 * 1024;
  /** A payload value that no response may quote. */
  private static final String SECRET = "s3cr3t-payload-7Qx";
  private static final String RANDOM_UUID = "5b0c1d52-3f6e-4c8a-9a61-0d2f5e7b9c14";
  private static final String EVENT = "{\"category\":\"user\",\"action\":\"login\"}";

  private static MutableClock clock;
  private static TestServer server;
  private static TestHttp http;
  private static javax.sql.DataSource db;
  private static PostgresTenants tenants;
  private static UUID otherCompany;
  private static final Map<String, String> VARS = new LinkedHashMap<>();
  /** Texts no response body may contain: every key and token this test knows. */
  private static final List<String> SECRETS = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of(
        "HYRELOG_MAX_BODY_BYTES", Integer.toString(MAX_BODY),
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "10000"), clock);
    http = server.http();
    DemoCredentials demo = server.demo();
    VARS.put("ws", demo.workspaceId().toString());
    VARS.put("project", demo.projectId().toString());
    VARS.put("wsKey", demo.workspaceKey());
    VARS.put("coKey", demo.companyKey());
    VARS.put("token", server.internalToken());
    VARS.put("host", "localhost:" + server.server().port());

    // The second tenant, and a second workspace of the demo company, written to the database.
    db = server.owner();
    tenants = PostgresTenants.create(db);
    otherCompany = UUID.randomUUID();
    UUID otherWs = UUID.randomUUID();
    UUID otherProject = UUID.randomUUID();
    UUID otherKey = UUID.randomUUID();
    tenants.createCompany(new Company(otherCompany, "Other Corp", DataRegion.US,
        PlanTier.GROWTH, PlanOverrides.NONE));
    tenants.createWorkspace(new Workspace(otherWs, otherCompany, "Other production"));
    tenants.createProject(new Project(otherProject, otherWs, otherCompany, "Other app"));
    tenants.createKey(new ApiKey(otherKey, otherCompany, otherWs, ApiKeyType.WORKSPACE,
        "hlk_us_ws_0ther", Digest.sha256(otherKey.toString().getBytes(StandardCharsets.UTF_8)),
        List.of(), null, null, null, clock.instant()));
    UUID siblingWs = UUID.randomUUID();
    tenants.createWorkspace(new Workspace(siblingWs, demo.companyId(), "Staging"));
    VARS.put("otherWs", otherWs.toString());
    VARS.put("otherProject", otherProject.toString());
    VARS.put("otherKeyId", otherKey.toString());
    VARS.put("siblingWs", siblingWs.toString());
    // An export job of the other tenant, and one of the demo company's company key.
    UUID otherJob = UUID.randomUUID();
    PostgresExports.create(db).insert(new PostgresExports.Job(otherJob, otherCompany, null,
        otherKey, null, "HOT", "JSONL", "{}", 10L, Map.of(), List.of(), "PENDING", 0, 0, false, 0,
        clock.instant(), null, null, null));
    VARS.put("otherJob", otherJob.toString());
    // Cold archive segments of both tenants, and of the dashboard's service token.
    VARS.put("company", demo.companyId().toString());
    VARS.put("otherCompany", otherCompany.toString());
    VARS.put("demoSegment", coldSegment(demo.companyId()).toString());
    VARS.put("otherSegment", coldSegment(otherCompany).toString());
    VARS.put("dashToken", server.dashboardToken());

    VARS.put("wsKeyId", ok(http.get("/v1/keys/status", bearer(demo.workspaceKey())), 200)
        .path("id").asText());
    VARS.put("coKeyId", ok(http.get("/v1/keys/status", bearer(demo.companyKey())), 200)
        .path("id").asText());
    VARS.put("coJob", ok(http.post("/v1/exports", "{}", bearerJson(demo.companyKey())), 201)
        .path("jobId").asText());

    // A key that is then rotated: the old one is revoked, the new one active.
    JsonNode doomed = ok(http.post("/v1/workspaces/" + demo.workspaceId() + "/keys", "{}",
        bearerJson(demo.companyKey())), 201);
    ok(http.get("/v1/keys/status", bearer(doomed.path("key").asText())), 200);
    JsonNode rotated = ok(http.post("/v1/keys/" + doomed.path("id").asText() + "/rotate", null,
        bearer(demo.companyKey())), 201);
    VARS.put("revokedKey", doomed.path("key").asText());
    VARS.put("revokedKeyId", doomed.path("id").asText());
    VARS.put("activeKeyId", rotated.path("id").asText());
    SECRETS.add(rotated.path("key").asText());

    // A key that expires one minute from now on the virtual clock, used once, then expired.
    JsonNode expiring = ok(http.post("/v1/workspaces/" + demo.workspaceId() + "/keys",
        "{\"expiresAt\":\"" + clock.instant().plusSeconds(60) + "\"}",
        bearerJson(demo.companyKey())), 201);
    ok(http.get("/v1/keys/status", bearer(expiring.path("key").asText())), 200);
    clock.advance(Duration.ofSeconds(61));
    VARS.put("expiredKey", expiring.path("key").asText());

    // An event with an idempotency key, for conflicts.
    ok(http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
        + "\"idempotencyKey\":\"setup-idem-1\"}", bearerJson(demo.workspaceKey())), 201);

    String unknown = ApiKeyToken.generate(DataRegion.US, ApiKeyType.WORKSPACE).text();
    VARS.put("unknownKey", unknown);
    VARS.put("euKey", ApiKeyToken.generate(DataRegion.EU, ApiKeyType.WORKSPACE).text());
    String ws = demo.workspaceKey();
    char last = ws.charAt(ws.length() - 1);
    VARS.put("badChecksumKey", ws.substring(0, ws.length() - 1) + (last == '0' ? '1' : '0'));
    VARS.put("truncatedKey", ws.substring(0, ws.length() - 3));
    for (String k : List.of("wsKey", "coKey", "token", "revokedKey", "expiredKey", "unknownKey",
        "euKey", "badChecksumKey", "truncatedKey", "dashToken")) {
      SECRETS.add(VARS.get(k));
    }
    SECRETS.add(SECRET);
  }

  private static UUID coldSegment(UUID company) {
    UUID id = UUID.randomUUID();
    try (var c = db.getConnection(); var ps = c.prepareStatement("INSERT INTO"
        + " hyrelog.archive_segments (id, company_id, day, object_key, status, events,"
        + " min_recorded_at, max_recorded_at, size_bytes, sha256, created_at, uploaded_at,"
        + " verified_at, cold_at) VALUES (?, ?,"
        + " DATE '2026-01-10', ?, 'VERIFIED', 1, now(), now(), 10, decode(repeat('ab', 32),"
        + " 'hex'), now(), now(), now(), now())");
        var range = c.prepareStatement("INSERT INTO hyrelog.archive_segment_ranges"
            + " VALUES (?, ?, 1, 1, decode(repeat('00', 32), 'hex'),"
            + " decode(repeat('00', 32), 'hex'))")) {
      ps.setObject(1, id);
      ps.setObject(2, company);
      ps.setString(3, "archives/" + company + "/2026/01/10/" + id + ".jsonl.gz");
      ps.executeUpdate();
      range.setObject(1, id);
      range.setObject(2, UUID.randomUUID());
      range.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return id;
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The corpus

  static Stream<Case> corpus() {
    List<Case> c = new ArrayList<>();
    String ok = "\"category\":\"user\",\"action\":\"login\"";

    // Malformed JSON
    c.add(event("truncated JSON", "{\"category\":\"user\",\"action\":\"login\",\"metadata\":"
        + "{\"password\":\"" + SECRET).bad("", "SYNTAX"));
    c.add(event("trailing garbage", EVENT + " {\"x\":\"" + SECRET + "\"}")
        .bad("", "TRAILING_CONTENT"));
    c.add(event("trailing comma", "{" + ok + ",}").bad("", "SYNTAX"));
    c.add(event("single-quoted strings", "{'category':'user','action':'login'}")
        .bad("", "SYNTAX"));
    c.add(event("comment in JSON", "{" + ok + " /* " + SECRET + " */}").bad("", "SYNTAX"));
    c.add(event("empty body", "").bad("", "REQUIRED"));
    c.add(event("whitespace-only body", "  \n ").bad("", "EMPTY"));
    c.add(event("top-level array", "[" + EVENT + "]").bad("", "INVALID_TYPE"));
    c.add(event("top-level string", "\"" + SECRET + "\"").bad("", "INVALID_TYPE"));
    c.add(event("top-level number", "42").bad("", "INVALID_TYPE"));
    c.add(event("top-level null", "null").bad("", "INVALID_TYPE"));
    c.add(event("byte order mark", "\uFEFF" + EVENT).bad("", "SYNTAX"));
    c.add(event("NaN in metadata", "{" + ok + ",\"metadata\":{\"n\":NaN}}")
        .bad("", "NON_FINITE_NUMBER"));

    // Wrong types, field by field
    c.add(event("category is a number", "{\"category\":1,\"action\":\"login\"}")
        .bad("/category", "INVALID_TYPE"));
    c.add(event("action is a boolean", "{\"category\":\"user\",\"action\":true}")
        .bad("/action", "INVALID_TYPE"));
    c.add(event("actor is a string", "{" + ok + ",\"actor\":\"" + SECRET + "\"}")
        .bad("/actor", "INVALID_TYPE"));
    c.add(event("actor.id is a number", "{" + ok + ",\"actor\":{\"id\":7}}")
        .bad("/actor/id", "INVALID_TYPE"));
    c.add(event("actor.email is an array", "{" + ok + ",\"actor\":{\"email\":[\"a@b.c\"]}}")
        .bad("/actor/email", "INVALID_TYPE"));
    c.add(event("actor.role is an object", "{" + ok + ",\"actor\":{\"role\":{}}}")
        .bad("/actor/role", "INVALID_TYPE"));
    c.add(event("actor.name is a number", "{" + ok + ",\"actor\":{\"name\":1.5}}")
        .bad("/actor/name", "INVALID_TYPE"));
    c.add(event("resource is an array", "{" + ok + ",\"resource\":[]}")
        .bad("/resource", "INVALID_TYPE"));
    c.add(event("resource.id is a boolean", "{" + ok + ",\"resource\":{\"id\":false}}")
        .bad("/resource/id", "INVALID_TYPE"));
    c.add(event("metadata is an array", "{" + ok + ",\"metadata\":[\"" + SECRET + "\"]}")
        .bad("/metadata", "INVALID_TYPE"));
    c.add(event("metadata is a string", "{" + ok + ",\"metadata\":\"" + SECRET + "\"}")
        .bad("/metadata", "INVALID_TYPE"));
    c.add(event("timestamp is a number", "{" + ok + ",\"timestamp\":1767225600}")
        .bad("/timestamp", "INVALID_TYPE"));
    c.add(event("projectId is a number", "{" + ok + ",\"projectId\":12}")
        .bad("/projectId", "INVALID_TYPE"));
    c.add(event("idempotencyKey is an object", "{" + ok + ",\"idempotencyKey\":{}}")
        .bad("/idempotencyKey", "INVALID_TYPE"));

    // Missing and unknown fields
    c.add(event("category missing", "{\"action\":\"login\"}").bad("/category", "REQUIRED"));
    c.add(event("action missing", "{\"category\":\"user\"}").bad("/action", "REQUIRED"));
    c.add(event("category null", "{\"category\":null,\"action\":\"login\"}")
        .bad("/category", "REQUIRED"));
    c.add(event("empty object", "{}").bad("/category", "REQUIRED"));
    c.add(event("unknown top-level field", "{" + ok + ",\"tenantId\":\"" + SECRET + "\"}")
        .bad("/tenantId", "UNKNOWN_FIELD"));
    c.add(event("unknown actor field", "{" + ok + ",\"actor\":{\"id\":\"u1\",\"ssn\":\""
        + SECRET + "\"}}").bad("/actor/ssn", "UNKNOWN_FIELD"));
    c.add(event("unknown resource field", "{" + ok + ",\"resource\":{\"kind\":\"doc\"}}")
        .bad("/resource/kind", "UNKNOWN_FIELD"));
    c.add(event("server-set field receivedAt", "{" + ok + ",\"receivedAt\":\"2026-01-01T00:00"
        + ":00Z\"}").bad("/receivedAt", "UNKNOWN_FIELD"));

    // I-JSON: duplicate keys, encodings, numbers, depth
    c.add(event("duplicate top-level key", "{\"category\":\"user\",\"category\":\"admin\","
        + "\"action\":\"login\"}").bad("", "DUPLICATE_KEY"));
    c.add(event("duplicate key nested in metadata", "{" + ok + ",\"metadata\":{\"a\":{\"k\":1,"
        + "\"k\":2}}}").bad("", "DUPLICATE_KEY"));
    c.add(event("invalid UTF-8 byte 0xFF", bytes("{\"category\":\"us", 0xFF,
        "er\",\"action\":\"login\"}")).bad("", "INVALID_UTF8"));
    c.add(event("overlong UTF-8 encoding of '/'", bytes("{" + ok + ",\"metadata\":{\"p\":\"",
        0xC0, 0xAF, "\"}}")).bad("", "INVALID_UTF8"));
    c.add(event("UTF-8 encoded surrogate", bytes("{" + ok + ",\"metadata\":{\"p\":\"", 0xED,
        0xA0, 0x80, "\"}}")).bad("", "INVALID_UTF8"));
    c.add(event("truncated UTF-8 sequence at the end", bytes("{" + ok + "}", 0xE2, 0x82))
        .bad("", "INVALID_UTF8"));
    c.add(event("lone surrogate escape in a value", "{" + ok + ",\"metadata\":{\"k\":"
        + "\"\\ud800\"}}").bad("", "LONE_SURROGATE"));
    c.add(event("lone surrogate escape in a key", "{" + ok + ",\"metadata\":{\"\\udc00\":1}}")
        .bad("", "LONE_SURROGATE"));
    c.add(event("number 1e400", "{" + ok + ",\"metadata\":{\"n\":1e400}}")
        .bad("", "NUMBER_OUT_OF_RANGE"));
    c.add(event("number 1e-400", "{" + ok + ",\"metadata\":{\"n\":1e-400}}")
        .bad("", "NUMBER_OUT_OF_RANGE"));
    c.add(event("integer 2^53+1", "{" + ok + ",\"metadata\":{\"n\":9007199254740993}}")
        .bad("", "INTEGER_TOO_LARGE"));
    c.add(event("integer of 40 digits", "{" + ok + ",\"metadata\":{\"n\":-"
        + "1".repeat(40) + "}}").bad("", "INTEGER_TOO_LARGE"));
    c.add(event("U+0000 in a metadata value", "{" + ok + ",\"metadata\":{\"k\":\"a\\u0000b\"}}")
        .bad("/metadata", "INVALID_FORMAT"));
    c.add(event("U+0000 in a metadata key", "{" + ok + ",\"metadata\":{\"a\\u0000\":1}}")
        .bad("/metadata", "INVALID_FORMAT"));
    c.add(event("U+0000 in a nested metadata array", "{" + ok + ",\"metadata\":{\"a\":[1,"
        + "{\"b\":[\"\\u0000\"]}]}}").bad("/metadata", "INVALID_FORMAT"));
    c.add(batch("batch event 3 with U+0000 in metadata", "{\"events\":[" + (EVENT + ",")
        .repeat(3) + "{" + ok + ",\"metadata\":{\"k\":\"\\u0000\"}}]}")
        .bad("/events/3/metadata", "INVALID_FORMAT"));
    c.add(event("metadata nested 20 levels", "{" + ok + ",\"metadata\":" + nested(20) + "}")
        .bad("/metadata", "TOO_DEEP"));
    c.add(event("metadata nested 40 levels", "{" + ok + ",\"metadata\":" + nested(40) + "}")
        .bad("", "TOO_DEEP"));
    c.add(event("array body nested 10,000 deep", "[".repeat(10_000) + "]".repeat(10_000))
        .bad("", "TOO_DEEP"));
    c.add(batch("batch body nested 10,000 deep", "{\"events\":" + "[".repeat(10_000)
        + "]".repeat(10_000) + "}").bad("", "TOO_DEEP"));

    // Sizes and value limits
    c.add(event("body over HYRELOG_MAX_BODY_BYTES", "{" + ok + ",\"metadata\":{\"b\":\""
        + "x".repeat(MAX_BODY) + "\"}}").expect(413, "PAYLOAD_TOO_LARGE"));
    c.add(batch("batch body over HYRELOG_MAX_BODY_BYTES", "{\"events\":[" + (EVENT + ",")
        .repeat(MAX_BODY / EVENT.length()) + EVENT + "]}").expect(413, "PAYLOAD_TOO_LARGE"));
    c.add(rawEvent("chunked body over the limit, no Content-Length", "Transfer-Encoding: chunked",
        chunked("{\"category\":\"user\",\"action\":\"login\",\"metadata\":{\"b\":\""
            + SECRET.repeat(MAX_BODY / SECRET.length() + 10) + "\"}}", 4096))
        .expect(413, "PAYLOAD_TOO_LARGE"));
    c.add(rawEvent("chunked body within the limit, malformed", "Transfer-Encoding: chunked",
        chunked("{\"category\":\"user\",", 8)).bad("", "SYNTAX"));
    c.add(rawEvent("Content-Length larger than the body sent", "Content-Length: 500",
        EVENT.getBytes(StandardCharsets.UTF_8)).bad("", "INCOMPLETE_BODY"));
    c.add(rawEvent("no Content-Length and no chunking", null, new byte[0]).bad("", "REQUIRED"));
    c.add(event("metadata over 32 KiB", "{" + ok + ",\"metadata\":{\"b\":\""
        + SECRET.repeat(33 * 1024 / SECRET.length()) + "\"}}").bad("/metadata", "TOO_LARGE"));
    c.add(event("category of 129 characters", "{\"category\":\"" + "c".repeat(129) + "\","
        + "\"action\":\"login\"}").bad("/category", "TOO_LONG").secret("c".repeat(129)));
    c.add(event("action of 10,000 characters", "{\"category\":\"user\",\"action\":\""
        + "a".repeat(10_000) + "\"}").bad("/action", "TOO_LONG").secret("a".repeat(129)));
    c.add(event("actor.email of 321 characters", "{" + ok + ",\"actor\":{\"email\":\""
        + "e".repeat(309) + "@example.com\"}}").bad("/actor/email", "TOO_LONG")
        .secret("e".repeat(309)));
    c.add(event("actor.email without @", "{" + ok + ",\"actor\":{\"email\":\"" + SECRET
        + "\"}}").bad("/actor/email", "INVALID_FORMAT"));
    c.add(event("actor.name with a control character", "{" + ok + ",\"actor\":{\"name\":"
        + "\"a\\u0007b\"}}").bad("/actor/name", "CONTROL_CHARACTER_NOT_ALLOWED"));
    c.add(event("actor.id with a C1 control", "{" + ok + ",\"actor\":{\"id\":"
        + "\"u\\u0085\"}}").bad("/actor/id", "CONTROL_CHARACTER_NOT_ALLOWED"));
    c.add(event("resource.id with a bidi override", "{" + ok + ",\"resource\":{\"id\":"
        + "\"invoice\\u202Efdp.exe\"}}").bad("/resource/id", "BIDI_CONTROL_NOT_ALLOWED"));
    c.add(event("actor.id with a bidi isolate", "{" + ok + ",\"actor\":{\"id\":"
        + "\"\\u2066admin\\u2069\"}}").bad("/actor/id", "BIDI_CONTROL_NOT_ALLOWED"));
    c.add(event("category with a bidi override", "{\"category\":\"user\\u202E\","
        + "\"action\":\"login\"}").bad("/category", "BIDI_CONTROL_NOT_ALLOWED"));
    c.add(event("resource.id empty", "{" + ok + ",\"resource\":{\"id\":\"\"}}")
        .bad("/resource/id", "INVALID_FORMAT"));
    c.add(event("non-ASCII category", "{\"category\":\"caf\u00e9\",\"action\":\"login\"}")
        .bad("/category", "INVALID_FORMAT"));
    c.add(event("category with a space", "{\"category\":\"user admin\",\"action\":\"login\"}")
        .bad("/category", "INVALID_FORMAT"));
    c.add(event("empty category", "{\"category\":\"\",\"action\":\"login\"}")
        .bad("/category", "REQUIRED"));

    // Timestamps
    c.add(event("timestamp 6 minutes ahead", "{" + ok + ",\"timestamp\":\"{now+6m}\"}")
        .bad("/timestamp", "OUT_OF_RANGE"));
    c.add(event("timestamp in the year 2999", "{" + ok + ",\"timestamp\":"
        + "\"2999-01-01T00:00:00Z\"}").bad("/timestamp", "OUT_OF_RANGE"));
    c.add(event("timestamp 31 days ago", "{" + ok + ",\"timestamp\":\"{now-31d}\"}")
        .bad("/timestamp", "OUT_OF_RANGE"));
    c.add(event("timestamp in 1970", "{" + ok + ",\"timestamp\":\"1970-01-01T00:00:00Z\"}")
        .bad("/timestamp", "OUT_OF_RANGE"));
    c.add(event("timestamp 'yesterday'", "{" + ok + ",\"timestamp\":\"yesterday\"}")
        .bad("/timestamp", "INVALID_FORMAT"));
    c.add(event("timestamp month 13", "{" + ok + ",\"timestamp\":\"2026-13-01T00:00:00Z\"}")
        .bad("/timestamp", "INVALID_FORMAT"));
    c.add(event("timestamp February 30", "{" + ok + ",\"timestamp\":\"2026-02-30T00:00:00Z\"}")
        .bad("/timestamp", "INVALID_FORMAT"));
    c.add(event("timestamp without offset", "{" + ok + ",\"timestamp\":\"2026-01-01T00:00:00\"}")
        .bad("/timestamp", "INVALID_FORMAT"));
    c.add(event("timestamp with a five-digit year", "{" + ok + ",\"timestamp\":"
        + "\"+10000-01-01T00:00:00Z\"}").bad("/timestamp", "INVALID_FORMAT"));
    c.add(event("timestamp date only", "{" + ok + ",\"timestamp\":\"2026-01-01\"}")
        .bad("/timestamp", "INVALID_FORMAT"));

    // Projects
    c.add(event("projectId not a UUID", "{" + ok + ",\"projectId\":\"project-1\"}")
        .bad("/projectId", "INVALID_FORMAT"));
    c.add(event("projectId UUID without dashes", "{" + ok + ",\"projectId\":\""
        + RANDOM_UUID.replace("-", "") + "\"}").bad("/projectId", "INVALID_FORMAT"));
    c.add(event("projectId unknown UUID", "{" + ok + ",\"projectId\":\"" + RANDOM_UUID + "\"}")
        .bad("/projectId", "UNKNOWN_PROJECT"));
    c.add(event("projectId of another tenant", "{" + ok + ",\"projectId\":\"{otherProject}\"}")
        .bad("/projectId", "UNKNOWN_PROJECT"));

    // Content types
    c.add(event("Content-Type text/plain", EVENT).header("Content-Type", "text/plain")
        .expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(event("Content-Type missing", EVENT).header("Content-Type", null)
        .expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(event("Content-Type charset latin1", EVENT)
        .header("Content-Type", "application/json; charset=latin1")
        .expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(event("Content-Type application/jsonp", EVENT)
        .header("Content-Type", "application/jsonp").expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(batch("batch with Content-Type form", "{\"events\":[" + EVENT + "]}")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .expect(415, "UNSUPPORTED_MEDIA_TYPE"));

    // Batches
    c.add(batch("batch with no events", "{\"events\":[]}").bad("/events", "OUT_OF_RANGE"));
    c.add(batch("batch of 1001 events", "{\"events\":[" + (EVENT + ",").repeat(1000) + EVENT
        + "]}").bad("/events", "OUT_OF_RANGE"));
    c.add(batch("batch events is an object", "{\"events\":{}}").bad("/events", "INVALID_TYPE"));
    c.add(batch("batch events missing", "{}").bad("/events", "REQUIRED"));
    c.add(batch("batch body is an array", "[" + EVENT + "]").bad("", "INVALID_TYPE"));
    c.add(batch("batch unknown top-level field", "{\"events\":[" + EVENT + "],\"dryRun\":true}")
        .bad("/dryRun", "UNKNOWN_FIELD"));
    c.add(batch("batch event 3 without category", "{\"events\":[" + (EVENT + ",").repeat(3)
        + "{\"action\":\"login\"}," + EVENT + "]}").bad("/events/3/category", "REQUIRED"));
    c.add(batch("batch event 3 with a number category", "{\"events\":[" + (EVENT + ",")
        .repeat(3) + "{\"category\":3,\"action\":\"login\"}]}")
        .bad("/events/3/category", "INVALID_TYPE"));
    c.add(batch("batch event 3 not an object", "{\"events\":[" + (EVENT + ",").repeat(3)
        + "\"" + SECRET + "\"]}").bad("/events/3", "INVALID_TYPE"));
    c.add(batch("batch event 3 with an unknown project", "{\"events\":[" + (EVENT + ",")
        .repeat(3) + "{" + ok + ",\"projectId\":\"" + RANDOM_UUID + "\"}]}")
        .bad("/events/3/projectId", "UNKNOWN_PROJECT"));
    c.add(batch("batch with an Idempotency-Key header", "{\"events\":[" + EVENT + "]}")
        .header("Idempotency-Key", "batch-1").bad("Idempotency-Key", "NOT_ALLOWED"));
    c.add(batch("batch event 2 reuses a key with another body", "{\"events\":[" + EVENT + ","
        + EVENT + ",{\"category\":\"user\",\"action\":\"logout\",\"idempotencyKey\":"
        + "\"setup-idem-1\"}]}").expect(409, "IDEMPOTENCY_CONFLICT"));
    c.add(batch("batch with one key on two different events", "{\"events\":[{" + ok
        + ",\"idempotencyKey\":\"twice-1\"},{\"category\":\"user\",\"action\":\"logout\","
        + "\"idempotencyKey\":\"twice-1\"}]}").expect(409, "IDEMPOTENCY_CONFLICT"));

    // Idempotency
    c.add(event("Idempotency-Key header differs from the body", "{" + ok + ",\"idempotencyKey\":"
        + "\"body-key\"}").header("Idempotency-Key", "header-key")
        .bad("/idempotencyKey", "CONFLICTING_VALUES"));
    c.add(event("Idempotency-Key header with a space", EVENT).header("Idempotency-Key", "a b")
        .bad("/idempotencyKey", "INVALID_FORMAT"));
    c.add(event("idempotencyKey of 256 characters", "{" + ok + ",\"idempotencyKey\":\""
        + "k".repeat(256) + "\"}").bad("/idempotencyKey", "INVALID_FORMAT"));
    c.add(event("idempotency key reused with another body", "{\"category\":\"user\","
        + "\"action\":\"logout\",\"idempotencyKey\":\"setup-idem-1\"}")
        .expect(409, "IDEMPOTENCY_CONFLICT"));
    c.add(event("unknown query parameter on ingest", EVENT).path("/v1/events?workspaceId={ws}")
        .bad("workspaceId", "UNKNOWN_PARAMETER"));
    c.add(rawEvent("malformed %-escape in a query name on ingest", "Content-Length: "
        + EVENT.length(), EVENT.getBytes(StandardCharsets.UTF_8)).path("/v1/events?%zz=1")
        .bad("", "INVALID_ENCODING"));
    c.add(batch("unknown query parameter on batch ingest", "{\"events\":[" + EVENT + "]}")
        .path("/v1/events/batch?async=true").bad("async", "UNKNOWN_PARAMETER"));

    // Query parameters of GET /v1/events
    c.add(get("limit=0", "/v1/events?limit=0").bad("limit", "OUT_OF_RANGE"));
    c.add(get("limit=201", "/v1/events?limit=201").bad("limit", "OUT_OF_RANGE"));
    c.add(get("limit=abc", "/v1/events?limit=abc").bad("limit", "OUT_OF_RANGE"));
    c.add(get("limit=-1", "/v1/events?limit=-1").bad("limit", "OUT_OF_RANGE"));
    c.add(get("limit of 30 digits", "/v1/events?limit=" + "9".repeat(30))
        .bad("limit", "OUT_OF_RANGE"));
    c.add(get("unknown query parameter", "/v1/events?tenant=x")
        .bad("tenant", "UNKNOWN_PARAMETER"));
    c.add(get("repeated query parameter", "/v1/events?limit=1&limit=2")
        .bad("limit", "REPEATED_PARAMETER"));
    c.add(get("from after to", "/v1/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")
        .bad("from", "OUT_OF_RANGE"));
    c.add(get("from not a date-time", "/v1/events?from=last-week").bad("from", "INVALID_FORMAT"));
    c.add(get("to without offset", "/v1/events?to=2026-01-01T00:00:00")
        .bad("to", "INVALID_FORMAT"));
    c.add(get("from with an expanded year", "/v1/events?from=%2B294277-01-01T00:00:00Z")
        .bad("from", "INVALID_FORMAT"));
    c.add(get("to with a negative year", "/v1/events?to=-4714-01-01T00:00:00Z")
        .bad("to", "INVALID_FORMAT"));
    c.add(get("category filter with U+0000", "/v1/events?category=a%00b")
        .bad("category", "INVALID_FORMAT"));
    c.add(get("actorEmail filter with U+0000", "/v1/events?actorEmail=%00")
        .auth("Bearer {coKey}").bad("actorEmail", "INVALID_FORMAT"));
    c.add(get("actorId filter with a line break", "/v1/events?actorId=u1%0D%0AX-Evil:%201")
        .bad("actorId", "INVALID_FORMAT"));
    c.add(rawGet("malformed %-escape in a query value", "/v1/events?limit=%zz")
        .bad("", "INVALID_ENCODING"));
    c.add(rawGet("malformed %-escape in a query name", "/v1/events?%zz=1")
        .bad("", "INVALID_ENCODING"));
    c.add(rawGet("truncated %-escape at the end", "/v1/chains/{ws}/head?x=1%")
        .bad("", "INVALID_ENCODING"));
    c.add(get("cursor 'zzz'", "/v1/events?cursor=zzz").bad("cursor", "INVALID_CURSOR"));
    c.add(get("cursor too long", "/v1/events?cursor=" + "YzE".repeat(100))
        .bad("cursor", "INVALID_CURSOR"));
    c.add(get("cursor with a forged shape", "/v1/events?cursor=YzEuMS4y")
        .bad("cursor", "INVALID_CURSOR"));
    c.add(get("category filter of 321 characters", "/v1/events?category=" + "c".repeat(321))
        .bad("category", "OUT_OF_RANGE"));
    c.add(get("empty actorEmail filter", "/v1/events?actorEmail=").bad("actorEmail",
        "OUT_OF_RANGE"));
    c.add(get("workspaceId filter unknown", "/v1/events?workspaceId=" + RANDOM_UUID)
        .expect(404, "NOT_FOUND"));
    c.add(get("workspaceId filter of another tenant", "/v1/events?workspaceId={otherWs}")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("workspaceId filter of a sibling workspace", "/v1/events?workspaceId={siblingWs}")
        .expect(404, "NOT_FOUND"));
    c.add(get("workspaceId filter not a UUID", "/v1/events?workspaceId=prod")
        .expect(404, "NOT_FOUND"));
    c.add(get("projectId filter of another tenant", "/v1/events?projectId={otherProject}")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("projectId filter not a UUID", "/v1/events?projectId=main")
        .expect(404, "NOT_FOUND"));

    // Chains
    c.add(get("chain head of an unknown workspace", "/v1/chains/" + RANDOM_UUID + "/head")
        .expect(404, "NOT_FOUND"));
    c.add(get("chain head of another tenant (company key)", "/v1/chains/{otherWs}/head")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("chain head of another tenant (workspace key)", "/v1/chains/{otherWs}/head")
        .expect(404, "NOT_FOUND"));
    c.add(get("chain head of a sibling workspace", "/v1/chains/{siblingWs}/head")
        .expect(404, "NOT_FOUND"));
    c.add(get("chain head of a non-UUID id", "/v1/chains/production/head")
        .expect(404, "NOT_FOUND"));
    c.add(get("chain export of another tenant", "/v1/chains/{otherWs}/events.jsonl")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("chain verify of another tenant", "/v1/chains/{otherWs}/verify")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("chain head with a query parameter", "/v1/chains/{ws}/head?seq=1")
        .bad("seq", "UNKNOWN_PARAMETER"));
    c.add(get("export fromSeq=0", "/v1/chains/{ws}/events.jsonl?fromSeq=0")
        .bad("fromSeq", "OUT_OF_RANGE"));
    c.add(get("export fromSeq=-1", "/v1/chains/{ws}/events.jsonl?fromSeq=-1")
        .bad("fromSeq", "OUT_OF_RANGE"));
    c.add(get("export fromSeq=abc", "/v1/chains/{ws}/events.jsonl?fromSeq=abc")
        .bad("fromSeq", "OUT_OF_RANGE"));
    c.add(get("export fromSeq of 25 digits", "/v1/chains/{ws}/events.jsonl?fromSeq="
        + "9".repeat(25)).bad("fromSeq", "OUT_OF_RANGE"));
    c.add(get("export toSeq=0", "/v1/chains/{ws}/events.jsonl?toSeq=0")
        .bad("toSeq", "OUT_OF_RANGE"));
    c.add(get("export toSeq below fromSeq", "/v1/chains/{ws}/events.jsonl?fromSeq=5&toSeq=2")
        .bad("toSeq", "OUT_OF_RANGE"));
    c.add(get("export unknown parameter", "/v1/chains/{ws}/events.jsonl?from=1")
        .bad("from", "UNKNOWN_PARAMETER"));

    // Authentication
    c.add(event("no Authorization header", EVENT).auth(null).expect(401, "UNAUTHORIZED"));
    c.add(get("Basic scheme", "/v1/events").auth("Basic dXNlcjpwYXNzd29yZA==")
        .expect(401, "UNAUTHORIZED").secret("dXNlcjpwYXNzd29yZA=="));
    c.add(get("Bearer without a key", "/v1/events").auth("Bearer")
        .expect(401, "UNAUTHORIZED"));
    c.add(get("malformed key", "/v1/events").auth("Bearer not-a-hyrelog-key-" + SECRET)
        .expect(401, "UNAUTHORIZED"));
    c.add(get("key with an unknown region code", "/v1/events")
        .auth("Bearer hlk_xx_ws_" + "A".repeat(32) + "_000000").expect(401, "UNAUTHORIZED")
        .secret("A".repeat(32)));
    c.add(get("key with a bad checksum", "/v1/events").auth("Bearer {badChecksumKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(get("truncated key", "/v1/events").auth("Bearer {truncatedKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(event("well-formed unknown key", EVENT).auth("Bearer {unknownKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(event("key of a region this server does not serve", EVENT).auth("Bearer {euKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(event("revoked (rotated) key", EVENT).auth("Bearer {revokedKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(event("expired key", EVENT).auth("Bearer {expiredKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(get("key in a query parameter instead of the header", "/v1/events?apiKey={wsKey}")
        .auth(null).expect(401, "UNAUTHORIZED"));

    // Authorization
    c.add(event("company key used for ingest", EVENT).auth("Bearer {coKey}")
        .expect(403, "FORBIDDEN"));
    c.add(batch("company key used for batch ingest", "{\"events\":[" + EVENT + "]}")
        .auth("Bearer {coKey}").expect(403, "FORBIDDEN"));
    c.add(post("workspace key creates a key", "/v1/workspaces/{ws}/keys", "{}")
        .expect(403, "FORBIDDEN"));
    c.add(post("workspace key rotates its own key", "/v1/keys/{wsKeyId}/rotate", null)
        .expect(403, "FORBIDDEN"));

    // Key management
    String keys = "/v1/workspaces/{ws}/keys";
    c.add(post("key creation: ipAllowlist not an array", keys, "{\"ipAllowlist\":\"10.0.0.0/8\"}")
        .auth("Bearer {coKey}").bad("/ipAllowlist", "INVALID_TYPE"));
    c.add(post("key creation: CIDR with host bits", keys, "{\"ipAllowlist\":[\"10.0.0.1/8\"]}")
        .auth("Bearer {coKey}").bad("/ipAllowlist/0", "INVALID_FORMAT"));
    c.add(post("key creation: host name in allowlist", keys, "{\"ipAllowlist\":[\"127.0.0.1\","
        + "\"localhost\"]}").auth("Bearer {coKey}").bad("/ipAllowlist/1", "INVALID_FORMAT"));
    c.add(post("key creation: number in allowlist", keys, "{\"ipAllowlist\":[10]}")
        .auth("Bearer {coKey}").bad("/ipAllowlist/0", "INVALID_FORMAT"));
    c.add(post("key creation: 101 allowlist entries", keys, "{\"ipAllowlist\":["
        + "\"10.0.0.0/8\",".repeat(100) + "\"10.0.0.0/8\"]}").auth("Bearer {coKey}")
        .bad("/ipAllowlist", "INVALID_TYPE"));
    c.add(post("key creation: expiresAt in the past", keys, "{\"expiresAt\":"
        + "\"2020-01-01T00:00:00Z\"}").auth("Bearer {coKey}").bad("/expiresAt", "OUT_OF_RANGE"));
    c.add(post("key creation: expiresAt now", keys, "{\"expiresAt\":\"{now}\"}")
        .auth("Bearer {coKey}").bad("/expiresAt", "OUT_OF_RANGE"));
    c.add(post("key creation: expiresAt in year 294277", keys, "{\"expiresAt\":"
        + "\"+294277-01-01T00:00:00Z\"}").auth("Bearer {coKey}")
        .bad("/expiresAt", "INVALID_FORMAT"));
    c.add(post("key creation: expiresAt 'tomorrow'", keys, "{\"expiresAt\":\"tomorrow\"}")
        .auth("Bearer {coKey}").bad("/expiresAt", "INVALID_FORMAT"));
    c.add(post("key creation: expiresAt a number", keys, "{\"expiresAt\":1893456000}")
        .auth("Bearer {coKey}").bad("/expiresAt", "INVALID_FORMAT"));
    c.add(post("key creation: unknown field", keys, "{\"scopes\":[\"admin\"]}")
        .auth("Bearer {coKey}").bad("/scopes", "UNKNOWN_FIELD"));
    c.add(post("key creation: body is an array", keys, "[]").auth("Bearer {coKey}")
        .bad("", "INVALID_TYPE"));
    c.add(post("key creation: malformed JSON", keys, "{\"expiresAt\":").auth("Bearer {coKey}")
        .bad("", "SYNTAX"));
    c.add(post("key creation: duplicate key", keys, "{\"ipAllowlist\":[],\"ipAllowlist\":"
        + "[\"0.0.0.0/0\"]}").auth("Bearer {coKey}").bad("", "DUPLICATE_KEY"));
    c.add(post("key creation: Content-Type text/plain", keys, "{}").auth("Bearer {coKey}")
        .header("Content-Type", "text/plain").expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(post("key creation: unknown query parameter", keys + "?type=company", "{}")
        .auth("Bearer {coKey}").bad("type", "UNKNOWN_PARAMETER"));
    c.add(post("key creation: unknown workspace", "/v1/workspaces/" + RANDOM_UUID + "/keys",
        "{}").auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("key creation: workspace of another tenant", "/v1/workspaces/{otherWs}/keys",
        "{}").auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("key creation: workspace id not a UUID", "/v1/workspaces/prod/keys", "{}")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("rotate: unknown key", "/v1/keys/" + RANDOM_UUID + "/rotate", null)
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("rotate: key id not a UUID", "/v1/keys/latest/rotate", null)
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("rotate: key of another tenant", "/v1/keys/{otherKeyId}/rotate", null)
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(post("rotate: a company key", "/v1/keys/{coKeyId}/rotate", null)
        .auth("Bearer {coKey}").expect(403, "FORBIDDEN"));
    c.add(post("rotate: an already rotated key", "/v1/keys/{revokedKeyId}/rotate", null)
        .auth("Bearer {coKey}").expect(409, "CONFLICT"));
    c.add(post("rotate: unknown query parameter", "/v1/keys/{activeKeyId}/rotate?force=1",
        null).auth("Bearer {coKey}").bad("force", "UNKNOWN_PARAMETER"));
    c.add(get("key status: unknown query parameter", "/v1/keys/status?all=1")
        .auth("Bearer {coKey}").bad("all", "UNKNOWN_PARAMETER"));

    // Exports
    c.add(export("export body is an array", "[]").bad("", "INVALID_TYPE"));
    c.add(export("export body is malformed JSON", "{\"source\":").bad("", "SYNTAX"));
    c.add(export("export duplicate key", "{\"source\":\"HOT\",\"source\":\"ARCHIVED\"}")
        .bad("", "DUPLICATE_KEY"));
    c.add(export("export source is a number", "{\"source\":1}").bad("/source", "INVALID_TYPE"));
    c.add(export("export unknown source", "{\"source\":\"COLD\"}")
        .bad("/source", "INVALID_VALUE"));
    c.add(export("export lowercase source", "{\"source\":\"hot\"}")
        .bad("/source", "INVALID_VALUE"));
    c.add(export("export unknown format", "{\"format\":\"XML\"}")
        .bad("/format", "INVALID_VALUE"));
    c.add(export("export format is an array", "{\"format\":[\"CSV\"]}")
        .bad("/format", "INVALID_TYPE"));
    c.add(export("export unknown field", "{\"dryRun\":true}").bad("/dryRun", "UNKNOWN_FIELD"));
    c.add(export("export filters is a string", "{\"filters\":\"category=user\"}")
        .bad("/filters", "INVALID_TYPE"));
    c.add(export("export unknown filter", "{\"filters\":{\"tenantId\":\"x\"}}")
        .bad("/filters/tenantId", "UNKNOWN_FIELD"));
    c.add(export("export from not a date-time", "{\"filters\":{\"from\":\"last-week\"}}")
        .bad("/filters/from", "INVALID_FORMAT"));
    c.add(export("export to without offset", "{\"filters\":{\"to\":\"2026-01-01T00:00:00\"}}")
        .bad("/filters/to", "INVALID_FORMAT"));
    c.add(export("export from with an expanded year",
        "{\"filters\":{\"from\":\"+294277-01-01T00:00:00Z\"}}")
        .bad("/filters/from", "INVALID_FORMAT"));
    c.add(export("export from is a number", "{\"filters\":{\"from\":1700000000}}")
        .bad("/filters/from", "INVALID_TYPE"));
    c.add(export("export from after to", "{\"filters\":{\"from\":\"2026-02-01T00:00:00Z\","
        + "\"to\":\"2026-01-01T00:00:00Z\"}}").bad("/filters/from", "OUT_OF_RANGE"));
    c.add(export("export from equal to to", "{\"filters\":{\"from\":\"2026-02-01T00:00:00Z\","
        + "\"to\":\"2026-02-01T00:00:00Z\"}}").bad("/filters/from", "OUT_OF_RANGE"));
    c.add(export("export limit 0", "{\"limit\":0}").bad("/limit", "OUT_OF_RANGE"));
    c.add(export("export limit -1", "{\"limit\":-1}").bad("/limit", "OUT_OF_RANGE"));
    c.add(export("export limit as a string", "{\"limit\":\"10\"}").bad("/limit",
        "INVALID_TYPE"));
    c.add(export("export limit 1.5", "{\"limit\":1.5}").bad("/limit", "INVALID_TYPE"));
    c.add(export("export limit 2^53", "{\"limit\":9007199254740992}")
        .bad("", "INTEGER_TOO_LARGE"));
    c.add(export("export limit above the plan's rows", "{\"limit\":1000001}")
        .expect(422, "PLAN_LIMIT_EXCEEDED"));
    c.add(export("export category with U+0000", "{\"filters\":{\"category\":\"a\\u0000b\"}}")
        .bad("/filters/category", "INVALID_FORMAT"));
    c.add(export("export empty actorEmail", "{\"filters\":{\"actorEmail\":\"\"}}")
        .bad("/filters/actorEmail", "OUT_OF_RANGE"));
    c.add(export("export actorId of 321 characters", "{\"filters\":{\"actorId\":\""
        + "a".repeat(321) + "\"}}").bad("/filters/actorId", "OUT_OF_RANGE"));
    c.add(export("export workspaceId not a UUID", "{\"filters\":{\"workspaceId\":\"prod\"}}")
        .bad("/filters/workspaceId", "INVALID_FORMAT"));
    c.add(export("export: workspace key asks for a sibling workspace",
        "{\"filters\":{\"workspaceId\":\"{siblingWs}\"}}").expect(404, "NOT_FOUND"));
    c.add(export("export: workspace of another tenant",
        "{\"filters\":{\"workspaceId\":\"{otherWs}\"}}").auth("Bearer {coKey}")
        .expect(404, "NOT_FOUND"));
    c.add(export("export: project of another tenant",
        "{\"filters\":{\"projectId\":\"{otherProject}\"}}").auth("Bearer {coKey}")
        .expect(404, "NOT_FOUND"));
    c.add(export("export archived data past the archive retention", "{\"source\":"
        + "\"HOT_AND_ARCHIVED\",\"filters\":{\"from\":\"2000-01-01T00:00:00Z\"}}")
        .expect(422, "RETENTION_WINDOW_EXCEEDED"));
    c.add(export("export with Content-Type text/plain", "{}").header("Content-Type",
        "text/plain").expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(export("export with an unknown query parameter", "{}").path("/v1/exports?async=1")
        .bad("async", "UNKNOWN_PARAMETER"));
    c.add(get("export status of an unknown job", "/v1/exports/" + RANDOM_UUID)
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("export status of a malformed job id", "/v1/exports/latest")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("export status of another tenant's job", "/v1/exports/{otherJob}")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("export download of another tenant's job", "/v1/exports/{otherJob}/download")
        .auth("Bearer {coKey}").expect(404, "NOT_FOUND"));
    c.add(get("export status of a company job with a workspace key", "/v1/exports/{coJob}")
        .expect(404, "NOT_FOUND"));
    c.add(get("export download of a company job with a workspace key",
        "/v1/exports/{coJob}/download").expect(404, "NOT_FOUND"));
    c.add(get("export status with a query parameter", "/v1/exports/{coJob}?verbose=1")
        .auth("Bearer {coKey}").bad("verbose", "UNKNOWN_PARAMETER"));
    c.add(send("DELETE /v1/exports/{coJob}", "DELETE", "/v1/exports/{coJob}")
        .auth("Bearer {coKey}").expect(405, "METHOD_NOT_ALLOWED"));

    // Dashboard: authentication (a refused request of an authenticated user is written to the
    // admin audit log: that is the log of attempts, not a change of state)
    String rr = "/dashboard/restore-requests";
    c.add(dash("dashboard without a token", "GET", rr, null).header("x-dashboard-token", null)
        .expect(401, "UNAUTHORIZED"));
    c.add(dash("dashboard with a wrong token", "GET", rr, null)
        .header("x-dashboard-token", "{dashToken}x").expect(401, "UNAUTHORIZED"));
    c.add(dash("dashboard with an API key instead of the token", "GET", rr, null)
        .header("x-dashboard-token", null).auth("Bearer {coKey}").expect(401, "UNAUTHORIZED"));
    c.add(dash("dashboard with the operator token", "GET", rr, null)
        .header("x-dashboard-token", "{token}").expect(401, "UNAUTHORIZED"));
    c.add(dash("dashboard without x-user-id", "GET", rr, null).header("x-user-id", null)
        .bad("x-user-id", "REQUIRED"));
    c.add(dash("dashboard without x-user-email", "GET", rr, null).header("x-user-email", null)
        .bad("x-user-email", "REQUIRED"));
    c.add(dash("dashboard without x-user-role", "GET", rr, null).header("x-user-role", null)
        .bad("x-user-role", "REQUIRED"));
    c.add(dash("dashboard with a malformed email", "GET", rr, null)
        .header("x-user-email", "dana").bad("x-user-email", "INVALID_FORMAT"));
    c.add(dash("dashboard with a role holding a space", "GET", rr, null)
        .header("x-user-role", "SUPER ADMIN").bad("x-user-role", "INVALID_FORMAT"));
    c.add(dash("dashboard without x-company-id", "GET", rr, null)
        .header("x-company-id", null).bad("x-company-id", "REQUIRED"));
    c.add(dash("dashboard x-company-id not a UUID", "GET", rr, null)
        .header("x-company-id", "acme").bad("x-company-id", "INVALID_FORMAT"));
    c.add(dash("dashboard unknown company", "GET", rr, null)
        .header("x-company-id", RANDOM_UUID).expect(404, "NOT_FOUND"));
    c.add(dash("dashboard admin route as a company admin", "GET",
        "/dashboard/admin/restore-requests", null).expect(403, "FORBIDDEN"));
    c.add(dash("dashboard approve as a member", "POST",
        "/dashboard/admin/restore-requests/" + RANDOM_UUID + "/approve", null)
        .header("x-user-role", "MEMBER").expect(403, "FORBIDDEN"));
    // Dashboard: restore requests
    c.add(dash("restore request body is an array", "POST", rr, "[]").bad("", "INVALID_TYPE"));
    c.add(dash("restore request malformed JSON", "POST", rr, "{\"archiveId\":")
        .bad("", "SYNTAX"));
    c.add(dash("restore request without archiveId", "POST", rr, "{\"tier\":\"BULK\"}")
        .bad("/archiveId", "REQUIRED"));
    c.add(dash("restore request archiveId not a UUID", "POST", rr, "{\"archiveId\":\"seg-1\"}")
        .bad("/archiveId", "INVALID_FORMAT"));
    c.add(dash("restore request archiveId is a number", "POST", rr, "{\"archiveId\":7}")
        .bad("/archiveId", "INVALID_TYPE"));
    c.add(dash("restore request unknown field", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"priority\":1}").bad("/priority", "UNKNOWN_FIELD"));
    c.add(dash("restore request lowercase tier", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"tier\":\"bulk\"}").bad("/tier", "INVALID_VALUE"));
    c.add(dash("restore request days 0", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"days\":0}").bad("/days", "OUT_OF_RANGE"));
    c.add(dash("restore request days 31", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"days\":31}").bad("/days", "OUT_OF_RANGE"));
    c.add(dash("restore request days as a string", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"days\":\"7\"}").bad("/days", "INVALID_TYPE"));
    c.add(dash("restore request days 1.5", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"days\":1.5}").bad("/days", "OUT_OF_RANGE"));
    c.add(dash("restore request EXPEDITED on GROWTH", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\",\"tier\":\"EXPEDITED\"}")
        .expect(403, "PLAN_RESTRICTED"));
    c.add(dash("restore request for an unknown segment", "POST", rr,
        "{\"archiveId\":\"" + RANDOM_UUID + "\"}").expect(404, "NOT_FOUND"));
    c.add(dash("restore request for another tenant's segment", "POST", rr,
        "{\"archiveId\":\"{otherSegment}\"}").expect(404, "NOT_FOUND"));
    c.add(dash("restore request with Content-Type text/plain", "POST", rr,
        "{\"archiveId\":\"{demoSegment}\"}").header("Content-Type", "text/plain")
        .expect(415, "UNSUPPORTED_MEDIA_TYPE"));
    c.add(dash("restore request with a query parameter", "POST", rr + "?dryRun=1",
        "{\"archiveId\":\"{demoSegment}\"}").bad("dryRun", "UNKNOWN_PARAMETER"));
    c.add(dash("restore requests with an unknown status", "GET", rr + "?status=DONE", null)
        .bad("status", "INVALID_VALUE"));
    c.add(dash("restore requests with limit 0", "GET", rr + "?limit=0", null)
        .bad("limit", "OUT_OF_RANGE"));
    c.add(dash("restore request of an unknown id", "GET", rr + "/" + RANDOM_UUID, null)
        .expect(404, "NOT_FOUND"));
    c.add(dash("restore request of a malformed id", "GET", rr + "/latest", null)
        .expect(404, "NOT_FOUND"));
    c.add(dash("cancel an unknown restore request", "DELETE", rr + "/" + RANDOM_UUID, null)
        .expect(404, "NOT_FOUND"));
    c.add(dash("PUT a restore request", "PUT", rr + "/" + RANDOM_UUID, null)
        .expect(405, "METHOD_NOT_ALLOWED"));
    c.add(dash("approve an unknown restore request", "POST",
        "/dashboard/admin/restore-requests/" + RANDOM_UUID + "/approve", null)
        .header("x-user-role", "HYRELOG_ADMIN").expect(404, "NOT_FOUND"));
    c.add(dash("reject without a reason", "POST",
        "/dashboard/admin/restore-requests/" + RANDOM_UUID + "/reject", "{}")
        .header("x-user-role", "HYRELOG_ADMIN").bad("/reason", "REQUIRED"));
    c.add(dash("reject with a reason of 501 characters", "POST",
        "/dashboard/admin/restore-requests/" + RANDOM_UUID + "/reject",
        "{\"reason\":\"" + "r".repeat(501) + "\"}").header("x-user-role", "HYRELOG_ADMIN")
        .bad("/reason", "INVALID_VALUE"));
    c.add(dash("admin list with a malformed companyId", "GET",
        "/dashboard/admin/restore-requests?companyId=acme", null)
        .header("x-user-role", "HYRELOG_ADMIN").bad("companyId", "INVALID_FORMAT"));
    c.add(dash("audit logs before=0", "GET", "/dashboard/admin/audit-logs?before=0", null)
        .header("x-user-role", "HYRELOG_ADMIN").bad("before", "OUT_OF_RANGE"));
    c.add(dash("audit logs limit 201", "GET", "/dashboard/admin/audit-logs?limit=201", null)
        .header("x-user-role", "HYRELOG_ADMIN").bad("limit", "OUT_OF_RANGE"));

    // Routing and system routes
    c.add(get("unknown route", "/v2/events").auth(null).expect(404, "NOT_FOUND"));
    c.add(get("unknown /v1 route", "/v1/audit").expect(404, "NOT_FOUND"));
    c.add(get("trailing slash", "/v1/events/").expect(404, "NOT_FOUND"));
    c.add(get("chain without a resource", "/v1/chains/{ws}").expect(404, "NOT_FOUND"));
    c.add(send("DELETE /v1/events", "DELETE", "/v1/events").expect(405,
        "METHOD_NOT_ALLOWED"));
    c.add(send("PUT /v1/chains/{ws}/head", "PUT", "/v1/chains/{ws}/head")
        .expect(405, "METHOD_NOT_ALLOWED"));
    c.add(send("PATCH /v1/keys/status", "PATCH", "/v1/keys/status").auth("Bearer {coKey}")
        .expect(405, "METHOD_NOT_ALLOWED"));
    c.add(send("POST /internal/health", "POST", "/internal/health").auth(null)
        .header("x-internal-token", "{token}").expect(405, "METHOD_NOT_ALLOWED"));
    c.add(get("/internal/health without a token", "/internal/health").auth(null)
        .expect(401, "UNAUTHORIZED"));
    c.add(get("/internal/health with a wrong token", "/internal/health").auth(null)
        .header("x-internal-token", "0123456789abcdef0123456789abcdef")
        .expect(401, "UNAUTHORIZED"));
    c.add(get("/internal/health with an API key", "/internal/health").auth("Bearer {coKey}")
        .expect(401, "UNAUTHORIZED"));
    c.add(get("/internal/metrics with a wrong token", "/internal/metrics").auth(null)
        .header("x-internal-token", "{token}x").expect(401, "UNAUTHORIZED"));
    c.add(get("/internal/health with a query parameter", "/internal/health?deep=1").auth(null)
        .header("x-internal-token", "{token}").bad("deep", "UNKNOWN_PARAMETER"));
    return c.stream();
  }

  @Test
  void corpus_built_holdsAtLeastSeventyDistinctCases() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(70);
    assertThat(corpus().map(Case::toString).distinct().count()).isEqualTo(corpus().count());
  }

  @Test
  void snapshot_afterValidWrites_seesThem() {
    Snapshot before = snapshot();
    ok(http.post("/v1/events", EVENT, bearerJson(VARS.get("wsKey"))), 201);
    ok(http.post("/v1/workspaces/" + VARS.get("ws") + "/keys", "{}",
        bearerJson(VARS.get("coKey"))), 201);
    ok(http.post("/v1/exports", "{}", bearerJson(VARS.get("wsKey"))), 201);
    Snapshot after = snapshot();
    assertThat(after.seq()).isEqualTo(before.seq() + 1);
    assertThat(after.keys()).isEqualTo(before.keys() + 1);
    assertThat(after.exportJobs()).isEqualTo(before.exportJobs() + 1);
    ok(http.post("/dashboard/restore-requests", "{\"archiveId\":\"" + coldSegment(UUID.fromString(
        VARS.get("company"))) + "\"}", "x-dashboard-token", VARS.get("dashToken"), "x-user-id",
        "u", "x-user-email", "u@example.com", "x-user-role", "ADMIN", "x-company-id",
        VARS.get("company"), "Content-Type", "application/json"), 201);
    assertThat(snapshot().restoreRequests()).isEqualTo(before.restoreRequests() + 1);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void request_badInput_problemAndNothingWritten(Case c) {
    Snapshot before = snapshot();
    TestHttp.Response r = c.raw ? dechunk(http.raw(rawRequest(c))) : http.send(c.method,
        resolve(c.path), c.body == null ? null : c.textBody ? utf8(resolve(utf8(c.body)))
            : c.body, headers(c));
    String text = r.text();
    assertThat(r.status()).as("status of %s: %s", c, text).isEqualTo(c.status)
        .isNotEqualTo(500);
    assertThat(r.header("content-type")).as("content type").startsWith(
        "application/problem+json");
    if (c.status == 413 && !c.raw) {
      // The unread body ends the connection; the client is told so it does not reuse it.
      assertThat(r.header("connection")).as("Connection header of a 413").isEqualTo("close");
    }
    JsonNode p = r.json();
    assertThat(p.path("code").asText()).as("code: %s", text).isEqualTo(c.code);
    assertThat(p.path("status").isInt()).isTrue();
    assertThat(p.path("status").asInt()).isEqualTo(r.status());
    assertThat(p.path("type").asText()).isEqualTo("urn:hyrelog:problem:"
        + c.code.toLowerCase(Locale.ROOT).replace('_', '-'));
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("detail").asText()).isNotBlank();
    assertThat(p.path("requestId").asText()).isNotBlank()
        .isEqualTo(r.header("x-request-id"));
    String path = resolve(c.path);
    assertThat(p.path("instance").asText()).isEqualTo(path.contains("?")
        ? path.substring(0, path.indexOf('?')) : path);
    if (c.field != null) {
      List<String> fields = new ArrayList<>();
      p.path("errors").forEach(e -> fields.add(e.path("field").asText() + " "
          + e.path("code").asText()));
      assertThat(fields).as("errors: %s", text).contains(c.field + " " + c.errorCode);
    }
    for (String s : SECRETS) {
      assertThat(text).as("a secret or payload value is quoted").doesNotContain(s);
    }
    for (String s : c.secrets) {
      assertThat(text).as("the offending value is quoted").doesNotContain(s);
    }
    assertThat(snapshot()).as("something was written").isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // Running a case

  /** What a bad request must not change. */
  record Snapshot(long seq, int keys, int otherTenantKeys, long exportJobs,
      long restoreRequests) {}

  private static Snapshot snapshot() {
    JsonNode head = ok(http.get("/v1/chains/" + VARS.get("ws") + "/head",
        bearer(VARS.get("wsKey"))), 200);
    JsonNode status = ok(http.get("/v1/keys/status", bearer(VARS.get("coKey"))), 200);
    return new Snapshot(head.path("seq").asLong(), status.path("keys").size(),
        tenants.keys(otherCompany).size(), count("export_jobs"), count("restore_requests"));
  }

  private static long count(String table) {
    try (var c = db.getConnection(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM hyrelog." + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] headers(Case c) {
    List<String> out = new ArrayList<>();
    c.headers.forEach((k, v) -> {
      if (v != null) {
        out.add(k);
        out.add(resolve(v));
      }
    });
    return out.toArray(String[]::new);
  }

  private static byte[] rawRequest(Case c) {
    StringBuilder h = new StringBuilder(c.method + " " + resolve(c.path) + " HTTP/1.1\r\n"
        + "Host: {host}\r\nConnection: close\r\n");
    c.headers.forEach((k, v) -> {
      if (v != null) {
        h.append(k).append(": ").append(v).append("\r\n");
      }
    });
    h.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(resolve(h.toString())));
    out.writeBytes(c.body);
    return out.toByteArray();
  }

  /** A raw response's body without its chunked framing, if it has one. */
  private static TestHttp.Response dechunk(TestHttp.Response r) {
    String te = r.header("transfer-encoding");
    if (te == null || !te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return r;
    }
    byte[] b = r.body();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (true) {
      int eol = indexOfCrlf(b, i);
      String size = new String(b, i, eol - i, StandardCharsets.US_ASCII).split(";")[0].strip();
      int n = Integer.parseInt(size, 16);
      if (n == 0) {
        break;
      }
      out.write(b, eol + 2, n);
      i = eol + 2 + n + 2;
    }
    return new TestHttp.Response(r.status(), r.headers(), out.toByteArray());
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    throw new AssertionError("a chunked response without a line end");
  }

  private static String resolve(String s) {
    String out = s.replace("{now+6m}", clock.instant().plus(Duration.ofMinutes(6)).toString())
        .replace("{now-31d}", clock.instant().minus(Duration.ofDays(31)).toString())
        .replace("{now}", clock.instant().toString());
    for (Map.Entry<String, String> e : VARS.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }

  private static JsonNode ok(TestHttp.Response r, int status) {
    assertThat(r.status()).as("setup request: %s", r.text()).isEqualTo(status);
    return r.json();
  }

  private static String[] bearer(String key) {
    return new String[] {"Authorization", "Bearer " + key};
  }

  private static String[] bearerJson(String key) {
    return new String[] {"Authorization", "Bearer " + key, "Content-Type", "application/json"};
  }

  // ---------------------------------------------------------------------------------------------
  // Building cases

  private static Case event(String name, String json) {
    return post(name, "/v1/events", json);
  }

  private static Case event(String name, byte[] body) {
    Case c = post(name, "/v1/events", null);
    c.body = body;
    c.textBody = false;
    return c.header("Content-Type", "application/json");
  }

  private static Case export(String name, String json) {
    return post(name, "/v1/exports", json);
  }

  /** A dashboard request of a company ADMIN of the demo company (no API key). */
  private static Case dash(String name, String method, String path, String json) {
    Case c = send(name, method, path).auth(null).header("x-dashboard-token", "{dashToken}")
        .header("x-user-id", "user-42").header("x-user-email", "dana@customer.example")
        .header("x-user-role", "ADMIN").header("x-company-id", "{company}");
    if (json != null) {
      c.body = utf8(json);
      c.header("Content-Type", "application/json");
    }
    return c;
  }

  private static Case batch(String name, String json) {
    return post(name, "/v1/events/batch", json);
  }

  private static Case post(String name, String path, String json) {
    Case c = send(name, "POST", path);
    if (json != null) {
      c.body = utf8(json);
      c.header("Content-Type", "application/json");
    }
    return c;
  }

  private static Case get(String name, String path) {
    return send(name, "GET", path);
  }

  private static Case send(String name, String method, String path) {
    return new Case(name, method, path);
  }

  /** A {@code POST /v1/events} sent as raw bytes with one extra framing header, or none. */
  private static Case rawEvent(String name, String framing, byte[] body) {
    Case c = post(name, "/v1/events", null).header("Content-Type", "application/json");
    if (framing != null) {
      String[] kv = framing.split(": ", 2);
      c.header(kv[0], kv[1]);
    }
    c.raw = true;
    c.body = body;
    c.textBody = false;
    return c;
  }

  /** A {@code GET} sent as raw bytes (the JDK client refuses malformed URIs). */
  private static Case rawGet(String name, String path) {
    Case c = get(name, path);
    c.raw = true;
    c.body = new byte[0];
    c.textBody = false;
    return c;
  }

  private static byte[] chunked(String body, int chunk) {
    byte[] b = utf8(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < b.length; i += chunk) {
      int n = Math.min(chunk, b.length - i);
      out.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
      out.write(b, i, n);
      out.writeBytes(utf8("\r\n"));
    }
    out.writeBytes(utf8("0\r\n\r\n"));
    return out.toByteArray();
  }

  /** Strings (as UTF-8) and single bytes given as ints, concatenated. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(utf8(s));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * One bad request and what it must get. Placeholders such as {@code {ws}} or {@code {coKey}}
   * in the path, header values and text bodies are filled in when the case runs.
   */
  static final class Case {
    final String name;
    final String method;
    String path;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    boolean textBody = true;
    boolean raw;
    int status;
    String code;
    String field;
    String errorCode;
    final List<String> secrets = new ArrayList<>();

    Case(String name, String method, String path) {
      this.name = name;
      this.method = method;
      this.path = path;
      headers.put("Authorization", "Bearer {wsKey}");
    }

    Case path(String p) {
      this.path = p;
      return this;
    }

    /** Sets a header; {@code null} leaves it out. */
    Case header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Case auth(String value) {
      return header("Authorization", value);
    }

    Case expect(int s, String c) {
      this.status = s;
      this.code = c;
      return this;
    }

    /** 400 VALIDATION_ERROR naming {@code f} with the error code {@code ec}. */
    Case bad(String f, String ec) {
      this.field = f;
      this.errorCode = ec;
      return expect(400, "VALIDATION_ERROR");
    }

    /** A value the response must not quote. */
    Case secret(String s) {
      secrets.add(s);
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
