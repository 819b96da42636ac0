package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server processes started from the real jar share one PostgreSQL (external mode, as two
 * replicas behind a load balancer). Proves that 64 concurrent clients alternating between them
 * get a single gap-free chain that verifies on the server and offline, holding every
 * acknowledged event exactly once; and that one idempotency key raced across both processes
 * stores one event and answers every request with its id.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
class MultiProcessServerIT {
  private static final int CLIENTS = 64;
  private static final int REQUESTS_PER_CLIENT = 40;
  /** Every BATCH_EVERY-th request of a client is a batch of BATCH_SIZE events. */
  private static final int BATCH_EVERY = 8;
  private static final int BATCH_SIZE = 4;
  private static final int RACED_KEYS = 16;
  private static final int RACERS_PER_KEY = 8;

  private static ServerPair servers;
  private static DemoCredentials demo;
  private static ServerProcess serverA;
  private static ServerProcess serverB;

  @BeforeAll
  static void startDatabaseSeedAndTwoServers() throws IOException {
    servers = ServerPair.start("hyrelog-multi", Map.of(
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "10000000",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "10000000",
        // 64 clients on one key from one address: up to the total in flight.
        "HYRELOG_MAX_IN_FLIGHT_PER_KEY", "150",
        "HYRELOG_MAX_IN_FLIGHT_PER_IP", "150"));
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

  @Test
  void append_twoProcesses_chainVerifiesWithEveryAcknowledgedEventOnce() throws Exception {
    TestHttp[] servers = {serverA.http(), serverB.http()};
    long before = ChainExport.headSeq(servers[0], demo.workspaceId(), demo.workspaceKey());
    EventClients sent = new EventClients();
    EventClients.run(CLIENTS, REQUESTS_PER_CLIENT, Duration.ofSeconds(180), (client, i) -> {
      TestHttp http = servers[(client + i) % 2];
      post(http, client, i, i % BATCH_EVERY == BATCH_EVERY - 1, sent);
    });

    int batches = REQUESTS_PER_CLIENT / BATCH_EVERY;
    int expected = CLIENTS * (REQUESTS_PER_CLIENT - batches + batches * BATCH_SIZE);
    Queue<UUID> acked = sent.acked;
    assertThat(sent.failures).as("requests that were not acknowledged").isEmpty();
    assertThat(acked).hasSize(expected);
    assertThat(new HashSet<>(acked)).as("distinct acknowledged ids").hasSize(expected);

    long head = ChainExport.headSeq(servers[1], demo.workspaceId(), demo.workspaceKey());
    assertThat(head).as("stored = acknowledged").isEqualTo(before + expected);
    ChainExport export = ChainExport.download(servers[0], demo.workspaceId(),
        demo.workspaceKey());
    assertThat(export.report().ok()).as("offline verification: %s", export.report()).isTrue();
    assertThat(export.report().events()).isEqualTo(head);
    assertThat(export.seqs()).as("seqs 1..head without gaps")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, head).boxed().toList());
    assertThat(new HashSet<>(export.ids())).as("no duplicate event ids").hasSize((int) head);
    assertThat(export.ids()).containsAll(acked);
    for (TestHttp http : servers) {
      JsonNode v = ChainExport.serverVerify(http, demo.workspaceId(), demo.workspaceKey())
          .json();
      assertThat(v.path("valid").asBoolean()).as("server verify: %s", v).isTrue();
      assertThat(v.path("events").asLong()).isEqualTo(head);
    }
  }

  @Test
  void idempotentRetry_racedAcrossProcesses_storesOneEventWithOneId() throws Exception {
    TestHttp[] servers = {serverA.http(), serverB.http()};
    long before = ChainExport.headSeq(servers[0], demo.workspaceId(), demo.workspaceKey());
    ExecutorService pool = Executors.newFixedThreadPool(RACERS_PER_KEY);
    List<UUID> stored = new ArrayList<>();
    try {
      for (int k = 0; k < RACED_KEYS; k++) {
        String key = "race-" + UUID.randomUUID();
        String body = "{\"category\":\"billing\",\"action\":\"charge\",\"metadata\":{\"n\":" + k
            + "}}";
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestHttp.Response>> racers = new ArrayList<>();
        for (int r = 0; r < RACERS_PER_KEY; r++) {
          TestHttp http = servers[r % 2];
          racers.add(pool.submit(() -> {
            go.await();
            return http.post("/v1/events", body, "Authorization", "Bearer "
                + demo.workspaceKey(), "Content-Type", "application/json",
                "Idempotency-Key", key);
          }));
        }
        go.countDown();
        List<TestHttp.Response> responses = new ArrayList<>();
        for (Future<TestHttp.Response> f : racers) {
          responses.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(responses).as("key %s", key).allSatisfy(r ->
            assertThat(r.status()).as(r.text()).isIn(200, 201));
        assertThat(responses).filteredOn(r -> r.status() == 201).as("created once").hasSize(1);
        List<String> ids = responses.stream().map(r -> r.json().path("id").asText()).toList();
        assertThat(new HashSet<>(ids)).as("one event id for key %s", key).hasSize(1);
        stored.add(UUID.fromString(ids.get(0)));
      }
    } finally {
      pool.shutdownNow();
    }
    long head = ChainExport.headSeq(servers[1], demo.workspaceId(), demo.workspaceKey());
    assertThat(head).as("one stored event per key").isEqualTo(before + RACED_KEYS);
    ChainExport export = ChainExport.download(servers[1], demo.workspaceId(),
        demo.workspaceKey());
    assertThat(export.report().ok()).as("offline verification: %s", export.report()).isTrue();
    assertThat(new HashSet<>(export.ids())).hasSize((int) head);
    assertThat(export.ids()).containsAll(stored);
  }

  private static void post(TestHttp http, int client, int i, boolean batch,
      EventClients clients) {
    String event = "{\"category\":\"user\",\"action\":\"login\",\"actor\":{\"id\":\"u_"
        + client + "\",\"email\":\"u" + client + "@example.com\"},\"metadata\":{\"client\":"
        + client + ",\"request\":" + i + "}}";
    clients.post(http, demo.workspaceKey(), "client " + client + " request " + i,
        Collections.nCopies(batch ? BATCH_SIZE : 1, event), batch);
  }
}
