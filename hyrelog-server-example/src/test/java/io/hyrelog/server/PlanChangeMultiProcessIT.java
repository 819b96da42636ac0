package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server processes from the real jar on one PostgreSQL, each caching resolved keys for an
 * hour ({@code HYRELOG_AUTH_CACHE_SECONDS=3600}): a plan assigned through one process's
 * dashboard applies to the very next request on the other, both ways. The demo tenant comes
 * from the {@code seed} command with {@code SEED_PLAN_TIER=STARTER}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
class PlanChangeMultiProcessIT {
  private static final String TOKEN = ServerProcess.randomSecret();
  private static ServerPair servers;
  private static DemoCredentials demo;
  private static String seedOutput;
  private static ServerProcess serverA;
  private static ServerProcess serverB;

  @BeforeAll
  static void startDatabaseSeedAndTwoServers() throws IOException {
    servers = ServerPair.start("hyrelog-plans", Map.of("HYRELOG_DASHBOARD_TOKEN", TOKEN,
        "SEED_PLAN_TIER", "STARTER", "HYRELOG_AUTH_CACHE_SECONDS", "3600"));
    demo = servers.demo;
    seedOutput = servers.seedOutput;
    serverA = servers.a;
    serverB = servers.b;
  }

  @AfterAll
  static void stopAll() {
    if (servers != null) {
      servers.close();
    }
  }

  private static String[] admin() {
    return new String[] {"x-dashboard-token", TOKEN, "x-user-id", "admin-7", "x-user-email",
        "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN", "Content-Type",
        "application/json"};
  }

  private static TestHttp.Response event(ServerProcess s, String category) {
    return s.http().post("/v1/events", "{\"category\":\"" + category + "\",\"action\":\"a\"}",
        "Authorization", "Bearer " + demo.workspaceKey(), "Content-Type", "application/json");
  }

  private static void assign(ServerProcess s, String tier) {
    TestHttp.Response r = s.http().post("/dashboard/admin/companies/" + demo.companyId()
        + "/plan", "{\"plan\":\"" + tier + "\"}", admin());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("plan").asText()).isEqualTo(tier);
  }

  private static String keyPlan(ServerProcess s) {
    TestHttp.Response r = s.http().get("/v1/keys/status", "Authorization", "Bearer "
        + demo.companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode n = r.json();
    return n.path("plan").asText();
  }

  @Test
  void assignPlan_throughEitherProcess_nextRequestOnTheOtherUsesIt() {
    assertThat(seedOutput).contains("STARTER plan");
    // Both processes resolve (and cache for an hour) the keys on STARTER.
    assertThat(event(serverA, "deploy").status()).isEqualTo(201);
    assertThat(event(serverB, "deploy").status()).isEqualTo(201);
    assertThat(keyPlan(serverA)).isEqualTo("STARTER");
    assertThat(keyPlan(serverB)).isEqualTo("STARTER");

    assign(serverA, "FREE");
    TestHttp.Response refused = event(serverB, "deploy");
    TestHttp.problem(refused, 403, "CUSTOM_CATEGORY_RESTRICTED", "/category");
    assertThat(event(serverB, "user").status()).isEqualTo(201);
    assertThat(keyPlan(serverB)).isEqualTo("FREE");

    assign(serverB, "ENTERPRISE");
    assertThat(event(serverA, "deploy").status()).isEqualTo(201);
    assertThat(keyPlan(serverA)).isEqualTo("ENTERPRISE");
  }
}
