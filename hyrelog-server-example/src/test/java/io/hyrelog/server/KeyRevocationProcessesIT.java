package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.DataRegion;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.storage.postgres.PostgresTenants;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two server processes from the real jar on one PostgreSQL ({@code HYRELOG_AUTH_CACHE_SECONDS}
 * = {@value #CACHE_SECONDS}): a key revoked through one process — by the public API or the
 * dashboard — is refused at once by that process and within the cache time by the other, which
 * had it cached; and key changes raced through both processes land in one gap-free system chain
 * that verifies offline.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyRevocationProcessesIT {
  private static final int CACHE_SECONDS = 4;
  /** Scheduling noise on a busy machine, on top of the cache time. */
  private static final Duration SLACK = Duration.ofSeconds(6);

  private static ServerPair servers;
  private static DemoCredentials demo;
  private static String dashboardToken;
  private static ServerProcess serverA;
  private static ServerProcess serverB;

  @BeforeAll
  static void startDatabaseSeedAndTwoServers() throws IOException {
    dashboardToken = ServerProcess.randomSecret();
    servers = ServerPair.start("hyrelog-revocation", Map.of(
        "HYRELOG_DASHBOARD_TOKEN", dashboardToken,
        "HYRELOG_AUTH_CACHE_SECONDS", Integer.toString(CACHE_SECONDS),
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "10000"));
    demo = servers.demo;
    serverA = servers.a;
    serverB = servers.b;
  }

  @AfterAll
  static void stopAll() {
    if (servers != null) {
      servers.close();
    }
  }

  private static String[] company() {
    return new String[] {"Authorization", "Bearer " + demo.companyKey()};
  }

  private static String[] admin() {
    return new String[] {"x-dashboard-token", dashboardToken, "x-user-id", "admin-7",
        "x-user-email", "ops@hyrelog.example", "x-user-role", "HYRELOG_ADMIN"};
  }

  private static JsonNode expect(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  private static JsonNode newKey(TestHttp http) {
    return expect(http.post("/v1/workspaces/" + demo.workspaceId() + "/keys", null,
        company()), 201);
  }

  private static int status(TestHttp http, String key) {
    return http.get("/v1/keys/status", "Authorization", "Bearer " + key).status();
  }

  /**
   * Asks {@code http} until it refuses {@code key}, failing past the cache time and slack;
   * returns how long that took from {@code since}.
   */
  private static Duration awaitRefused(TestHttp http, String key, long since)
      throws InterruptedException {
    long deadline = since + Duration.ofSeconds(CACHE_SECONDS).plus(SLACK).toNanos();
    while (true) {
      int s = status(http, key);
      if (s == 401) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      assertThat(s).as("before the refusal").isEqualTo(200);
      assertThat(System.nanoTime()).as("refused within the cache time").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  @Order(1)
  void revoke_throughOneProcess_otherProcessRefusesWithinTheCacheTime() throws Exception {
    TestHttp a = serverA.http();
    TestHttp b = serverB.http();
    JsonNode k = newKey(a);
    String key = k.path("key").asText();
    assertThat(status(a, key)).isEqualTo(200);
    assertThat(status(b, key)).as("resolved and cached by B").isEqualTo(200);

    long revokedAt = System.nanoTime();
    JsonNode revoked = expect(a.post("/v1/keys/" + k.path("id").asText() + "/revoke", null,
        company()), 200);
    assertThat(revoked.path("status").asText()).isEqualTo("REVOKED");
    assertThat(status(a, key)).as("the revoking process, at once").isEqualTo(401);
    Duration took = awaitRefused(b, key, revokedAt);
    System.out.println("the other process refused the revoked key after " + took.toMillis()
        + " ms (HYRELOG_AUTH_CACHE_SECONDS=" + CACHE_SECONDS + ")");

    // The other way round, through the dashboard's revocation route on B.
    JsonNode k2 = newKey(a);
    String key2 = k2.path("key").asText();
    assertThat(status(a, key2)).isEqualTo(200);
    long revoked2 = System.nanoTime();
    expect(b.post("/dashboard/admin/keys/" + k2.path("id").asText() + "/revoke", null,
        admin()), 200);
    assertThat(status(b, key2)).isEqualTo(401);
    awaitRefused(a, key2, revoked2);
    assertThat(status(a, demo.workspaceKey())).as("other keys are unaffected").isEqualTo(200);
  }

  private static PGSimpleDataSource owner() {
    PGSimpleDataSource owner = new PGSimpleDataSource();
    owner.setURL(servers.db.ownerUrl());
    return owner;
  }

  /** A new GROWTH company with keys the servers accept, written as the owner. */
  private static DemoCredentials newCompany(PGSimpleDataSource owner) {
    return DemoSeed.create(PostgresTenants.create(owner), DataRegion.US,
        io.hyrelog.PlanTier.GROWTH, new KeyHasher(servers.apiKeySecret), Clock.systemUTC(),
        "http://localhost");
  }

  @Test
  @Order(2)
  void keyChanges_racedThroughBothProcesses_oneGapFreeSystemChainThatVerifies()
      throws Exception {
    // A new company: its system workspace does not exist yet, so the first changes also race
    // to create it.
    PGSimpleDataSource owner = owner();
    DemoCredentials t = newCompany(owner);
    String[] auth = {"Authorization", "Bearer " + t.companyKey()};
    TestHttp[] servers = {serverA.http(), serverB.http()};
    int clients = 8;
    int rounds = 4;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < rounds; i++) {
            JsonNode k = expect(servers[(client + i) % 2].post("/v1/workspaces/"
                + t.workspaceId() + "/keys", null, auth), 201);
            expect(servers[(client + i + 1) % 2].post("/v1/keys/" + k.path("id").asText()
                + "/revoke", null, auth), 200);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    UUID chain = Workspace.systemId(t.companyId());
    long head = ChainExport.headSeq(servers[1], chain, t.companyKey());
    assertThat(head).as("one event per change").isEqualTo(2L * clients * rounds);
    ChainExport export = ChainExport.download(servers[0], chain, t.companyKey());
    assertThat(export.report().ok()).as("offline: %s", export.report()).isTrue();
    assertThat(export.seqs()).containsExactlyElementsOf(
        LongStream.rangeClosed(1, head).boxed().toList());
    for (TestHttp http : servers) {
      JsonNode v = ChainExport.serverVerify(http, chain, t.companyKey()).json();
      assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
    }
    // Commit order: each key's creation precedes its revocation in the chain, whichever
    // process made and appended each; every record was appended and removed from the outbox.
    Map<String, Long> created = new HashMap<>();
    for (JsonNode e : ChainExport.events(servers[0], chain, t.companyKey())) {
      String key = e.path("resource").path("id").asText();
      if (e.path("action").asText().equals("key.create")) {
        assertThat(created.put(key, e.path("seq").asLong())).as("created once").isNull();
      } else {
        assertThat(created.get(key)).as("created before its revocation").isNotNull()
            .isLessThan(e.path("seq").asLong());
      }
    }
    assertThat(created).hasSize(clients * rounds);
    try (java.sql.Connection c = owner.getConnection();
        java.sql.ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*) FROM hyrelog.change_log")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  /**
   * Records left in the change log (as by processes that died after their commits) are drained
   * by the drain job of both processes at once: every record is appended exactly once, in
   * commit order.
   */
  @Test
  @Order(3)
  void leftRecords_drainJobOfBothProcessesAtOnce_eachAppendedOnceInCommitOrder()
      throws Exception {
    PGSimpleDataSource owner = owner();
    DemoCredentials t = newCompany(owner);
    int records = 60;
    try (java.sql.Connection c = owner.getConnection();
        java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO hyrelog.change_log"
            + " (id, company_id, at, action, actor_id, actor_role, target, details)"
            + " VALUES (?, ?, now(), 'key.revoke', 'api_key:left', 'COMPANY_KEY', ?, ?)")) {
      for (int i = 0; i < records; i++) {
        ps.setObject(1, UUID.randomUUID());
        ps.setObject(2, t.companyId());
        ps.setString(3, "api_key:" + new UUID(0, i));
        ps.setString(4, "{\"n\":" + i + "}");
        ps.executeUpdate();
      }
    }
    TestHttp[] both = {serverA.http(), serverB.http()};
    int runners = 4;
    ExecutorService pool = Executors.newFixedThreadPool(runners);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> runs = new ArrayList<>();
      for (int r = 0; r < runners; r++) {
        TestHttp http = both[r % 2];
        runs.add(pool.submit(() -> {
          go.await();
          return http.post("/ops/jobs/system_chain.drain/run", "{\"region\":\"US\"}",
              "x-internal-token", servers.internalToken, "Content-Type", "application/json")
              .status();
        }));
      }
      go.countDown();
      for (Future<Integer> f : runs) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    UUID chain = Workspace.systemId(t.companyId());
    List<Integer> appended = ChainExport.events(serverA.http(), chain, t.companyKey()).stream()
        .map(e -> e.path("metadata").path("n").asInt()).toList();
    assertThat(appended).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, records).boxed().toList());
    ChainExport export = ChainExport.download(serverB.http(), chain, t.companyKey());
    assertThat(export.report().ok()).as("offline: %s", export.report()).isTrue();
  }
}
