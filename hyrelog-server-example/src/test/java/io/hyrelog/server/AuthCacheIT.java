package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The resolved-key cache: a key rotation through the API forgets the rotated key only, so the
 * other tenants' and keys' entries (and what they cost to resolve again) stay.
 */
class AuthCacheIT {

  @Test
  void rotate_forgetsOnlyTheRotatedKey() throws Exception {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_AUTH_CACHE_SECONDS", "3600"),
        Clock.systemUTC())) {
      String path = "/v1/workspaces/" + s.demo().workspaceId() + "/keys";
      String[] co = {"Authorization", "Bearer " + s.demo().companyKey()};
      TestHttp.Response a = s.http().post(path, null, co);
      TestHttp.Response b = s.http().post(path, null, co);
      String keyA = a.json().path("key").asText();
      String keyB = b.json().path("key").asText();
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer " + keyA).status())
          .isEqualTo(200); // A is resolved and cached
      // An operator revokes A in the database, behind this server's back: the cache keeps
      // serving A until its entry is refreshed (HYRELOG_AUTH_CACHE_SECONDS).
      try (Connection c = DriverManager.getConnection(s.ownerJdbcUrl());
          PreparedStatement ps = c.prepareStatement(
              "UPDATE hyrelog.api_keys SET revoked_at = now() WHERE id = ?")) {
        ps.setObject(1, UUID.fromString(a.json().path("id").asText()));
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer " + keyA).status())
          .isEqualTo(200);

      TestHttp.Response rotated = s.http().post("/v1/keys/" + b.json().path("id").asText()
          + "/rotate", null, co);
      assertThat(rotated.status()).isEqualTo(201);

      // Rotating B forgot B only: A is still served from the cache (emptying the whole cache
      // made every key of every tenant be read again, and A would be refused here).
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer " + keyA).status())
          .as("another key after a rotation").isEqualTo(200);
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer " + keyB).status())
          .as("the rotated key").isEqualTo(401);
      assertThat(s.http().get("/v1/keys/status", "Authorization", "Bearer "
          + rotated.json().path("key").asText()).status()).isEqualTo(200);
    }
  }
}
