package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.Digest;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.storage.postgres.PostgresSubjectKeys;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding through the real server: events with actor emails ingested over HTTP are
 * archived by the {@code archive.run} job with their personal values sealed per subject; the
 * chain export reads them back with their values. Destroying one subject's keys, directly
 * ({@code SubjectKeys.destroy} on the server's database) or through the whole workflow (an
 * erasure request filed with the company key, approved on the dashboard, executed by the
 * {@code gdpr.erase} job), leaves the segment files byte for byte unchanged; the export shows
 * that subject's fields as erased, the others' as before, on readable and on cold-then-restored
 * segments, and everything still verifies.
 */
class ArchivedErasureIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String KEY = "5a".repeat(32);
  private final MutableClock clock = new MutableClock(T0);
  private TestServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = TestServer.start(Map.of("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY", KEY), clock);
    http = server.http();
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 6; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"id\":\"u-").append(i % 2).append("\",\"email\":\"person")
          .append(i % 2).append("@example.com\"}}");
    }
    TestHttp.Response r = http.post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void run(String job, Instant asOf) {
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run",
        "{\"asOf\":\"" + asOf + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
  }

  /** The chain's export, checked line by line; the lines' JSON. */
  private List<JsonNode> export() {
    TestHttp.Response r = http.get("/v1/chains/" + server.demo().workspaceId()
        + "/events.jsonl", "Authorization", "Bearer " + server.demo().workspaceKey());
    assertThat(r.status()).isEqualTo(200);
    ChainVerifier v = ChainVerifier.builder().requireCompleteChains().build();
    List<JsonNode> out = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line : reader) {
        assertThat(v.accept(line.tree(), line.number())).isTrue();
        out.add(line.tree());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(v.finish().ok()).isTrue();
    return out;
  }

  private Map<Path, String> segmentFiles() throws IOException {
    Map<Path, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(server.dataDir().resolve("archive"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl.gz")).toList()) {
        out.put(f, Digest.sha256(Files.readAllBytes(f)).hex());
      }
    }
    return out;
  }

  private static String gunzip(Path f) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void archiveThenDestroyOneSubject_segmentsUnchanged_exportShowsItsFieldsErased()
      throws Exception {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    run("retention.mark", asOf);
    run("archive.run", asOf);
    Map<Path, String> before = segmentFiles();
    assertThat(before).isNotEmpty();
    for (Path f : before.keySet()) {
      assertThat(gunzip(f)).contains("\"sealed\"").doesNotContain("@example.com");
    }
    assertThat(export()).allSatisfy(e -> assertThat(e.path("actor").path("email").asText())
        .endsWith("@example.com"));

    PostgresSubjectKeys keys = PostgresSubjectKeys.builder(server.owner())
        .encryptionKeyHex(KEY).clock(clock).build();
    assertThat(keys.destroy(EventScope.company(server.demo().companyId()),
        DataSubject.actorEmail("person0@example.com"))).isEqualTo(1);

    assertThat(segmentFiles()).isEqualTo(before);
    List<JsonNode> after = export();
    assertThat(after).hasSize(6);
    for (JsonNode e : after) {
      boolean erased = e.path("actor").path("id").asText().equals("u-0");
      assertThat(e.path("personal").path("/actor/email").path("erased").asBoolean())
          .isEqualTo(erased);
      assertThat(e.path("actor").has("email")).isEqualTo(!erased);
    }
    run("archive.verify", asOf);
  }

  private JsonNode request(String body) {
    TestHttp.Response r = http.post("/v1/gdpr/requests", body, "Authorization",
        "Bearer " + server.demo().companyKey(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private JsonNode requestNow(String id) {
    TestHttp.Response r = http.get("/v1/gdpr/requests/" + id, "Authorization",
        "Bearer " + server.demo().companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  /**
   * The whole workflow over HTTP on archived events: an erasure filed with the company key,
   * approved by a second person on the dashboard, executed by the gdpr.erase job, destroys the
   * subject's archive keys (no direct call to SubjectKeys); an access request for the other
   * subject, executed by the same job, exports that subject's archived events with their values.
   */
  @Test
  void archivedEvents_erasureAndAccessRequestsOverHttp_keysDestroyedByTheJob() throws Exception {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    run("retention.mark", asOf);
    run("archive.run", asOf);
    Map<Path, String> before = segmentFiles();
    assertThat(before).isNotEmpty();

    String erasure = request("{\"type\":\"ERASURE\",\"subject\":{\"actorEmail\":"
        + "\"person0@example.com\"},\"reason\":\"ticket 77\"}").path("id").asText();
    TestHttp.Response approved = http.post("/dashboard/admin/gdpr-requests/" + erasure
        + "/approve", "", "x-dashboard-token", server.dashboardToken(), "x-user-id", "dpo-1",
        "x-user-email", "dpo@staff.example", "x-user-role", "GDPR_APPROVER", "x-company-id",
        server.demo().companyId().toString(), "Content-Type", "application/json");
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    String access = request("{\"type\":\"ACCESS\",\"subject\":{\"actorEmail\":"
        + "\"person1@example.com\"},\"reason\":\"Art. 15\"}").path("id").asText();
    run("gdpr.erase", asOf);

    assertThat(requestNow(erasure).path("status").asText()).isEqualTo("COMPLETED");
    assertThat(segmentFiles()).isEqualTo(before);
    List<JsonNode> after = export();
    assertThat(after).filteredOn(e -> e.path("category").asText().equals("user")).hasSize(6)
        .allSatisfy(e -> {
          boolean erased = e.path("actor").path("id").asText().equals("u-0");
          assertThat(e.path("actor").has("email")).as(e.toString()).isEqualTo(!erased);
        });
    run("archive.verify", asOf);

    JsonNode done = requestNow(access);
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
    TestHttp.Response file = http.get("/v1/gdpr/requests/" + access + "/files/events.jsonl",
        "Authorization", "Bearer " + server.demo().companyKey());
    assertThat(file.status()).as(file.text()).isEqualTo(200);
    List<String> lines = file.text().lines().toList();
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).contains("person1@example.com"));
    assertThat(file.text()).doesNotContain("person0@example.com");
  }

  private String approve(String request) {
    TestHttp.Response approved = http.post("/dashboard/admin/gdpr-requests/" + request
        + "/approve", "", "x-dashboard-token", server.dashboardToken(), "x-user-id", "dpo-1",
        "x-user-email", "dpo@staff.example", "x-user-role", "GDPR_APPROVER", "x-company-id",
        server.demo().companyId().toString(), "Content-Type", "application/json");
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    return approved.json().path("status").asText();
  }

  /**
   * Events that went cold and were restored (the access request of another subject files the
   * restores), then erased: the erasure reaches the restored segments through their keys, the
   * cold originals are untouched and the chain verifies.
   */
  @Test
  void coldThenRestoredEvents_erasedOverHttp_readAsErasedAndStillVerify() throws Exception {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    run("retention.mark", asOf);
    run("archive.run", asOf);
    Map<Path, String> before = segmentFiles();
    Instant cold = T0.plus(Duration.ofDays(273));
    clock.set(cold);
    TestHttp.Response marked = http.post("/ops/jobs/archive.cold_mark/run",
        "{\"asOf\":\"" + cold + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(marked.status()).as(marked.text()).isEqualTo(201);
    assertThat(marked.json().path("result").path("segments_marked_cold").asInt())
        .as(marked.text()).isPositive();

    // The access request of person1 waits for the restore, then completes.
    String access = request("{\"type\":\"ACCESS\",\"subject\":{\"actorEmail\":"
        + "\"person1@example.com\"},\"reason\":\"Art. 15\"}").path("id").asText();
    run("gdpr.erase", cold);
    assertThat(requestNow(access).path("status").asText()).isEqualTo("RUNNING");
    run("restore.initiate", cold);
    clock.advance(Duration.ofMinutes(6)); // the local store's BULK restore takes 5 minutes
    Instant restored = clock.instant();
    run("restore.check", restored);
    run("gdpr.erase", restored);
    assertThat(requestNow(access).path("status").asText()).isEqualTo("COMPLETED");
    assertThat(export()).filteredOn(e -> e.path("category").asText().equals("user"))
        .hasSize(6).allSatisfy(e -> assertThat(e.path("actor").has("email")).isTrue());

    // Now person0 is erased while its events are read from the restored copies.
    String erasure = request("{\"type\":\"ERASURE\",\"subject\":{\"actorEmail\":"
        + "\"person0@example.com\"},\"reason\":\"ticket 78\"}").path("id").asText();
    assertThat(approve(erasure)).isEqualTo("APPROVED");
    run("gdpr.erase", restored);
    JsonNode done = requestNow(erasure);
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
    List<JsonNode> after = export();
    assertThat(after).filteredOn(e -> e.path("category").asText().equals("user")).hasSize(6)
        .allSatisfy(e -> {
          boolean erased = e.path("actor").path("id").asText().equals("u-0");
          assertThat(e.path("actor").has("email")).as(e.toString()).isEqualTo(!erased);
        });
    assertThat(after.toString()).doesNotContain("person0@example.com");
    Map<Path, String> now = segmentFiles();
    for (Map.Entry<Path, String> segment : before.entrySet()) {
      // The cold originals are byte for byte what archival wrote (restored copies may be added).
      if (now.containsKey(segment.getKey())) {
        assertThat(now.get(segment.getKey())).isEqualTo(segment.getValue());
      }
    }
  }
}
