package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention and archival through the real server: events ingested over HTTP on a virtual clock,
 * the jobs run on demand through the ops routes with an {@code asOf} past the demo company's
 * 90-day hot window, then the chain still verifies and exports from seq 1 across the
 * hot/archive boundary; tampering with an archived object is found by {@code archive.verify}
 * and by the chain's verify route.
 */
class LifecycleIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final int PER_DAY = 30;
  private final MutableClock clock = new MutableClock(T0);
  private TestServer server;
  private TestHttp http;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(Map.of(), clock);
    http = server.http();
    for (int day = 0; day < 3; day++) {
      StringBuilder batch = new StringBuilder("{\"events\":[");
      for (int i = 0; i < PER_DAY; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
            + "\"actor\":{\"id\":\"u-").append(day).append('-').append(i).append("\"}}");
      }
      TestHttp.Response r = http.post("/v1/events/batch", batch.append("]}").toString(),
          "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      r.json().path("data").forEach(e -> ids.add(e.path("id").asText()));
      clock.advance(Duration.ofDays(1));
    }
    assertThat(ids).hasSize(3 * PER_DAY);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode run(String job, Instant asOf) {
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run",
        "{\"asOf\":\"" + asOf + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private String chainPath() {
    return "/v1/chains/" + server.demo().workspaceId();
  }

  private String[] auth() {
    return new String[] {"Authorization", "Bearer " + server.demo().workspaceKey()};
  }

  @Test
  void markArchivePurge_chainStillVerifiesAndExportsFromSeqOne() {
    // The 93rd day after T0: days 1 and 2 are past GROWTH's 90 hot days, day 3 is not.
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    assertThat(run("retention.mark", asOf).path("events_marked").asLong())
        .isEqualTo(2 * PER_DAY);
    JsonNode archived = run("archive.run", asOf);
    assertThat(archived.path("segments_written").asInt()).isEqualTo(2);
    assertThat(archived.path("segments_verified").asInt()).isEqualTo(2);
    assertThat(archived.path("rows_purged").asLong()).isEqualTo(2 * PER_DAY);
    assertThat(archived.path("errors")).isEmpty();

    JsonNode verify = http.get(chainPath() + "/verify", auth()).json();
    assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();
    assertThat(verify.path("events").asLong()).isEqualTo(3 * PER_DAY);
    assertThat(verify.path("chains").get(0).path("firstSeq").asLong()).isEqualTo(1);

    TestHttp.Response export = http.get(chainPath() + "/events.jsonl", auth());
    assertThat(export.status()).isEqualTo(200);
    ChainVerifier v = ChainVerifier.builder().requireCompleteChains().build();
    List<String> exported = new ArrayList<>();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(export.body()))) {
      for (JsonlEventReader.Line line : r) {
        assertThat(v.accept(line.tree(), line.number())).isTrue();
        exported.add(line.tree().path("id").asText());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    VerificationReport report = v.finish();
    assertThat(report.ok()).isTrue();
    assertThat(exported).containsExactlyElementsOf(ids);
    // The query API serves the hot store: only the last day is left there.
    JsonNode page = http.get("/v1/events?limit=200", auth()).json();
    assertThat(page.path("data").size()).isEqualTo(PER_DAY);

    // Running everything again changes nothing.
    assertThat(run("retention.mark", asOf).path("events_marked").asLong()).isZero();
    assertThat(run("archive.run", asOf).path("segments_written").asInt()).isZero();
    assertThat(run("archive.verify", asOf).path("segments_verified").asInt()).isEqualTo(2);
    assertThat(run("chains.verify", asOf).path("valid").asBoolean()).isTrue();
  }

  private List<String> exportIds(String body) {
    String[] company = {"Authorization", "Bearer " + server.demo().companyKey(),
        "Content-Type", "application/json"};
    TestHttp.Response created = http.post("/v1/exports", body, company);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    TestHttp.Response r = http.get("/v1/exports/" + created.json().path("jobId").asText()
        + "/download", "Authorization", "Bearer " + server.demo().companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    ChainVerifier v = ChainVerifier.create();
    List<String> out = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line : reader) {
        assertThat(v.accept(line.tree(), line.number())).as(line.number() + "").isTrue();
        out.add(line.tree().path("id").asText());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(v.finish().ok()).isTrue();
    return out;
  }

  @Test
  void exports_hotAndArchived_returnEveryEventOnce_thenColdSegmentsNeedARestore() {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    run("retention.mark", asOf);
    run("archive.run", asOf);
    // Archived first (seq 1..60), then hot: the whole chain, in order, verifying end to end.
    assertThat(exportIds("{\"source\":\"HOT_AND_ARCHIVED\"}")).containsExactlyElementsOf(ids);
    assertThat(exportIds("{\"source\":\"ARCHIVED\"}"))
        .containsExactlyElementsOf(ids.subList(0, 2 * PER_DAY));
    assertThat(exportIds("{\"source\":\"HOT\"}"))
        .containsExactlyElementsOf(ids.subList(2 * PER_DAY, 3 * PER_DAY));

    // GROWTH moves segments to the cold tier after 180 days.
    Instant later = asOf.plus(Duration.ofDays(181));
    clock.set(later);
    assertThat(run("archive.cold_mark", later).path("segments_marked_cold").asInt()).isEqualTo(2);
    TestHttp.Response refused = http.post("/v1/exports", "{\"source\":\"HOT_AND_ARCHIVED\"}",
        "Authorization", "Bearer " + server.demo().companyKey(), "Content-Type",
        "application/json");
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.json().path("code").asText()).isEqualTo("RESTORE_REQUIRED");
    assertThat(refused.json().path("archiveIds")).hasSize(2);
    TestHttp.Response chain = http.get(chainPath() + "/events.jsonl", auth());
    assertThat(chain.status()).as(chain.text()).isEqualTo(409);
    assertThat(chain.json().path("archiveIds")).hasSize(2);
    // The hot part needs no restore.
    assertThat(http.get(chainPath() + "/events.jsonl?fromSeq=" + (2 * PER_DAY + 1), auth())
        .status()).isEqualTo(200);
  }

  @Test
  void tamperedSegment_isFoundByTheAuditAndTheChainVerifyRoute() throws Exception {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    run("retention.mark", asOf);
    run("archive.run", asOf);
    Path root = server.dataDir().resolve("archive");
    Path segment;
    try (Stream<Path> files = Files.walk(root)) {
      segment = files.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")
          && !p.getFileName().toString().contains("~")).sorted().findFirst().orElseThrow();
    }
    segment.toFile().setWritable(true);
    Files.delete(segment);

    JsonNode audit = run("archive.verify", asOf);
    assertThat(audit.path("segments_failed").asInt()).isEqualTo(1);
    assertThat(audit.path("errors").get(0).asText()).contains("OBJECT_MISSING");
    JsonNode verify = http.get(chainPath() + "/verify", auth()).json();
    assertThat(verify.path("valid").asBoolean()).isFalse();
    assertThat(verify.path("failure").path("reason").asText()).isEqualTo("ARCHIVE_MISMATCH");
    // The daily chain check reads the hot part against the recorded boundary: still valid.
    assertThat(run("chains.verify", asOf).path("valid").asBoolean()).isTrue();
  }
}
