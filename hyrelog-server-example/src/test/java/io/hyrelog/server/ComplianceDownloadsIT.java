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
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.storage.postgres.PostgresTenants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Company keys list and download their evidence bundles and encrypted compliance exports over
 * real HTTP: the bytes are those of the vault copy (and of the delivered file), ranges answer
 * 206 with {@code Content-Range}, the ETag gives 304, and bad ranges, ids and parameters get
 * specific problems; another company's ids are 404.
 */
class ComplianceDownloadsIT {
  private static final String KEY_HEX = "00112233445566778899aabbccddeeff"
      + "00112233445566778899aabbccddeeff";
  private static TestServer server;
  private static TestHttp http;
  private static String bundleId;
  private static JsonNode exported;
  private static String otherCompanyKey;
  private static String exportName;

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start(Map.of(
        "HYRELOG_COMPLIANCE_ENCRYPTION_KEY", KEY_HEX,
        "HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", "1000",
        "HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", "1000"), Clock.systemUTC());
    http = server.http();
    for (int i = 0; i < 4; i++) {
      TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
          "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestHttp.Response r = http.post("/compliance/evidence/export", "{\"from\":\""
        + now.minus(1, ChronoUnit.HOURS) + "\",\"to\":\"" + now.plus(1, ChronoUnit.HOURS)
        + "\",\"options\":{\"envelope\":false}}", "Authorization", "Bearer "
        + server.demo().companyKey(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    exported = r.json();
    bundleId = exported.path("bundle_id").asText();

    TestHttp.Response job = http.post("/ops/jobs/compliance.export/run", "{\"wait\":true,"
        + "\"input\":{\"companyId\":\"" + server.demo().companyId() + "\",\"types\":"
        + "\"audit_events\",\"delivery\":\"local\"}}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(job.status()).as(job.text()).isEqualTo(201);
    assertThat(job.json().path("status").asText()).as(job.text()).isEqualTo("SUCCEEDED");
    String object = job.json().path("result").path("exports").get(0).path("object").asText();
    exportName = object.substring(object.lastIndexOf('/') + 1);

    PostgresTenants tenants = PostgresTenants.create(server.owner());
    UUID other = UUID.randomUUID();
    tenants.createCompany(new Company(other, "Other Co", DataRegion.US, PlanTier.GROWTH,
        PlanOverrides.NONE));
    ApiKeyToken t = ApiKeyToken.generate(DataRegion.US, ApiKeyType.COMPANY);
    tenants.createKey(new ApiKey(UUID.randomUUID(), other, null, ApiKeyType.COMPANY,
        t.displayPrefix(), new KeyHasher(Secrets.loadOrCreate(server.dataDir()).apiKeySecret())
            .hash(t), List.of(), null, null, null, Instant.now()));
    otherCompanyKey = t.text();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static TestHttp.Response get(String path, String... headers) {
    List<String> h = new ArrayList<>(List.of("Authorization",
        "Bearer " + server.demo().companyKey()));
    h.addAll(Arrays.asList(headers));
    return http.get(path, h.toArray(String[]::new));
  }

  private static String fileUrl(String name) {
    return "/compliance/evidence/bundles/" + bundleId + "/files/" + name;
  }

  private static Path vaultCopy(String name) {
    return server.dataDir().resolve("evidence-vault").resolve(server.demo().companyId()
        .toString()).resolve(exported.path("vault_copy_path").asText()).resolve(name);
  }

  private static Path delivered() {
    return server.dataDir().resolve("compliance-exports")
        .resolve(server.demo().companyId().toString()).resolve(exportName);
  }

  @Test
  void bundles_listedAndDownloaded_byteIdenticalToTheVaultCopy() throws IOException {
    JsonNode list = get("/compliance/evidence/bundles").json();
    assertThat(list.path("data")).hasSize(1);
    assertThat(list.path("nextCursor").isNull()).isTrue();
    JsonNode b = list.path("data").get(0);
    assertThat(b.path("bundle_id").asText()).isEqualTo(bundleId);
    List<String> names = new ArrayList<>();
    b.path("files").forEach(f -> names.add(f.path("name").asText()));
    assertThat(names).contains(bundleId + ".zip", bundleId + ".sig", "export.json");
    assertThat(get("/compliance/evidence/bundles/" + bundleId).json()).isEqualTo(b);

    for (String name : List.of(bundleId + ".zip", bundleId + ".sig")) {
      TestHttp.Response r = get(fileUrl(name));
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Files.readAllBytes(vaultCopy(name)));
      assertThat(r.header("content-length")).isEqualTo(Long.toString(r.body().length));
      assertThat(r.header("accept-ranges")).isEqualTo("bytes");
      assertThat(r.header("content-disposition")).contains(name);
    }
    TestHttp.Response zip = get(fileUrl(bundleId + ".zip"));
    assertThat(zip.header("content-type")).startsWith("application/zip");
    assertThat(Arrays.copyOf(zip.body(), 2)).isEqualTo(new byte[] {'P', 'K'});
  }

  @Test
  void ranges_etagAndIfRange_answerAsHttpSays() {
    byte[] whole = get(fileUrl(bundleId + ".zip")).body();
    int size = whole.length;
    TestHttp.Response first = get(fileUrl(bundleId + ".zip"), "Range", "bytes=0-9");
    assertThat(first.status()).isEqualTo(206);
    assertThat(first.header("content-range")).isEqualTo("bytes 0-9/" + size);
    assertThat(first.body()).isEqualTo(Arrays.copyOfRange(whole, 0, 10));
    TestHttp.Response rest = get(fileUrl(bundleId + ".zip"), "Range", "bytes=10-");
    assertThat(rest.status()).isEqualTo(206);
    assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(whole, 10, size));
    TestHttp.Response suffix = get(fileUrl(bundleId + ".zip"), "Range", "bytes=-5");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(whole, size - 5, size));
    assertThat(suffix.header("content-range")).isEqualTo("bytes " + (size - 5) + "-"
        + (size - 1) + "/" + size);
    // A last byte beyond the end is cut to the end.
    assertThat(get(fileUrl(bundleId + ".zip"), "Range", "bytes=" + (size - 3) + "-999999999")
        .body()).isEqualTo(Arrays.copyOfRange(whole, size - 3, size));
    // Another unit is ignored: the whole file.
    assertThat(get(fileUrl(bundleId + ".zip"), "Range", "items=0-5").status()).isEqualTo(200);

    String etag = first.header("etag");
    assertThat(etag).startsWith("\"").endsWith("\"");
    TestHttp.Response notModified = get(fileUrl(bundleId + ".zip"), "If-None-Match", etag);
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(get(fileUrl(bundleId + ".zip"), "If-None-Match", "\"other\"").status())
        .isEqualTo(200);
    // If-Range: the range only while the ETag still matches.
    assertThat(get(fileUrl(bundleId + ".zip"), "Range", "bytes=0-9", "If-Range", etag)
        .status()).isEqualTo(206);
    TestHttp.Response changed = get(fileUrl(bundleId + ".zip"), "Range", "bytes=0-9",
        "If-Range", "\"stale\"");
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(whole);
  }

  @Test
  void badRanges_416WithTheSize() {
    int size = get(fileUrl(bundleId + ".zip")).body().length;
    for (String range : List.of("bytes=9-2", "bytes=" + size + "-", "bytes=0-1,4-5",
        "bytes=abc", "bytes=-0", "bytes=-", "bytes=1-2-3", "bytes=0-99999999999999999999")) {
      TestHttp.Response r = get(fileUrl(bundleId + ".zip"), "Range", range);
      TestHttp.problem(r, 416, "RANGE_NOT_SATISFIABLE", null);
      assertThat(r.header("content-range")).as(range).isEqualTo("bytes */" + size);
    }
  }

  @Test
  void badIdsAndParams_specificProblems_otherCompanies404() {
    TestHttp.problem(get("/compliance/evidence/bundles/not-a-uuid"), 400, "VALIDATION_ERROR",
        "bundleId");
    TestHttp.problem(get("/compliance/evidence/bundles/" + bundleId.toUpperCase()), 400,
        "VALIDATION_ERROR", "bundleId");
    TestHttp.problem(get("/compliance/evidence/bundles/" + UUID.randomUUID()), 404,
        "NOT_FOUND", null);
    TestHttp.problem(get(fileUrl("worm.lock.json")), 404, "NOT_FOUND", null);
    TestHttp.problem(get(fileUrl(bundleId + ".zip.tmp")), 404, "NOT_FOUND", null);
    TestHttp.problem(get("/compliance/evidence/bundles?limit=0"), 400, "VALIDATION_ERROR",
        "limit");
    TestHttp.problem(get("/compliance/evidence/bundles?limit=abc"), 400, "VALIDATION_ERROR",
        "limit");
    TestHttp.problem(get("/compliance/evidence/bundles?after=x"), 400, "VALIDATION_ERROR",
        "after");
    TestHttp.problem(get("/compliance/evidence/bundles?page=2"), 400, "VALIDATION_ERROR",
        "page");
    TestHttp.problem(get("/compliance/exports/secrets.json"), 400, "VALIDATION_ERROR", "name");
    TestHttp.problem(get("/compliance/exports?after=x.enc"), 400, "VALIDATION_ERROR", "after");
    TestHttp.problem(get("/compliance/exports/20200101T000000Z-audit_events.jsonl.enc"), 404,
        "NOT_FOUND", null);
    TestHttp.problem(http.get("/compliance/evidence/bundles", "Authorization",
        "Bearer " + server.demo().workspaceKey()), 403, "FORBIDDEN", null);
    TestHttp.problem(http.get("/compliance/exports"), 401, "UNAUTHORIZED", null);

    // Another company sees none of them.
    String[] other = {"Authorization", "Bearer " + otherCompanyKey};
    assertThat(http.get("/compliance/evidence/bundles", other).json().path("data")).isEmpty();
    TestHttp.problem(http.get("/compliance/evidence/bundles/" + bundleId, other), 404,
        "NOT_FOUND", null);
    TestHttp.problem(http.get(fileUrl(bundleId + ".zip"), other), 404, "NOT_FOUND", null);
    assertThat(http.get("/compliance/exports", other).json().path("data")).isEmpty();
    TestHttp.problem(http.get("/compliance/exports/" + exportName, other), 404, "NOT_FOUND",
        null);
  }

  @Test
  void complianceExports_listedAndDownloaded_byteIdenticalToTheDeliveredFile()
      throws IOException {
    JsonNode list = get("/compliance/exports").json();
    assertThat(list.path("data")).hasSize(1);
    assertThat(list.path("data").get(0).path("name").asText()).isEqualTo(exportName);
    assertThat(list.path("data").get(0).path("size").asLong()).isEqualTo(Files.size(delivered()));
    TestHttp.Response r = get("/compliance/exports/" + exportName);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readAllBytes(delivered()));
    TestHttp.Response part = get("/compliance/exports/" + exportName, "Range", "bytes=3-7");
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(r.body(), 3, 8));
    // Paging: one per page, the cursor is the last name.
    JsonNode one = get("/compliance/exports?limit=1").json();
    assertThat(one.path("nextCursor").isNull()).isTrue();
    try (Stream<Path> files = Files.list(delivered().getParent())) {
      assertThat(files.count()).isEqualTo(1);
    }
  }
}
