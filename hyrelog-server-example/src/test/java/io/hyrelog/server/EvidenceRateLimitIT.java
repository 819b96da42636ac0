package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /compliance/evidence/*} has its own per-key rate limit ({@code
 * HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN}), on every route of the family, refused before the
 * request is read: 429 {@code RATE_LIMITED} with {@code Retry-After}, the bucket refilling on the
 * server's clock.
 */
class EvidenceRateLimitIT {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
  private TestServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", "2"), clock);
    http = server.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestHttp.Response verify(String body) {
    return http.post("/compliance/evidence/verify", body, "Authorization",
        "Bearer " + server.demo().companyKey(), "Content-Type", "application/json");
  }

  @Test
  void evidenceRoutes_overThePerKeyLimit_429UntilTheBucketRefills() {
    // Bad requests count too: the limit is checked before the body.
    assertThat(verify("{\"package_path\":\"../etc/passwd\"}").status()).isEqualTo(400);
    TestHttp.Response second = verify("{}");
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.header("x-ratelimit-remaining")).isEqualTo("0");
    TestHttp.Response limited = http.post("/compliance/evidence/countersign", "{}",
        "Authorization", "Bearer " + server.demo().companyKey(), "Content-Type",
        "application/json");
    TestHttp.problem(limited, 429, "RATE_LIMITED", null);
    assertThat(limited.header("retry-after")).isNotBlank();
    assertThat(limited.json().path("detail").asText())
        .contains("compliance evidence requests by this key");
    // The /v1 routes keep their own bucket.
    assertThat(http.get("/v1/events?limit=1", "Authorization", "Bearer " + server.demo().companyKey())
        .status()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(1));
    assertThat(verify("{}").status()).isEqualTo(400);
  }
}
