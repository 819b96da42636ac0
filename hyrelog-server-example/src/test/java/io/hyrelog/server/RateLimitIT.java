package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rate limits per key (on every route that takes a key), per IP and for key management, on a
 * virtual clock; trusted proxies decide which client address is limited and checked against
 * allowlists.
 */
class RateLimitIT {

  @Test
  void perKeyLimit_exceeded_429WithRetryAfter_thenRefills() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (TestServer s = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "5",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "1000"), clock)) {
      String[] auth = {"Authorization", "Bearer " + s.demo().workspaceKey()};
      for (int i = 0; i < 5; i++) {
        TestHttp.Response r = s.http().get("/v1/keys/status", auth);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
      }
      TestHttp.Response limited = s.http().get("/v1/keys/status", auth);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.json().path("code").asText()).isEqualTo("RATE_LIMITED");
      assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
      assertThat(limited.header("X-RateLimit-Limit")).isEqualTo("5");
      assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
      assertThat(Instant.parse(limited.header("X-RateLimit-Reset")))
          .isAfter(clock.instant()).isBeforeOrEqualTo(clock.instant().plusSeconds(60));
      // Failed requests carry the headers too.
      TestHttp.Response unauthorized = s.http().get("/v1/keys/status");
      assertThat(unauthorized.status()).isEqualTo(401);
      assertThat(unauthorized.header("X-RateLimit-Limit")).isEqualTo("1000");
      // Another key is not affected.
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer "
          + s.demo().companyKey()).status()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(1));
      assertThat(s.http().get("/v1/keys/status", auth).status()).isEqualTo(200);
    }
  }

  /**
   * Every route the OpenAPI document says takes an API key (every family: events, chains,
   * proofs, tiles, keys, exports, evidence, webhooks, and any added later) answers 429 once the
   * key's bucket is empty, before it does any work.
   */
  @Test
  void everyKeyRoute_bucketEmpty_429() throws Exception {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "1",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"), Clock.systemUTC())) {
      String[] auth = {"Authorization", "Bearer " + s.demo().companyKey(), "Content-Type",
          "application/json"};
      assertThat(s.http().get("/v1/keys/status", auth).status()).isEqualTo(200);
      JsonNode doc;
      try (var in = RateLimitIT.class.getResourceAsStream("/openapi.json")) {
        doc = new ObjectMapper().readTree(in);
      }
      int checked = 0;
      for (var paths = doc.path("paths").fields(); paths.hasNext(); ) {
        var path = paths.next();
        for (var ops = path.getValue().fields(); ops.hasNext(); ) {
          var op = ops.next();
          if (op.getValue().has("security")) {
            continue; // its own security: none, the internal token or the dashboard's
          }
          String url = path.getKey()
              .replace("{workspaceId}", s.demo().workspaceId().toString())
              .replace("{path}", "0/000")
              .replaceAll("\\{[A-Za-z_]+}", UUID.randomUUID().toString());
          TestHttp.Response r = op.getKey().equals("get") ? s.http().get(url, auth)
              : s.http().post(url, "{}", auth);
          assertThat(r.status()).as(op.getKey() + " " + url + ": " + r.text()).isEqualTo(429);
          assertThat(r.json().path("code").asText()).isEqualTo("RATE_LIMITED");
          checked++;
        }
      }
      assertThat(checked).as("routes checked").isGreaterThan(25);
    }
  }

  @Test
  void perIpLimit_appliesToUnauthenticatedRoutes() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (TestServer s = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "3"), clock)) {
      for (int i = 0; i < 3; i++) {
        assertThat(s.http().get("/").status()).isEqualTo(200);
      }
      TestHttp.Response limited = s.http().get("/");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
      clock.advance(Duration.ofSeconds(61));
      assertThat(s.http().get("/").status()).isEqualTo(200);
    }
  }

  @Test
  void keyManagement_limitedToConfiguredRate() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (TestServer s = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN",
        "2"), clock)) {
      String[] auth = {"Authorization", "Bearer " + s.demo().companyKey()};
      String path = "/v1/workspaces/" + s.demo().workspaceId() + "/keys";
      assertThat(s.http().post(path, null, auth).status()).isEqualTo(201);
      assertThat(s.http().post(path, null, auth).status()).isEqualTo(201);
      TestHttp.Response third = s.http().post(path, null, auth);
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.header("Retry-After")).isNotNull();
      long keys = s.http().get("/v1/keys/status", auth).json().path("keys").size();
      assertThat(keys).isEqualTo(4); // the demo's two keys and the two created
    }
  }

  @Test
  void forwardedFor_onlyFromTrustedProxy_decidesClientAddress() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (TestServer trusted = TestServer.start(Map.of("HYRELOG_TRUSTED_PROXIES",
        "127.0.0.1/32"), clock)) {
      TestHttp.Response viaProxy = trusted.http().post("/v1/events",
          "{\"category\":\"p\",\"action\":\"x\"}", "Authorization", "Bearer "
              + trusted.demo().workspaceKey(), "Content-Type", "application/json",
          "X-Forwarded-For", "203.0.113.9");
      assertThat(viaProxy.json().path("context").path("ip").asText()).isEqualTo("203.0.113.9");
      // The company key is allowed from 127.0.0.1 and ::1 only.
      TestHttp.Response outside = trusted.http().get("/v1/keys/status", "Authorization",
          "Bearer " + trusted.demo().companyKey(), "X-Forwarded-For", "203.0.113.9");
      assertThat(outside.status()).isEqualTo(403);
      assertThat(outside.json().path("code").asText()).isEqualTo("FORBIDDEN");
    }
    try (TestServer untrusted = TestServer.start(Map.of(), clock)) {
      TestHttp.Response direct = untrusted.http().post("/v1/events",
          "{\"category\":\"p\",\"action\":\"x\"}", "Authorization", "Bearer "
              + untrusted.demo().workspaceKey(), "Content-Type", "application/json",
          "X-Forwarded-For", "203.0.113.9");
      assertThat(direct.json().path("context").path("ip").asText()).isEqualTo("127.0.0.1");
    }
  }
}
