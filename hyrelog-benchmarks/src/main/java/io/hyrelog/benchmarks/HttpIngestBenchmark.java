package io.hyrelog.benchmarks;

import io.hyrelog.benchmarks.support.Arguments;
import io.hyrelog.benchmarks.support.CpuMeter;
import io.hyrelog.benchmarks.support.LoadWindow;
import io.hyrelog.benchmarks.support.Machine;
import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.ServerProcess;
import io.hyrelog.benchmarks.support.Sockets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.NewEvent;
import io.hyrelog.Resource;
import io.hyrelog.testkit.SampleEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load driver for the example server's ingest API, end to end over HTTP: starts {@code
 * hyrelog-server.jar} as a separate process ({@code java -jar}, its embedded PostgreSQL under a
 * fresh temporary {@code HYRELOG_DATA_DIR}, a free port, rate limits out of the way), reads the
 * demo tenant's {@code demo-credentials.json} and drives {@code POST /v1/events} (one event per
 * request) and {@code POST /v1/events/batch} (100 events per request) with 1, 16 and 64
 * concurrent clients, all into the demo workspace: <b>one chain</b>.
 *
 * <p>Clients are threads sending synchronously through one shared {@link HttpClient} pinned to
 * HTTP/1.1; its connection pool is unbounded and keeps connections alive, so each client ends
 * up with its own persistent connection. Per run the driver reports how many connections to the
 * server were established at the end of the window, how many of them were opened during it and
 * how many closed ones linger in TIME_WAIT, which shows whether connections were reused.
 *
 * <p>Each run has a warm-up and a measured window; throughput counts requests that completed
 * with a 2xx status inside the window, latencies are the wall times of those requests (send to
 * last response byte), percentiles exact (nearest rank over all clients). Any non-2xx response
 * or I/O error fails the whole benchmark at once, naming the status and the problem body.
 *
 * <p>Baseline in the same run: {@link PostgresAppendBenchmark}'s raw insert (the same rows, i.e.
 * the same {@link SampleEvents} sequence sealed into the store's row form, in multi-row
 * transactions of 1,000 events, no hashing, no locks) at 16 threads against a separate embedded
 * PostgreSQL with the same durability settings as the server's (fsync, synchronous_commit and
 * full_page_writes on), run before the server starts so the two never compete.
 *
 * <p>After the last run the server must verify its chain ({@code GET
 * /v1/chains/{workspaceId}/verify} says {@code "valid": true}) and the chain head's {@code seq}
 * must equal the number of events acknowledged with a 2xx (warm-ups included); otherwise the
 * benchmark fails without printing figures. The server is then stopped with SIGTERM and waited
 * for.
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.HttpIngestBenchmark \
 *     [--server-jar PATH] [--seconds N] [--warmup N] [--clients 1,16,64]
 * </pre>
 *
 * <p>The server jar defaults to the system property {@value #SERVER_JAR_PROPERTY}, else {@code
 * hyrelog-server-example/target/hyrelog-server.jar} (from the repository root) or {@code
 * ../hyrelog-server-example/target/hyrelog-server.jar} (from a module directory).
 */
public final class HttpIngestBenchmark {
  /** System property naming the server jar. */
  public static final String SERVER_JAR_PROPERTY = "hyrelog.serverJar";
  /** The aim for single-event ingest at {@link #AIM_CLIENTS} clients, in events/s. */
  public static final double AIM_EVENTS_PER_SECOND = 5_000;
  public static final int AIM_CLIENTS = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpIngestBenchmark() {}

  /**
   * What to run.
   *
   * @param serverJar the shaded {@code hyrelog-server.jar}
   * @param warmup load before each measured window
   * @param measure each measured window
   * @param clients concurrent client counts, each run for single events and for batches
   * @param batchSize events per batch request
   * @param rawThreads threads of the raw-insert baseline
   * @param rawRowsPerTransaction events per transaction of the raw-insert baseline
   * @param poolEvents distinct pre-generated events, reused cyclically
   * @param startupTimeout how long the server may take to print its listening line
   */
  public record Config(Path serverJar, Duration warmup, Duration measure, List<Integer> clients,
      int batchSize, int rawThreads, int rawRowsPerTransaction, int poolEvents,
      Duration startupTimeout) {
    public Config {
      Objects.requireNonNull(serverJar, "serverJar");
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(measure, "measure");
      Objects.requireNonNull(startupTimeout, "startupTimeout");
      if (warmup.isNegative() || measure.isNegative() || measure.isZero()) {
        throw new IllegalArgumentException("warmup must be >= 0 and measure > 0");
      }
      clients = List.copyOf(clients);
      if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("clients must be positive counts, got " + clients);
      }
      if (batchSize < 2 || rawThreads < 1 || rawRowsPerTransaction < 1
          || poolEvents < Math.max(batchSize, rawRowsPerTransaction)) {
        throw new IllegalArgumentException("need batchSize >= 2, rawThreads >= 1 and"
            + " poolEvents >= batchSize, rawRowsPerTransaction");
      }
    }

    /** 5 s warm-up, 20 s window, 1/16/64 clients, batches of 100, raw insert at 16 threads. */
    public static Config defaults() {
      return new Config(defaultServerJar(), Duration.ofSeconds(5), Duration.ofSeconds(20),
          List.of(1, 16, 64), 100, 16, 1000, 10_000, Duration.ofSeconds(120));
    }

    public Config withServerJar(Path p) {
      return new Config(p, warmup, measure, clients, batchSize, rawThreads,
          rawRowsPerTransaction, poolEvents, startupTimeout);
    }

    public Config withWarmup(Duration d) {
      return new Config(serverJar, d, measure, clients, batchSize, rawThreads,
          rawRowsPerTransaction, poolEvents, startupTimeout);
    }

    public Config withMeasure(Duration d) {
      return new Config(serverJar, warmup, d, clients, batchSize, rawThreads,
          rawRowsPerTransaction, poolEvents, startupTimeout);
    }

    public Config withClients(List<Integer> c) {
      return new Config(serverJar, warmup, measure, c, batchSize, rawThreads,
          rawRowsPerTransaction, poolEvents, startupTimeout);
    }
  }

  /** The server jar named by {@value #SERVER_JAR_PROPERTY}, else the reactor's build output. */
  public static Path defaultServerJar() {
    String p = System.getProperty(SERVER_JAR_PROPERTY);
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    Path fromRoot = Path.of("hyrelog-server-example", "target", "hyrelog-server.jar");
    Path fromModule = Path.of("..").resolve(fromRoot);
    return Files.exists(fromRoot) || !Files.exists(fromModule) ? fromRoot : fromModule;
  }

  /** How a run sends events. */
  public enum Mode {
    SINGLE("POST /v1/events", "/v1/events"),
    BATCH("POST /v1/events/batch", "/v1/events/batch");

    final String label;
    final String path;

    Mode(String label, String path) {
      this.label = label;
      this.path = path;
    }
  }

  /**
   * One run.
   *
   * @param eventsPerRequest 1, or the batch size
   * @param requests 2xx responses inside the window
   * @param events events in those responses
   * @param p50Ms median request wall time in the window
   * @param p99Ms 99th percentile request wall time in the window
   * @param acknowledged events acknowledged with a 2xx during the whole run (warm-up included)
   * @param notes CPU and connection observations
   */
  public record Result(Mode mode, int clients, int eventsPerRequest, long requests, long events,
      double seconds, double requestsPerSecond, double eventsPerSecond, double p50Ms,
      double p99Ms, double maxMs, long acknowledged, List<String> notes) {
    public Result {
      notes = List.copyOf(notes);
    }

    String label() {
      return mode.label + " (" + eventsPerRequest + (eventsPerRequest == 1 ? " event" : " events")
          + ")";
    }
  }

  /**
   * The end-of-run check of the server's chain.
   *
   * @param valid what {@code /verify} said
   * @param verifiedEvents events {@code /verify} walked
   * @param headSeq the chain head's {@code seq}
   * @param acknowledged events acknowledged with a 2xx over all runs, warm-ups included
   * @param verifySeconds how long the verify request took
   */
  public record Verification(boolean valid, long verifiedEvents, long headSeq, long acknowledged,
      double verifySeconds) {
    public boolean ok() {
      return valid && headSeq == acknowledged && verifiedEvents == acknowledged;
    }
  }

  /** What a run measured, and where. */
  public record Report(List<String> environment, List<Result> results,
      PostgresAppendBenchmark.Result rawInsert, Verification verification, String serverStop,
      Duration runtime) {
    public Report {
      environment = List.copyOf(environment);
      results = List.copyOf(results);
    }

    /** Single-event ingest at {@link #AIM_CLIENTS} clients, if it ran. */
    public Optional<Result> aimRun() {
      return results.stream()
          .filter(r -> r.mode() == Mode.SINGLE && r.clients() == AIM_CLIENTS).findFirst();
    }

    /** Whether single-event ingest at 64 clients reached 5,000 events/s (false if not run). */
    public boolean aimMet() {
      return aimRun().map(r -> r.eventsPerSecond() >= AIM_EVENTS_PER_SECOND).orElse(false);
    }

    public double ratio(Result r) {
      return r.eventsPerSecond() / rawInsert.eventsPerSecond();
    }

    /** The table, the aim, the chain check, the environment and the observations, as Markdown. */
    public String markdown() {
      StringBuilder s = new StringBuilder();
      s.append(Markdown.header("ingest", "clients", "requests/s", "events/s", "p50 ms",
          "p99 ms", "ratio to raw-insert baseline"));
      for (Result r : results) {
        s.append(Markdown.row(r.label(), r.clients(), Markdown.number(r.requestsPerSecond()),
            Markdown.number(r.eventsPerSecond()), Markdown.millis(r.p50Ms()),
            Markdown.millis(r.p99Ms()), Markdown.ratio(ratio(r))));
      }
      PostgresAppendBenchmark.Result raw = rawInsert;
      s.append(Markdown.row("baseline: raw PostgreSQL insert of the same rows, " + rawLabel(raw),
          raw.threads() + " threads", "–", Markdown.number(raw.eventsPerSecond()),
          Markdown.millis(raw.p50Ms()), Markdown.millis(raw.p99Ms()), "1.00"));
      s.append("\nRatios divide events/s by the raw-insert baseline of this run (")
          .append(Markdown.number(raw.eventsPerSecond())).append(" events/s at ")
          .append(raw.threads())
          .append(" threads). HTTP latencies are per request (send to last response byte);"
              + " the baseline's are per transaction of ")
          .append(rawRowsPerTx(raw)).append(" events.\n\n");
      Optional<Result> aim = aimRun();
      s.append(String.format(Locale.ROOT, "Aim: single-event HTTP ingest >= %,.0f events/s at"
          + " %d clients on this machine, the load driver sharing it: ", AIM_EVENTS_PER_SECOND,
          AIM_CLIENTS));
      if (aim.isPresent()) {
        s.append(aimMet() ? "**met**" : "**not met**").append(String.format(Locale.ROOT,
            " (%s events/s, %s of raw insert).%n", Markdown.number(aim.get().eventsPerSecond()),
            Markdown.ratio(ratio(aim.get()))));
      } else {
        s.append("not measured (no ").append(AIM_CLIENTS).append("-client run).\n");
      }
      Verification v = verification;
      s.append(String.format(Locale.ROOT, "Chain check: 1 chain (the demo workspace);"
          + " server-side verify valid=%s over %,d events in %.1f s; head seq %,d, events"
          + " acknowledged with 2xx (warm-ups included) %,d: %s.%n", v.valid(), v.verifiedEvents(),
          v.verifySeconds(), v.headSeq(), v.acknowledged(), v.ok() ? "equal" : "DIFFERENT"));
      s.append("Server stop: ").append(serverStop).append("\n\n");
      s.append(Markdown.bullets(environment));
      s.append("- Total runtime: ").append(Markdown.seconds(runtime)).append('\n');
      s.append("\nObservations per run:\n\n");
      List<String> observations = new ArrayList<>();
      for (Result r : results) {
        observations.add("**" + (r.mode() == Mode.SINGLE ? "single" : "batch") + ", "
            + r.clients() + (r.clients() == 1 ? " client" : " clients") + "**: "
            + String.join("; ", r.notes()));
      }
      observations.add("**raw insert baseline**: " + String.join("; ", raw.notes()));
      return s.append(Markdown.bullets(observations)).toString();
    }

    private static String rawLabel(PostgresAppendBenchmark.Result raw) {
      return rawRowsPerTx(raw) + " events/tx";
    }

    private static String rawRowsPerTx(PostgresAppendBenchmark.Result raw) {
      Matcher m = Pattern.compile("(\\d+) events/tx").matcher(raw.scenario());
      return m.find() ? m.group(1) : "?";
    }

  }

  public static void main(String[] args) {
    Arguments.report(() -> run(parse(args), System.err).markdown());
  }

  static Config parse(String[] args) {
    Config cfg = Config.defaults();
    Arguments a = new Arguments(args, "usage: HttpIngestBenchmark [--server-jar PATH]"
        + " [--seconds N] [--warmup N] [--clients 1,16,64]");
    while (a.hasNext()) {
      switch (a.next()) {
        case "--server-jar" -> cfg = cfg.withServerJar(Path.of(a.value()));
        case "--seconds" -> cfg = cfg.withMeasure(a.seconds());
        case "--warmup" -> cfg = cfg.withWarmup(a.seconds());
        case "--clients" -> cfg = cfg.withClients(a.counts());
        default -> a.unknown();
      }
    }
    return cfg;
  }

  /**
   * Runs the raw-insert baseline, starts the server, runs every ingest scenario, checks the
   * chain and stops the server.
   *
   * @param progress where to print progress lines (not the report); may be null
   * @throws IllegalStateException when a request fails, or the chain does not verify or does
   *     not hold exactly the acknowledged events
   */
  public static Report run(Config cfg, PrintStream progress) throws Exception {
    long started = System.nanoTime();
    PrintStream log = orDiscard(progress);
    Path jar = requireServerJar(cfg.serverJar());

    log.println("raw-insert baseline (PostgresAppendBenchmark, its own embedded PostgreSQL)");
    PostgresAppendBenchmark.Report raw = PostgresAppendBenchmark.run(
        new PostgresAppendBenchmark.Config(cfg.warmup(), cfg.measure(), null,
            List.of(cfg.rawThreads()), List.of(), List.of(), List.of(),
            cfg.rawRowsPerTransaction(), cfg.poolEvents(), false), log);
    PostgresAppendBenchmark.Result rawResult = raw.results().get(0);

    log.println("pre-generating " + cfg.poolEvents() + " request bodies");
    Bodies bodies = Bodies.generate(cfg.poolEvents(), cfg.batchSize());

    List<String> env = new ArrayList<>();
    env.add(Machine.jdk() + " (driver and server)");
    env.add(Machine.description()
        + "; driver, server and both PostgreSQL instances on the same machine");
    raw.environment().stream().filter(e -> e.startsWith("PostgreSQL: "))
        .map(e -> e.replace("PostgreSQL: ", "Baseline PostgreSQL: "))
        .forEach(env::add);
    env.add("Server: java -jar " + jar.getFileName() + " (no JVM flags), embedded PostgreSQL"
        + " (fsync, synchronous_commit, full_page_writes on), fresh HYRELOG_DATA_DIR, PORT=0,"
        + " HYRELOG_HOST=127.0.0.1, both rate limits " + ServerProcess.UNLIMITED
        + "/min, default logging"
        + " (one access-log line per request, to a file); 1 chain (the demo workspace key)");
    env.add(String.format(Locale.ROOT, "Events: SampleEvents(seed 1), %d distinct, reused"
        + " cyclically, the same sequence the baseline inserts; request JSON %.0f B per event"
        + " on average (the server adds its own request context); batches of %d events, %.0f kB"
        + " per request", cfg.poolEvents(), bodies.meanSingleBytes(), cfg.batchSize(),
        bodies.meanBatchBytes() / 1024));
    env.add("Driver: java.net.http.HttpClient, HTTP/1.1, one client shared by all client"
        + " threads (unbounded keep-alive pool), synchronous send per thread; warm-up "
        + Markdown.seconds(cfg.warmup()) + ", window " + Markdown.seconds(cfg.measure())
        + " per run; latencies exact (nearest-rank percentiles over all threads)");

    List<Result> results = new ArrayList<>();
    Verification verification;
    String stop;
    try (ServerProcess server = ServerProcess.start(jar, cfg.startupTimeout(), log)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      Target target = new Target(client, server.baseUri(), server.workspaceKey());
      long acknowledged = 0;
      for (Mode mode : Mode.values()) {
        for (int clients : cfg.clients()) {
          log.printf(Locale.ROOT, "%s, %d client%s...%n", mode.label, clients,
              clients == 1 ? "" : "s");
          Result r = drive(cfg, mode, clients, target, bodies, server);
          acknowledged += r.acknowledged();
          results.add(r);
          log.printf(Locale.ROOT, "  %,.0f requests/s, %,.0f events/s, p50 %.2f ms, p99 %.2f"
              + " ms%n", r.requestsPerSecond(), r.eventsPerSecond(), r.p50Ms(), r.p99Ms());
        }
      }
      log.println("verifying the chain on the server");
      verification = verify(target, server.workspaceId(), acknowledged);
      log.println("stopping the server (SIGTERM)");
      stop = server.stop();
    }
    if (!verification.ok()) {
      throw new IllegalStateException("the server's chain fails the check: " + verification);
    }
    return new Report(env, results, rawResult, verification, stop,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** {@code progress}, or a stream that drops what is printed to it when it is null. */
  static PrintStream orDiscard(PrintStream progress) {
    return progress != null ? progress : new PrintStream(OutputStream.nullOutputStream());
  }

  /** The server jar as an absolute path, or a failure saying how to build or name it. */
  static Path requireServerJar(Path serverJar) {
    Path jar = serverJar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no server jar at " + jar + "; build it first (mvn -B"
          + " -pl hyrelog-benchmarks -am package -DskipTests) or pass --server-jar / -D"
          + SERVER_JAR_PROPERTY);
    }
    return jar;
  }

  // ---------------------------------------------------------------------------------------
  // Requests

  /** Where requests go. */
  record Target(HttpClient client, URI base, String workspaceKey) {
    HttpRequest post(Mode mode, byte[] body) {
      return HttpRequest.newBuilder(base.resolve(mode.path))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + workspaceKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    }

    JsonNode get(String path, Duration timeout) throws IOException, InterruptedException {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
          .timeout(timeout).header("Authorization", "Bearer " + workspaceKey).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": "
            + abbreviate(r.body()));
      }
      return JSON.readTree(r.body());
    }
  }

  /** 2xx bodies are discarded unread into memory; others are kept for the failure message. */
  private static final BodyHandler<String> KEEP_ERRORS = info -> info.statusCode() / 100 == 2
      ? BodySubscribers.replacing(null) : BodySubscribers.ofString(StandardCharsets.UTF_8);

  private static Verification verify(Target t, String workspaceId, long acknowledged)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    JsonNode v = t.get("/v1/chains/" + workspaceId + "/verify", Duration.ofMinutes(30));
    double took = (System.nanoTime() - t0) / 1e9;
    JsonNode head = t.get("/v1/chains/" + workspaceId + "/head", Duration.ofSeconds(60));
    return new Verification(v.path("valid").asBoolean(false), v.path("events").asLong(-1),
        head.path("seq").asLong(-1), acknowledged, took);
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 600 ? s : s.substring(0, 600) + "…";
  }

  /** Pre-built request bodies: single events and batches over the same event sequence. */
  record Bodies(List<byte[]> single, List<byte[]> batches, int batchSize) {
    static Bodies generate(int n, int batchSize) {
      SampleEvents samples = new SampleEvents(1);
      List<ObjectNode> events = new ArrayList<>(n);
      List<byte[]> single = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ObjectNode e = requestJson(samples.next(null));
        events.add(e);
        single.add(bytes(e));
      }
      List<byte[]> batches = new ArrayList<>();
      for (int from = 0; from + batchSize <= n; from += batchSize) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("events");
        events.subList(from, from + batchSize).forEach(arr::add);
        batches.add(bytes(body));
      }
      return new Bodies(List.copyOf(single), List.copyOf(batches), batchSize);
    }

    double meanSingleBytes() {
      return single.stream().mapToInt(b -> b.length).average().orElse(0);
    }

    double meanBatchBytes() {
      return batches.stream().mapToInt(b -> b.length).average().orElse(0);
    }

    private static byte[] bytes(JsonNode n) {
      try {
        return JSON.writeValueAsBytes(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The API's request form of an event; its request context is the server's to add. */
  static ObjectNode requestJson(NewEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("category", e.category());
    n.put("action", e.action());
    Actor a = e.actor();
    if (a != null) {
      ObjectNode o = n.putObject("actor");
      putIfPresent(o, "id", a.id());
      putIfPresent(o, "email", a.email());
      putIfPresent(o, "role", a.role());
      putIfPresent(o, "name", a.name());
    }
    Resource r = e.resource();
    if (r != null) {
      ObjectNode o = n.putObject("resource");
      putIfPresent(o, "type", r.type());
      putIfPresent(o, "id", r.id());
    }
    if (!e.metadata().isEmpty()) {
      n.set("metadata", e.metadata().toNode());
    }
    if (e.timestamp() != null) {
      n.put("timestamp", e.timestamp().toString());
    }
    return n;
  }

  private static void putIfPresent(ObjectNode o, String field, String v) {
    if (v != null) {
      o.put(field, v);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The measuring loop

  static Result drive(Config cfg, Mode mode, int clients, Target target, Bodies bodies,
      ServerProcess server) throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    for (byte[] b : mode == Mode.SINGLE ? bodies.single() : bodies.batches()) {
      requests.add(target.post(mode, b));
    }
    int perRequest = mode == Mode.SINGLE ? 1 : bodies.batchSize();
    CpuMeter cpu = new CpuMeter().add("load driver", CpuMeter::thisJvmNanos)
        .add("server JVM", server::cpuNanos)
        .add("server's PostgreSQL", () -> CpuMeter.jiffiesToNanos(server.postgresJiffies()))
        .withRest();
    List<String> notes = new ArrayList<>();
    Sockets[] sockets = new Sockets[2];
    LoadWindow.Observer observer = new LoadWindow.Observer() {
      @Override
      public void windowStart() {
        cpu.start();
        sockets[0] = Sockets.of(server.port());
      }

      @Override
      public void windowEnd(double seconds) {
        sockets[1] = Sockets.of(server.port());
        cpu.stop(seconds).ifPresent(notes::add);
      }
    };
    LoadWindow.Measurement m;
    try {
      m = LoadWindow.run(clients, cfg.warmup(), cfg.measure(), "http-client", i -> {
        int[] cursor = {i * (requests.size() / clients)};
        return () -> {
          HttpRequest req = requests.get(cursor[0]);
          cursor[0] = (cursor[0] + 1) % requests.size();
          HttpResponse<String> resp = target.client().send(req, KEEP_ERRORS);
          if (resp.statusCode() / 100 != 2) {
            throw new IllegalStateException(mode.label + " answered HTTP "
                + resp.statusCode() + ": " + abbreviate(resp.body()));
          }
          return perRequest;
        };
      }, observer);
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(mode.label + " with " + clients + " clients failed: "
          + cause.getMessage(), cause);
    }
    if (sockets[0] != null && sockets[1] != null) {
      notes.add(String.format(Locale.ROOT, "connections to the server at window end: %d"
          + " established (%d of them opened during the window), %d in TIME_WAIT",
          sockets[1].establishedPeers().size(), sockets[1].newSince(sockets[0]),
          sockets[1].timeWait()));
    }
    double seconds = m.seconds();
    notes.add(0, String.format(Locale.ROOT, "%,d requests (%,d events) in %.1f s window,"
        + " %,d events acknowledged in all; max latency %.1f ms", m.operations(), m.units(),
        seconds, m.totalUnits(), m.latencies().maxMillis()));
    return new Result(mode, clients, perRequest, m.operations(), m.units(), seconds,
        m.operationsPerSecond(), m.unitsPerSecond(), m.latencies().percentileMillis(0.50),
        m.latencies().percentileMillis(0.99), m.latencies().maxMillis(), m.totalUnits(), notes);
  }
}
