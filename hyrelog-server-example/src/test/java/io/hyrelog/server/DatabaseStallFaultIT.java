package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server survives its database stopping to answer (every PostgreSQL process frozen with
 * SIGSTOP, so no connection closes) and restarting, under a steady append load over real HTTP:
 * every request answers within a bound far shorter than the stall; appends the database cannot
 * take are refused with 503 SERVICE_UNAVAILABLE and {@code Retry-After}, never 500; health says
 * {@code degraded} within two seconds; keys resolved before keep working, unseen keys get 503;
 * and afterwards every acknowledged event is in the chain and no refused one is.
 *
 * <p>Timeouts are lowered to keep the run short (the shape is that of the finding: a stall
 * several times longer than every timeout).
 */
@Tag("fault")
@Tag("process")
class DatabaseStallFaultIT {
  private static final Duration STALL = Duration.ofSeconds(15);
  /** The longest any request may take while the database is frozen. */
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(12);
  private static final int WRITERS = 8;

  private TestServer server;
  private DatabaseProcesses db;
  private TestHttp http;
  private DemoCredentials demo;

  @BeforeEach
  void start() {
    server = TestServer.startEmbedded(Map.ofEntries(
        Map.entry("HYRELOG_DATABASE_POOL_TIMEOUT", "1s"),
        Map.entry("HYRELOG_DATABASE_CONNECT_TIMEOUT", "1s"),
        Map.entry("HYRELOG_DATABASE_STATEMENT_TIMEOUT", "3s"),
        Map.entry("HYRELOG_DATABASE_WRITE_TIMEOUT", "2s"),
        Map.entry("HYRELOG_APPEND_TIMEOUT", "3s"),
        Map.entry("HYRELOG_AUTH_CACHE_SECONDS", "1"),
        Map.entry("HYRELOG_JOBS_ENABLED", "false"),
        Map.entry("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "1000000"),
        Map.entry("HYRELOG_RATE_LIMIT_IP_PER_MIN", "1000000")), java.time.Clock.systemUTC());
    db = new DatabaseProcesses(server);
    http = server.http();
    demo = server.demo();
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.thaw(); // whatever happened, never leave PostgreSQL frozen
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void frozenDatabase_requestsAnswerInTime_refusalsAre503_noAcknowledgedEventLost()
      throws Exception {
    DemoCredentials unseen = server.newTenant(); // its key is resolved only during the stall
    Load load = new Load(http, demo.workspaceKey());
    load.start();
    load.awaitAcknowledged(50);
    // Cached before the stall: the workspace key's status needs no database.
    assertThat(http.get("/v1/keys/status", bearer(demo.workspaceKey())).status())
        .isEqualTo(200);

    List<Long> healthMillis = new ArrayList<>();
    List<String> healthStates = new ArrayList<>();
    int staleOk = 0;
    int unseenStatus = 0;
    db.freeze();
    long frozenAt = System.nanoTime();
    try {
      while (System.nanoTime() - frozenAt < STALL.toNanos()) {
        long t0 = System.nanoTime();
        TestHttp.Response h = http.get("/internal/health", "x-internal-token",
            server.internalToken());
        healthMillis.add((System.nanoTime() - t0) / 1_000_000);
        healthStates.add(h.status() + ":" + h.json().path("status").asText());
        if (http.get("/v1/keys/status", bearer(demo.workspaceKey())).status() == 200) {
          staleOk++;
        }
        unseenStatus = http.get("/v1/keys/status", bearer(unseen.workspaceKey())).status();
        Thread.sleep(1000);
      }
    } finally {
      db.thaw();
    }
    long resumedAt = System.nanoTime();
    load.awaitAcknowledgedAfter(resumedAt, 20, Duration.ofSeconds(60));
    load.stop();

    System.out.printf("[fault] database frozen %d s: %d appends acknowledged, %d refused (503),"
        + " %d outcome unknown (504), slowest answer %d ms; health answers %s ms, states %s;"
        + " stale key served %d times%n", STALL.toSeconds(), load.acknowledged.size(),
        load.refused.size(), load.unknown.size(), load.slowestMillis.get(), healthMillis,
        healthStates, staleOk);
    assertThat(load.unexpected).as("answers other than 201, 503 and 504").isEmpty();
    assertThat(load.refused).as("appends refused while frozen").isNotEmpty();
    assertThat(load.refusalsWithoutRetryAfter.get()).isZero();
    assertThat(load.slowestMillis.get()).as("slowest append answer (ms)")
        .isLessThan(ANSWER_BOUND.toMillis());
    assertThat(healthMillis).as("health answer times (ms)").allMatch(ms -> ms < 2000);
    assertThat(healthStates).contains("503:degraded");
    assertThat(staleOk).as("requests with a key resolved before the stall").isPositive();
    assertThat(unseenStatus).as("a key never resolved, while the database is away")
        .isEqualTo(503);
    // Once the database is back the key resolves: the first requests after the thaw may still
    // meet the pool's backlog of frozen appends, so it is asked until it answers (bounded).
    int after = 0;
    for (long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        after != 200 && System.nanoTime() < until; ) {
      after = http.get("/v1/keys/status", bearer(unseen.workspaceKey())).status();
      if (after != 200) {
        Thread.sleep(200);
      }
    }
    assertThat(after).as("the unseen key, once the database is back").isEqualTo(200);
    load.assertChainHoldsAcknowledgedAndNoRefused(http, demo);
  }

  @Test
  void restartedDatabase_serverRecovers_noAcknowledgedEventLost() throws Exception {
    Load load = new Load(http, demo.workspaceKey());
    load.start();
    load.awaitAcknowledged(50);
    db.restart();
    long restartedAt = System.nanoTime();
    load.awaitAcknowledgedAfter(restartedAt, 50, Duration.ofSeconds(60));
    load.stop();
    System.out.printf("[fault] database restarted: %d appends acknowledged, %d refused (503),"
        + " %d outcome unknown (504), slowest answer %d ms%n", load.acknowledged.size(),
        load.refused.size(), load.unknown.size(), load.slowestMillis.get());
    assertThat(load.unexpected).as("answers other than 201, 503 and 504").isEmpty();
    assertThat(load.refusalsWithoutRetryAfter.get()).isZero();
    assertThat(load.slowestMillis.get()).isLessThan(ANSWER_BOUND.toMillis());
    TestHttp.Response h = http.get("/internal/health", "x-internal-token",
        server.internalToken());
    assertThat(h.status()).as(h.text()).isEqualTo(200);
    load.assertChainHoldsAcknowledgedAndNoRefused(http, demo);
  }

  static String[] bearer(String key) {
    return new String[] {"Authorization", "Bearer " + key};
  }

  /** Appenders posting events numbered by idempotency key, each outcome recorded. */
  static final class Load {
    final TestHttp http;
    final String key;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final Set<String> unknown = ConcurrentHashMap.newKeySet();
    final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger refusalsWithoutRetryAfter = new AtomicInteger();
    final AtomicLong slowestMillis = new AtomicLong();
    final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS);

    Load(TestHttp http, String key) {
      this.http = http;
      this.key = key;
    }

    void start() {
      for (int i = 0; i < WRITERS; i++) {
        pool.submit(() -> {
          while (running.get()) {
            append();
          }
          return null;
        });
      }
    }

    private void append() {
      String k = "load-" + next.incrementAndGet();
      long t0 = System.nanoTime();
      TestHttp.Response r;
      try {
        r = http.post("/v1/events", "{\"category\":\"load\",\"action\":\"append\","
            + "\"metadata\":{\"n\":\"" + k + "\"}}", "Authorization", "Bearer " + key,
            "Content-Type", "application/json", "Idempotency-Key", k);
      } catch (UncheckedIOException e) {
        unexpected.add(k + ": " + e.getCause());
        return;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      slowestMillis.accumulateAndGet(ms, Math::max);
      switch (r.status()) {
        case 201 -> {
          acknowledged.add(k);
          acknowledgedAt.put(k, System.nanoTime());
        }
        case 503 -> {
          refused.add(k);
          if (r.header("Retry-After") == null
              || !r.header("Content-Type").startsWith("application/problem+json")
              || !r.json().path("code").asText().equals("SERVICE_UNAVAILABLE")) {
            refusalsWithoutRetryAfter.incrementAndGet();
          }
        }
        case 504 -> unknown.add(k);
        default -> unexpected.add(k + ": " + r.status() + " " + r.text());
      }
    }

    void awaitAcknowledged(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acknowledged.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(acknowledged.size()).isGreaterThanOrEqualTo(n);
    }

    void awaitAcknowledgedAfter(long since, int n, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (acknowledgedAt.values().stream().filter(t -> t > since).count() < n
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(acknowledgedAt.values().stream().filter(t -> t > since).count())
          .as("appends acknowledged after the database came back").isGreaterThanOrEqualTo(n);
    }

    void stop() throws InterruptedException {
      running.set(false);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * The chain, read back whole: it verifies, holds every acknowledged event and none of the
     * refused ones (those answered 504 may be in it or not, each whole).
     */
    void assertChainHoldsAcknowledgedAndNoRefused(TestHttp http, DemoCredentials demo)
        throws IOException {
      TestHttp.Response chain = http.get("/v1/chains/" + demo.workspaceId() + "/events.jsonl",
          bearer(demo.workspaceKey()));
      assertThat(chain.status()).isEqualTo(200);
      Path file = Files.createTempFile("chain", ".jsonl");
      try {
        Files.write(file, chain.body());
        ChainVerifier v = ChainVerifier.builder().requireCompleteChains().build();
        Set<String> stored = new java.util.HashSet<>();
        try (JsonlEventReader r = JsonlEventReader.open(file)) {
          for (JsonlEventReader.Line line : r) {
            assertThat(line.error()).isNull();
            v.accept(line.tree(), line.number());
            JsonNode n = line.tree().path("metadata").path("n");
            if (n.isTextual()) {
              stored.add(n.asText());
            }
          }
        }
        VerificationReport report = v.finish();
        assertThat(report.ok()).as("%s", report.failure()).isTrue();
        assertThat(stored).as("acknowledged events in the chain").containsAll(acknowledged);
        assertThat(stored).as("refused events in the chain").doesNotContainAnyElementsOf(refused);
        System.out.printf("[fault] chain of %d events verifies; %d of %d outcome-unknown appends"
            + " were stored%n", report.events(), unknown.stream().filter(stored::contains)
            .count(), unknown.size());
      } finally {
        Files.delete(file);
      }
    }
  }
}
