package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.server.internal.EmbeddedDatabase;
import io.hyrelog.testkit.StandardWebhooksReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Webhook delivery across server processes: real server jars ({@link ServerProcess}) on one
 * external PostgreSQL, delivering to a JDK HttpServer in the test JVM that records every
 * request and checks its signature with {@link StandardWebhooksReference}. Proves that a server
 * killed with SIGKILL while deliveries are due (and some in flight) delivers every acknowledged
 * event to every matching endpoint after a restart, and that two servers dispatching from one
 * database never send a delivery twice.
 */
@Tag("process")
class WebhookProcessesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CLIENTS = 16;
  private static final int REQUESTS_PER_CLIENT = 40;
  /** Every BATCH_EVERY-th request of a client is a batch of BATCH_SIZE events. */
  private static final int BATCH_EVERY = 4;
  private static final int BATCH_SIZE = 10;
  /** Acknowledged events per run of {@link #appendThrough}. */
  private static final int EVENTS = CLIENTS * (REQUESTS_PER_CLIENT
      - REQUESTS_PER_CLIENT / BATCH_EVERY + REQUESTS_PER_CLIENT / BATCH_EVERY * BATCH_SIZE);
  /** The lease of the servers here (the least allowed): what a killed process's claims hold. */
  private static final int LEASE_SECONDS = 20;
  /** The dispatcher's default run length (WebhookDispatcher.Builder#runLength). */
  private static final int RUN_LENGTH = 50;
  private static final Duration DRAIN = Duration.ofSeconds(180);
  private static final Pattern ATTEMPTS = Pattern.compile(
      "(?m)^hyrelog_webhook_attempts_total\\{[^}]*outcome=\"([a-z_]+)\"[^}]*} ([0-9.E]+)$");

  private static Path dir;
  private static EmbeddedDatabase db;
  private static DemoCredentials demo;
  private static Map<String, String> env;
  private static Receiver receiver;
  private static final AtomicInteger PATHS = new AtomicInteger();
  /** The servers a test started; closed after it. */
  private final List<ServerProcess> servers = new ArrayList<>();

  /** An endpoint created through the API: its id, receiver path, secret and project filter. */
  record Endpoint(UUID id, String path, String secret, UUID project) {}

  /** An event as stored: id, seq, hash (hex) and project. */
  record Stored(UUID id, long seq, String hash, UUID project) {}

  /** A delivery row. */
  record Delivery(UUID id, UUID endpoint, UUID event, String status, int attempts) {}

  @BeforeAll
  static void startDatabaseSeedAndReceiver() throws Exception {
    dir = Files.createTempDirectory("hyrelog-webhook-processes");
    db = EmbeddedDatabase.start(dir.resolve("postgres"));
    env = ServerProcess.externalEnv(db.ownerUrl(), dir.resolve("data"));
    // GROWTH allows 3 endpoints; the tests here create more than that in all.
    env.put("SEED_PLAN_TIER", "ENTERPRISE");
    demo = ServerProcess.seed(dir, env).demo();
    env.put("PORT", "0");
    env.put("HYRELOG_HOST", "127.0.0.1");
    env.put("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "10000000");
    env.put("HYRELOG_RATE_LIMIT_IP_PER_MIN", "10000000");
    env.put("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "1000");
    env.put("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true");
    env.put("HYRELOG_WEBHOOK_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    receiver = new Receiver();
  }

  @AfterAll
  static void stopAll() {
    try {
      if (receiver != null) {
        receiver.close();
      }
    } finally {
      if (db != null) {
        db.close();
      }
      ServerProcess.deleteTree(dir);
    }
  }

  /** Stops the test's servers and disables every endpoint, so the next test starts quiet. */
  @AfterEach
  void stopServersAndDisableEndpoints() throws SQLException {
    servers.forEach(ServerProcess::close);
    receiver.mode(Receiver.Mode.IMMEDIATE);
    update("UPDATE hyrelog.webhook_endpoints SET enabled = false,"
        + " disabled_reason = 'DISABLED_BY_USER' WHERE company_id = ? AND enabled",
        demo.companyId());
  }

  private ServerProcess startServer(String name) {
    ServerProcess s = ServerProcess.start(name, dir, env);
    servers.add(s);
    s.awaitListening();
    return s;
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void sigkill_whileDeliveriesDue_everyAcknowledgedEventDeliveredAfterRestart()
      throws Exception {
    ServerProcess first = startServer("server-1");
    List<Endpoint> endpoints = List.of(create(first, null), create(first, demo.projectId()));
    // While events are appended, each answer takes a while: deliveries pile up behind them.
    receiver.mode(Receiver.Mode.SLOW);
    long before = headSeq();
    long t0 = System.nanoTime();
    List<UUID> acked = appendThrough(List.of(first));
    log("appended %d events in %d ms", acked.size(), millisSince(t0));
    assertThat(acked).hasSize(EVENTS);
    Map<UUID, Stored> stored = storedAfter(before);
    assertThat(stored.keySet()).as("stored = acknowledged").isEqualTo(new HashSet<>(acked));

    // Hold the next request of every endpoint: one run each in flight (its first deliveries
    // sent, not yet recorded: a run is recorded when it ends), the rest due.
    receiver.mode(Receiver.Mode.HOLD);
    waitUntil(Duration.ofSeconds(30), () -> endpoints.stream().allMatch(e ->
        receiver.held(e.path()) == 1) ? null
        : "held requests per endpoint: " + endpoints.stream()
            .map(e -> receiver.held(e.path())).toList());
    Map<UUID, String> heldIds = new HashMap<>();
    for (Endpoint e : endpoints) {
      List<Received> got = List.copyOf(receiver.received(e.path()));
      heldIds.put(e.id(), got.get(got.size() - 1).header("webhook-id"));
      long pending = count("SELECT count(*) FROM hyrelog.webhook_deliveries"
          + " WHERE endpoint_id = ? AND status = 'PENDING'", e.id());
      long leased = count("SELECT count(*) FROM hyrelog.webhook_deliveries WHERE endpoint_id = ?"
          + " AND status = 'PENDING' AND lease_until > now()", e.id());
      long succeeded = count("SELECT count(*) FROM hyrelog.webhook_deliveries"
          + " WHERE endpoint_id = ? AND status = 'SUCCEEDED'", e.id());
      assertThat(pending).as("pending deliveries of %s at the kill", e.path())
          .isGreaterThan(100);
      assertThat(leased).as("deliveries of %s in flight at the kill (one run)", e.path())
          .isBetween(1L, (long) RUN_LENGTH);
      assertThat(count("SELECT count(*) FROM hyrelog.webhook_deliveries WHERE id = ?::uuid"
          + " AND status = 'PENDING' AND lease_until > now()", heldIds.get(e.id())))
          .as("the held delivery of %s is in the leased run", e.path()).isEqualTo(1);
      // Sent before the kill: at least the held one. Whether a run had already been recorded
      // SUCCEEDED depends on timing (a run is recorded when it ends), so it is only logged.
      assertThat(got).as("deliveries of %s sent before the kill", e.path()).isNotEmpty();
      log("%s at the kill: %d pending, %d leased, %d succeeded", e.path(), pending, leased,
          succeeded);
    }

    first.kill();
    receiver.mode(Receiver.Mode.IMMEDIATE); // also lets the held requests go (to a dead socket)
    receiver.nextPhase();
    long t1 = System.nanoTime();
    startServer("server-1-restarted");

    Map<Endpoint, Set<UUID>> expected = expectedEvents(endpoints, stored);
    awaitEveryEventReceived(expected);
    awaitAllSucceeded(endpoints, expected);
    log("restarted and drained in %d ms (lease %d s)", millisSince(t1), LEASE_SECONDS);
    List<Delivery> deliveries = deliveries(endpoints);
    assertThat(deliveries).as("no delivery FAILED").allMatch(d -> d.status().equals("SUCCEEDED"));
    assertReceivedMatchStored(endpoints, stored, deliveries, expected);
    for (Endpoint e : endpoints) {
      // The attempt in flight at the kill was never recorded: it is sent again after its
      // lease, under the same webhook-id (at least once), and counts as the first attempt.
      String held = heldIds.get(e.id());
      assertThat(receiver.received(e.path())).filteredOn(r -> r.phase() == 1)
          .as("the delivery in flight at the kill, sent again after the restart")
          .anyMatch(r -> r.header("webhook-id").equals(held));
      assertThat(deliveries).filteredOn(d -> d.id().toString().equals(held))
          .singleElement().satisfies(d -> assertThat(d.attempts()).isEqualTo(1));
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void twoProcesses_concurrentDispatchers_noDeliverySentTwice() throws Exception {
    ServerProcess a = startServer("server-a");
    ServerProcess b = startServer("server-b");
    List<Endpoint> endpoints = List.of(create(a, null), create(b, demo.projectId()));
    receiver.mode(Receiver.Mode.IMMEDIATE);
    long before = headSeq();
    long t0 = System.nanoTime();
    List<UUID> acked = appendThrough(List.of(a, b));
    log("appended %d events in %d ms", acked.size(), millisSince(t0));
    assertThat(acked).hasSize(EVENTS);
    Map<UUID, Stored> stored = storedAfter(before);
    assertThat(stored.keySet()).as("stored = acknowledged").isEqualTo(new HashSet<>(acked));

    Map<Endpoint, Set<UUID>> expected = expectedEvents(endpoints, stored);
    awaitAllSucceeded(endpoints, expected);
    awaitEveryEventReceived(expected);
    log("all delivered %d ms after the first append", millisSince(t0));
    List<Delivery> deliveries = deliveries(endpoints);
    assertThat(deliveries).as("every delivery made in exactly one attempt")
        .allMatch(d -> d.attempts() == 1);
    assertThat(count("SELECT count(*) FROM hyrelog.webhook_attempts a JOIN"
        + " hyrelog.webhook_deliveries d ON d.id = a.delivery_id WHERE d.company_id = ?"
        + " AND d.endpoint_id = ANY (?)", demo.companyId(), ids(endpoints)))
        .as("attempts recorded").isEqualTo(deliveries.size());
    for (Endpoint e : endpoints) {
      Map<String, Long> perId = receiver.received(e.path()).stream().collect(
          Collectors.groupingBy(r -> r.header("webhook-id"), TreeMap::new,
              Collectors.counting()));
      Map<String, Long> twice = new TreeMap<>(perId);
      twice.values().removeIf(n -> n == 1);
      assertThat(twice).as("webhook-ids %s received more than once", e.path()).isEmpty();
      assertThat(perId).hasSize(expected.get(e).size());
      TreeSet<Long> seqs = new TreeSet<>();
      for (Received r : receiver.received(e.path())) {
        seqs.add(JSON.readTree(r.body()).path("seq").asLong());
      }
      TreeSet<Long> appended = new TreeSet<>();
      expected.get(e).forEach(id -> appended.add(stored.get(id).seq()));
      assertThat(seqs).as("seqs delivered to %s", e.path()).isEqualTo(appended);
      if (e.project() == null) {
        assertThat(appended).hasSize(EVENTS).first().isEqualTo(before + 1);
        assertThat(appended.last()).isEqualTo(before + EVENTS);
      }
    }
    assertReceivedMatchStored(endpoints, stored, deliveries, expected);
    // Both processes claimed all along (their claims competed) and neither lost a lease; the
    // successes add up to the deliveries. Which process sends is not fixed: a run takes up to
    // 50 deliveries of an endpoint, so with two endpoints one process may win every run.
    double succeeded = 0;
    for (ServerProcess s : List.of(a, b)) {
      Map<String, Double> attempts = attemptMetrics(s);
      log("attempts by %s: %s", s.baseUrl(), attempts);
      succeeded += attempts.getOrDefault("succeeded", 0.0);
      assertThat(attempts.getOrDefault("lease_lost", 0.0)).as("lost leases").isZero();
    }
    assertThat(succeeded).as("successful attempts of both processes")
        .isEqualTo((double) deliveries.size());
  }

  // ---- the API

  private static Endpoint create(ServerProcess s, UUID project) {
    String path = "/hook-" + PATHS.incrementAndGet();
    String body = "{\"url\":\"http://127.0.0.1:" + receiver.port() + path
        + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],\"description\":\"processes\""
        + (project == null ? "" : ",\"projectId\":\"" + project + "\"") + "}";
    TestHttp.Response r = s.http().post("/v1/workspaces/" + demo.workspaceId() + "/webhooks",
        body, "Authorization", "Bearer " + demo.companyKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return new Endpoint(UUID.fromString(r.json().path("id").asText()), path,
        r.json().path("secret").asText(), project);
  }

  /**
   * {@link #CLIENTS} clients post {@link #EVENTS} events in all, singles and batches, every
   * other one in the demo project, round robin over the servers; returns the acknowledged ids.
   */
  private static List<UUID> appendThrough(List<ServerProcess> to) throws Exception {
    EventClients sent = new EventClients();
    EventClients.run(CLIENTS, REQUESTS_PER_CLIENT, Duration.ofSeconds(120), (client, i) -> {
      TestHttp http = to.get((client + i) % to.size()).http();
      boolean batch = i % BATCH_EVERY == BATCH_EVERY - 1;
      List<String> events = new ArrayList<>();
      for (int k = 0; k < (batch ? BATCH_SIZE : 1); k++) {
        events.add(event(client, i, k));
      }
      sent.post(http, demo.workspaceKey(), "client " + client + " request " + i, events, batch);
    });
    assertThat(sent.failures).as("requests that were not acknowledged").isEmpty();
    return List.copyOf(sent.acked);
  }

  private static String event(int client, int request, int k) {
    boolean inProject = (request + k) % 2 == 0;
    return "{\"category\":\"user\",\"action\":\"login\",\"actor\":{\"id\":\"u_" + client
        + "\"},\"metadata\":{\"client\":" + client + ",\"request\":" + request + ",\"k\":" + k
        + "}" + (inProject ? ",\"projectId\":\"" + demo.projectId() + "\"" : "") + "}";
  }

  private static Map<String, Double> attemptMetrics(ServerProcess s) {
    TestHttp.Response r = s.http().get("/internal/metrics", "x-internal-token",
        env.get("HYRELOG_INTERNAL_TOKEN"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    Map<String, Double> out = new TreeMap<>();
    Matcher m = ATTEMPTS.matcher(r.text());
    while (m.find()) {
      out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
    }
    return out;
  }

  // ---- waiting and checking

  /** Which stored events each endpoint must get: all, or those of its project. */
  private static Map<Endpoint, Set<UUID>> expectedEvents(List<Endpoint> endpoints,
      Map<UUID, Stored> stored) {
    Map<Endpoint, Set<UUID>> out = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      out.put(e, stored.values().stream()
          .filter(s -> e.project() == null || e.project().equals(s.project()))
          .map(Stored::id).collect(Collectors.toSet()));
    }
    assertThat(out.get(endpoints.get(endpoints.size() - 1))).as("events in the project")
        .hasSizeBetween(EVENTS / 3, EVENTS * 2 / 3);
    return out;
  }

  /** Waits until every endpoint has received each of its events at least once. */
  private static void awaitEveryEventReceived(Map<Endpoint, Set<UUID>> expected) {
    waitUntil(DRAIN, () -> {
      StringBuilder missing = new StringBuilder();
      expected.forEach((e, ids) -> {
        Set<UUID> left = new TreeSet<>(ids);
        for (Received r : receiver.received(e.path())) {
          left.remove(r.eventId());
        }
        if (!left.isEmpty()) {
          missing.append(e.path()).append(" misses ").append(left.size()).append(" of ")
              .append(ids.size()).append(" events, e.g. ")
              .append(left.stream().limit(5).toList()).append("; ");
        }
      });
      return missing.isEmpty() ? null : missing.toString();
    });
  }

  /** Waits until each endpoint has exactly one delivery per expected event, all SUCCEEDED. */
  private static void awaitAllSucceeded(List<Endpoint> endpoints,
      Map<Endpoint, Set<UUID>> expected) {
    waitUntil(DRAIN, () -> {
      List<Delivery> all = deliveries(endpoints);
      StringBuilder off = new StringBuilder();
      for (Endpoint e : endpoints) {
        Map<String, Long> byStatus = all.stream().filter(d -> d.endpoint().equals(e.id()))
            .collect(Collectors.groupingBy(Delivery::status, TreeMap::new,
                Collectors.counting()));
        if (byStatus.size() != 1
            || byStatus.getOrDefault("SUCCEEDED", 0L) != expected.get(e).size()) {
          off.append(e.path()).append(": ").append(byStatus).append(" of ")
              .append(expected.get(e).size()).append(" expected; ");
        }
      }
      return off.isEmpty() ? null : off.toString();
    });
  }

  /**
   * Every request received: signed with its endpoint's secret, for one of the endpoint's
   * deliveries, carrying that delivery's event as stored (id, seq, hash); every delivery is
   * of one of the endpoint's expected events, once.
   */
  private static void assertReceivedMatchStored(List<Endpoint> endpoints,
      Map<UUID, Stored> stored, List<Delivery> deliveries, Map<Endpoint, Set<UUID>> expected)
      throws IOException {
    Map<String, Delivery> byId = new HashMap<>();
    deliveries.forEach(d -> byId.put(d.id().toString(), d));
    for (Endpoint e : endpoints) {
      List<UUID> events = deliveries.stream().filter(d -> d.endpoint().equals(e.id()))
          .map(Delivery::event).toList();
      assertThat(events).as("one delivery per event of %s", e.path())
          .doesNotHaveDuplicates().hasSameElementsAs(expected.get(e));
      for (Received r : receiver.received(e.path())) {
        assertThat(StandardWebhooksReference.verifies(e.secret(), r.headers(), r.body()))
            .as("signature of %s on %s", r.header("webhook-id"), e.path()).isTrue();
        JsonNode body = JSON.readTree(r.body());
        Stored s = stored.get(r.eventId());
        assertThat(s).as("%s received event %s, which was not appended", e.path(),
            r.eventId()).isNotNull();
        assertThat(body.path("seq").asLong()).isEqualTo(s.seq());
        assertThat(body.path("hash").asText()).isEqualTo(s.hash());
        Delivery d = byId.get(r.header("webhook-id"));
        assertThat(d).as("a delivery with webhook-id %s", r.header("webhook-id")).isNotNull();
        assertThat(d.endpoint()).isEqualTo(e.id());
        assertThat(d.event()).isEqualTo(s.id());
      }
    }
  }

  /** Polls until {@code problem} returns null, failing with its last answer after {@code max}. */
  private static void waitUntil(Duration max, Supplier<String> problem) {
    long deadline = System.nanoTime() + max.toNanos();
    String last;
    while ((last = problem.get()) != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max.toSeconds() + " s: " + last);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  // ---- SQL

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(db.ownerUrl());
  }

  private static void update(String sql, Object... args) throws SQLException {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(c, s, args);
      s.executeUpdate();
    }
  }

  private static long count(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      bind(c, s, args);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void bind(Connection c, PreparedStatement s, Object... args)
      throws SQLException {
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i] instanceof UUID[] u ? c.createArrayOf("uuid", u) : args[i]);
    }
  }

  private static UUID[] ids(List<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::id).toArray(UUID[]::new);
  }

  private static long headSeq() {
    return count("SELECT coalesce(max(seq), 0) FROM hyrelog.events WHERE workspace_id = ?",
        demo.workspaceId());
  }

  private static Map<UUID, Stored> storedAfter(long seq) throws SQLException {
    Map<UUID, Stored> out = new HashMap<>();
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT id, seq,"
        + " encode(hash, 'hex'), project_id FROM hyrelog.events WHERE workspace_id = ?"
        + " AND seq > ?")) {
      s.setObject(1, demo.workspaceId());
      s.setLong(2, seq);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          out.put(id, new Stored(id, rs.getLong(2), rs.getString(3),
              rs.getObject(4, UUID.class)));
        }
      }
    }
    return out;
  }

  private static List<Delivery> deliveries(List<Endpoint> endpoints) {
    List<Delivery> out = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT id,"
        + " endpoint_id, event_id, status, attempts FROM hyrelog.webhook_deliveries"
        + " WHERE endpoint_id = ANY (?)")) {
      bind(c, s, (Object) ids(endpoints));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new Delivery(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
              rs.getObject(3, UUID.class), rs.getString(4), rs.getInt(5)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void log(String format, Object... args) {
    System.out.println("[WebhookProcessesIT] " + String.format(Locale.ROOT, format, args));
  }

  // ---- the receiver

  /** One request received: its headers (lower-case names), body and the test's phase then. */
  record Received(Map<String, String> headers, byte[] body, int phase) {
    String header(String name) {
      return headers.get(name);
    }

    UUID eventId() {
      try {
        return UUID.fromString(JSON.readTree(body).path("id").asText());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A real HTTP receiver on loopback (the JDK's server, a thread per request) that records every
   * request by path before it answers: at once with 200, after 20 ms ({@link Mode#SLOW}), or
   * ({@link Mode#HOLD}) not until the mode changes.
   */
  static final class Receiver implements AutoCloseable {
    enum Mode { IMMEDIATE, SLOW, HOLD }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "webhook-receiver");
      t.setDaemon(true);
      return t;
    });
    private final Map<String, Queue<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.IMMEDIATE;
    private volatile int phase;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(threads);
      server.createContext("/", ex -> {
        try (ex) {
          Map<String, String> h = new TreeMap<>();
          ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.get(0)));
          String path = ex.getRequestURI().getPath();
          received.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>())
              .add(new Received(h, ex.getRequestBody().readNBytes(1 << 20), phase));
          if (mode == Mode.SLOW) {
            sleep(20);
          }
          if (mode == Mode.HOLD) {
            AtomicInteger n = held.computeIfAbsent(path, p -> new AtomicInteger());
            n.incrementAndGet();
            try {
              synchronized (this) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (mode == Mode.HOLD && System.nanoTime() < deadline) {
                  wait(1000);
                }
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              n.decrementAndGet();
            }
          }
          ex.sendResponseHeaders(200, -1);
        }
      });
      server.start();
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    int port() {
      return server.getAddress().getPort();
    }

    synchronized void mode(Mode m) {
      mode = m;
      notifyAll();
    }

    /** Requests received from now on carry the next phase number. */
    void nextPhase() {
      phase++;
    }

    int held(String path) {
      return held.getOrDefault(path, new AtomicInteger()).get();
    }

    Collection<Received> received(String path) {
      return received.getOrDefault(path, new ConcurrentLinkedQueue<>());
    }

    @Override
    public void close() {
      mode(Mode.IMMEDIATE);
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
