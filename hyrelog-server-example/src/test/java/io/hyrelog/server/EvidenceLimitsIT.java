package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code /compliance/evidence/*} has the per-key rate limit of {@code /v1}, a lower one of its
 * own for exports, and a per-company disk quota; refusals are problems that change nothing.
 */
class EvidenceLimitsIT {
  private final MutableClock clock = new MutableClock(Instant.now()
      .truncatedTo(ChronoUnit.SECONDS));

  @Test
  void evidenceRoutes_perKeyRateLimit_asOnV1() {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "3"),
        clock)) {
      String[] auth = {"Authorization", "Bearer " + s.demo().companyKey(), "Content-Type",
          "application/json"};
      for (int i = 0; i < 3; i++) {
        TestHttp.Response r = s.http().post("/compliance/evidence/verify",
            "{\"package_path\":\"nope\"}", auth);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
      }
      TestHttp.Response limited = s.http().post("/compliance/evidence/verify",
          "{\"package_path\":\"nope\"}", auth);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.json().path("code").asText()).isEqualTo("RATE_LIMITED");
      assertThat(limited.header("Retry-After")).isNotNull();
    }
  }

  @Test
  void export_overItsOwnRate_429_overTheQuota_507_andNothingWritten() throws IOException {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_EVIDENCE_QUOTA_MB", "1"), clock)) {
      String[] ws = {"Authorization", "Bearer " + s.demo().workspaceKey(), "Content-Type",
          "application/json"};
      assertThat(s.http().post("/v1/events", "{\"category\":\"a\",\"action\":\"b\"}", ws)
          .status()).isEqualTo(201);
      String body = "{\"from\":\"" + clock.instant().minusSeconds(3600) + "\",\"to\":\""
          + clock.instant().plusSeconds(3600) + "\"}";
      String[] co = {"Authorization", "Bearer " + s.demo().companyKey(), "Content-Type",
          "application/json"};
      Path companyDir = s.dataDir().resolve("evidence").resolve(s.demo().companyId()
          .toString());
      // Two exports a minute per key by default; the third waits for the next minute.
      assertThat(s.http().post("/compliance/evidence/export", body, co).status())
          .isEqualTo(201);
      assertThat(s.http().post("/compliance/evidence/export", body, co).status())
          .isEqualTo(201);
      TestHttp.Response third = s.http().post("/compliance/evidence/export", body, co);
      assertThat(third.status()).as(third.text()).isEqualTo(429);
      assertThat(third.json().path("detail").asText()).contains("evidence exports");
      assertThat(third.header("X-RateLimit-Limit")).isEqualTo("2");
      assertThat(bundles(companyDir)).isEqualTo(2);

      // Over the quota (1 MiB of this company's bundles): 507, and no bundle is written.
      Files.write(companyDir.resolve("old-bundles.bin"), new byte[1024 * 1024]);
      clock.advance(Duration.ofMinutes(1));
      TestHttp.Response full = s.http().post("/compliance/evidence/export", body, co);
      assertThat(full.status()).as(full.text()).isEqualTo(507);
      assertThat(full.json().path("code").asText()).isEqualTo("EVIDENCE_QUOTA_EXCEEDED");
      assertThat(full.json().path("detail").asText()).contains("HYRELOG_EVIDENCE_QUOTA_MB");
      assertThat(bundles(companyDir)).isEqualTo(2);
    }
  }

  private static long bundles(Path companyDir) throws IOException {
    try (Stream<Path> dirs = Files.list(companyDir)) {
      return dirs.filter(Files::isDirectory).count();
    }
  }
}
