package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * An evidence bundle on a real server and database reads only its period's events: the
 * checkpoint roots come from the stored tiles, so the bundle of the last day is written even
 * when the archived earlier days cannot be read.
 */
class EvidenceFromTilesIT {
  private static final Instant T0 = SigningIT.T0;

  private static TestHttp.Response post(TestServer s, String path, String body) {
    return s.http().post(path, body, "Authorization", "Bearer " + s.demo().companyKey(),
        "Content-Type", "application/json");
  }

  @Test
  void export_earlierDaysArchivedAndUnreadable_bundleOfTheLastDayFromTheTiles()
      throws IOException {
    MutableClock clock = new MutableClock(T0);
    try (TestServer s = TestServer.start(Map.of(), clock)) {
      SigningIT.ingestThreeDays(s, clock);
      SigningIT.archiveAllButTheLastDay(s, clock);
      SigningIT.deleteArchiveObjects(s); // reading seqs 1..40 now fails

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
