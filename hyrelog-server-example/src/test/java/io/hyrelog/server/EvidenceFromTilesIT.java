package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * An evidence bundle on a real server and database reads only its period's events: the
 * checkpoint roots come from the stored tiles, so the bundle of the last day is written even
 * when the archived earlier days cannot be read.
 */
class EvidenceFromTilesIT {
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private static void ingest(TestServer s, int n, String tag) {
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"id\":\"u-").append(tag).append('-').append(i).append("\"}}");
    }
    TestHttp.Response r = s.http().post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + s.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  private static TestHttp.Response post(TestServer s, String path, String body) {
    return s.http().post(path, body, "Authorization", "Bearer " + s.demo().companyKey(),
        "Content-Type", "application/json");
  }

  @Test
  void export_earlierDaysArchivedAndUnreadable_bundleOfTheLastDayFromTheTiles()
      throws IOException {
    MutableClock clock = new MutableClock(T0);
    try (TestServer s = TestServer.start(Map.of(), clock)) {
      for (int day = 0; day < 3; day++) {
        ingest(s, 20, "d" + day);
        clock.advance(Duration.ofDays(1));
      }
      Instant asOf = T0.plus(Duration.ofDays(92));
      clock.set(asOf);
      for (String job : List.of("retention.mark", "archive.run")) {
        TestHttp.Response r = s.http().post("/ops/jobs/" + job + "/run",
            "{\"asOf\":\"" + asOf + "\"}", "x-internal-token", s.internalToken(),
            "Content-Type", "application/json");
        assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
      }
      Path archive = s.dataDir().resolve("archive");
      List<Path> objects;
      try (Stream<Path> files = Files.walk(archive)) {
        objects = files.filter(Files::isRegularFile).toList();
      }
      assertThat(objects).as("the purged days' segments").isNotEmpty();
      for (Path o : objects) {
        Files.delete(o); // reading seqs 1..40 now fails
      }

      TestHttp.Response r = post(s, "/compliance/evidence/export", "{\"from\":\""
          + T0.plus(Duration.ofDays(2)) + "\",\"to\":\"" + T0.plus(Duration.ofDays(3))
          + "\",\"options\":{\"vault\":false,\"envelope\":false,\"external_worm\":false,"
          + "\"external_kms\":false}}");

      assertThat(r.status()).as(r.text()).isEqualTo(201);
      JsonNode e = r.json();
      assertThat(e.path("event_count").asLong()).isEqualTo(20);
      String ws = s.demo().workspaceId().toString();
      String note;
      try (ZipFile z = new ZipFile(s.dataDir().resolve("evidence")
          .resolve(s.demo().companyId().toString()).resolve(e.path("package_path").asText())
          .toFile())) {
        note = new String(z.getInputStream(z.getEntry("checkpoints/" + ws + ".note"))
            .readAllBytes(), StandardCharsets.UTF_8);
      }
      ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.parse(SignedNote.parse(note).text()));
      assertThat(cp.size()).isEqualTo(60);
      // The bundle's checkpoint is the chain's published one (same tree, same head).
      TestHttp.Response published = s.http().get("/v1/chains/" + ws + "/checkpoint",
          "Authorization", "Bearer " + s.demo().companyKey());
      assertThat(published.status()).as(published.text()).isEqualTo(200);
      assertThat(SignedNote.parse(published.text()).text())
          .isEqualTo(SignedNote.parse(note).text());
      TestHttp.Response v = post(s, "/compliance/evidence/verify", "{\"package_path\":\""
          + e.path("bundle_id").asText() + "\"}");
      assertThat(v.status()).as(v.text()).isEqualTo(200);
      assertThat(v.json().path("valid").asBoolean()).as(v.text()).isTrue();
    }
  }
}
