package io.hyrelog.benchmarks;

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
import java.lang.management.ManagementFactory;
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
import java.util.HashSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

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
 * last response byte), recorded in an HdrHistogram (3 significant digits). Any non-2xx response
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
  /** What the rate-limit variables are set to: far beyond anything this driver can send. */
  static final String UNLIMITED = "100000000";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING =
      Pattern.compile("HyreLog API listening on http://[^\\s:/]+:(\\d+)");

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
      s.append("| ingest | clients | requests/s | events/s | p50 ms | p99 ms |"
          + " ratio to raw-insert baseline |\n");
      s.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Result r : results) {
        s.append("| ").append(r.label()).append(" | ").append(r.clients()).append(" | ")
            .append(num(r.requestsPerSecond())).append(" | ").append(num(r.eventsPerSecond()))
            .append(" | ").append(ms(r.p50Ms())).append(" | ").append(ms(r.p99Ms()))
            .append(" | ").append(ratio(ratio(r))).append(" |\n");
      }
      PostgresAppendBenchmark.Result raw = rawInsert;
      s.append("| baseline: raw PostgreSQL insert of the same rows, ").append(rawLabel(raw)).append(" | ").append(raw.threads()).append(" threads | – | ")
          .append(num(raw.eventsPerSecond())).append(" | ").append(ms(raw.p50Ms())).append(" | ")
          .append(ms(raw.p99Ms())).append(" | 1.00 |\n");
      s.append("\nRatios divide events/s by the raw-insert baseline of this run (")
          .append(num(raw.eventsPerSecond())).append(" events/s at ").append(raw.threads())
          .append(" threads). HTTP latencies are per request (send to last response byte);"
              + " the baseline's are per transaction of ")
          .append(rawRowsPerTx(raw)).append(" events.\n\n");
      Optional<Result> aim = aimRun();
      s.append(String.format(Locale.ROOT, "Aim: single-event HTTP ingest >= %,.0f events/s at"
          + " %d clients on this machine, the load driver sharing it: ", AIM_EVENTS_PER_SECOND,
          AIM_CLIENTS));
      if (aim.isPresent()) {
        s.append(aimMet() ? "**met**" : "**not met**").append(String.format(Locale.ROOT,
            " (%s events/s, %s of raw insert).%n", num(aim.get().eventsPerSecond()),
            ratio(ratio(aim.get()))));
      } else {
        s.append("not measured (no ").append(AIM_CLIENTS).append("-client run).\n");
      }
      Verification v = verification;
      s.append(String.format(Locale.ROOT, "Chain check: 1 chain (the demo workspace);"
          + " server-side verify valid=%s over %,d events in %.1f s; head seq %,d, events"
          + " acknowledged with 2xx (warm-ups included) %,d: %s.%n", v.valid(), v.verifiedEvents(),
          v.verifySeconds(), v.headSeq(), v.acknowledged(), v.ok() ? "equal" : "DIFFERENT"));
      s.append("Server stop: ").append(serverStop).append("\n\n");
      for (String e : environment) {
        s.append("- ").append(e).append('\n');
      }
      s.append("- Total runtime: ").append(String.format(Locale.ROOT, "%.1f s",
          runtime.toMillis() / 1000.0)).append('\n');
      s.append("\nObservations per run:\n\n");
      for (Result r : results) {
        s.append("- **").append(r.mode() == Mode.SINGLE ? "single" : "batch").append(", ")
            .append(r.clients()).append(r.clients() == 1 ? " client" : " clients").append("**: ")
            .append(String.join("; ", r.notes())).append('\n');
      }
      s.append("- **raw insert baseline**: ").append(String.join("; ", raw.notes()))
          .append('\n');
      return s.toString();
    }

    private static String rawLabel(PostgresAppendBenchmark.Result raw) {
      return rawRowsPerTx(raw) + " events/tx";
    }

    private static String rawRowsPerTx(PostgresAppendBenchmark.Result raw) {
      Matcher m = Pattern.compile("(\\d+) events/tx").matcher(raw.scenario());
      return m.find() ? m.group(1) : "?";
    }

    private static String num(double v) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(double v) {
      return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static String ratio(double v) {
      return String.format(Locale.ROOT, v < 0.1 ? "%.3f" : "%.2f", v);
    }
  }

  public static void main(String[] args) {
    Config cfg = Config.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--server-jar" -> cfg = cfg.withServerJar(Path.of(value(args, ++i, a)));
        case "--seconds" -> cfg = cfg.withMeasure(seconds(value(args, ++i, a)));
        case "--warmup" -> cfg = cfg.withWarmup(seconds(value(args, ++i, a)));
        case "--clients" -> {
          List<Integer> cs = new ArrayList<>();
          for (String c : value(args, ++i, a).split(",")) {
            cs.add(Integer.parseInt(c.strip()));
          }
          cfg = cfg.withClients(cs);
        }
        case "-h", "--help" -> {
          System.out.println("usage: HttpIngestBenchmark [--server-jar PATH] [--seconds N]"
              + " [--warmup N] [--clients 1,16,64]");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + a + " (try --help)");
          System.exit(2);
        }
      }
    }
    try {
      Report r = run(cfg, System.err);
      System.out.println(r.markdown());
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace(System.err);
      System.exit(1);
    }
    System.exit(0); // the embedded PostgreSQL's shutdown hook and the client's threads
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static Duration seconds(String s) {
    return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
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
    PrintStream log =
        progress != null ? progress : new PrintStream(OutputStream.nullOutputStream());
    Path jar = cfg.serverJar().toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no server jar at " + jar + "; build it first (mvn -B"
          + " -DskipTests package) or pass --server-jar / -D" + SERVER_JAR_PROPERTY);
    }

    log.println("raw-insert baseline (PostgresAppendBenchmark, its own embedded PostgreSQL)");
    PostgresAppendBenchmark.Report raw = PostgresAppendBenchmark.run(
        new PostgresAppendBenchmark.Config(cfg.warmup(), cfg.measure(), null,
            List.of(cfg.rawThreads()), List.of(), List.of(), List.of(),
            cfg.rawRowsPerTransaction(), cfg.poolEvents(), false), log);
    PostgresAppendBenchmark.Result rawResult = raw.results().get(0);

    log.println("pre-generating " + cfg.poolEvents() + " request bodies");
    Bodies bodies = Bodies.generate(cfg.poolEvents(), cfg.batchSize());

    List<String> env = new ArrayList<>();
    env.add("JDK: " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + " (driver and server)");
    env.add("Machine: " + Runtime.getRuntime().availableProcessors() + " cores"
        + PostgresAppendBenchmark.Probe.cpuModel().map(m -> " (" + m + ")").orElse("")
        + PostgresAppendBenchmark.Probe.loadAverage().map(l -> ", load average at start " + l)
            .orElse("")
        + "; driver, server and both PostgreSQL instances on the same machine");
    raw.environment().stream().filter(e -> e.startsWith("PostgreSQL: "))
        .map(e -> e.replace("PostgreSQL: ", "Baseline PostgreSQL: "))
        .forEach(env::add);
    env.add("Server: java -jar " + jar.getFileName() + " (no JVM flags), embedded PostgreSQL"
        + " (fsync, synchronous_commit, full_page_writes on), fresh HYRELOG_DATA_DIR, PORT=0,"
        + " HYRELOG_HOST=127.0.0.1, both rate limits " + UNLIMITED + "/min, default logging"
        + " (one access-log line per request, to a file); 1 chain (the demo workspace key)");
    env.add(String.format(Locale.ROOT, "Events: SampleEvents(seed 1), %d distinct, reused"
        + " cyclically, the same sequence the baseline inserts; request JSON %.0f B per event"
        + " on average (the server adds its own request context); batches of %d events, %.0f kB"
        + " per request", cfg.poolEvents(), bodies.meanSingleBytes(), cfg.batchSize(),
        bodies.meanBatchBytes() / 1024));
    env.add("Driver: java.net.http.HttpClient, HTTP/1.1, one client shared by all client"
        + " threads (unbounded keep-alive pool), synchronous send per thread; warm-up "
        + secs(cfg.warmup()) + ", window " + secs(cfg.measure()) + " per run; latencies in"
        + " HdrHistogram (3 significant digits)");

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

  private static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  // ---------------------------------------------------------------------------------------
  // Requests

  /** Where requests go. */
  private record Target(HttpClient client, URI base, String workspaceKey) {
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
  private record Bodies(List<byte[]> single, List<byte[]> batches, int batchSize) {
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

  /** Per-thread tallies. */
  private static final class Tally {
    final Histogram latencies = new Histogram(3);
    long requests;
    long events;
    long acknowledged;
  }

  private static Result drive(Config cfg, Mode mode, int clients, Target target, Bodies bodies,
      ServerProcess server) throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    for (byte[] b : mode == Mode.SINGLE ? bodies.single() : bodies.batches()) {
      requests.add(target.post(mode, b));
    }
    int perRequest = mode == Mode.SINGLE ? 1 : bodies.batchSize();
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean abort = new AtomicBoolean();
    long[] bounds = new long[2]; // window start and end, nanoTime; published by `go`
    Tally[] tallies = new Tally[clients];
    Thread[] ts = new Thread[clients];
    for (int i = 0; i < clients; i++) {
      Tally tally = new Tally();
      tallies[i] = tally;
      int offset = i * (requests.size() / clients);
      ts[i] = new Thread(() -> {
        try {
          go.await();
          long start = bounds[0];
          long end = bounds[1];
          int cursor = offset;
          while (!abort.get()) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
              break;
            }
            HttpRequest req = requests.get(cursor);
            cursor = (cursor + 1) % requests.size();
            HttpResponse<String> resp = target.client().send(req, KEEP_ERRORS);
            long t1 = System.nanoTime();
            if (resp.statusCode() / 100 != 2) {
              throw new IllegalStateException(mode.label + " answered HTTP "
                  + resp.statusCode() + ": " + abbreviate(resp.body()));
            }
            tally.acknowledged += perRequest;
            if (t1 >= start && t1 < end) {
              tally.requests++;
              tally.events += perRequest;
              tally.latencies.recordValue(t1 - t0);
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          abort.set(true);
        }
      }, "http-client-" + i);
      ts[i].setDaemon(true);
      ts[i].start();
    }
    CpuProbe cpu = new CpuProbe(server);
    long now = System.nanoTime();
    bounds[0] = now + cfg.warmup().toNanos();
    bounds[1] = bounds[0] + cfg.measure().toNanos();
    go.countDown();
    sleepUntil(bounds[0], abort);
    cpu.start();
    Sockets sockets0 = Sockets.of(server.port());
    sleepUntil(bounds[1], abort);
    Sockets sockets1 = Sockets.of(server.port());
    List<String> notes = new ArrayList<>(cpu.stop((bounds[1] - bounds[0]) / 1e9));
    for (Thread t : ts) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(mode.label + " with " + clients + " clients failed: "
          + failure.get().getMessage(), failure.get());
    }
    Histogram all = new Histogram(3);
    long reqs = 0;
    long events = 0;
    long acked = 0;
    for (Tally t : tallies) {
      all.add(t.latencies);
      reqs += t.requests;
      events += t.events;
      acked += t.acknowledged;
    }
    double seconds = (bounds[1] - bounds[0]) / 1e9;
    if (sockets0 != null && sockets1 != null) {
      notes.add(String.format(Locale.ROOT, "connections to the server at window end: %d"
          + " established (%d of them opened during the window), %d in TIME_WAIT",
          sockets1.establishedPeers().size(), sockets1.newSince(sockets0),
          sockets1.timeWait()));
    }
    notes.add(0, String.format(Locale.ROOT, "%,d requests (%,d events) in %.1f s window,"
        + " %,d events acknowledged in all; max latency %.1f ms", reqs, events, seconds, acked,
        all.getMaxValue() / 1e6));
    return new Result(mode, clients, perRequest, reqs, events, seconds, reqs / seconds,
        events / seconds, all.getValueAtPercentile(50) / 1e6,
        all.getValueAtPercentile(99) / 1e6, all.getMaxValue() / 1e6, acked, notes);
  }

  private static void sleepUntil(long deadline, AtomicBoolean abort) throws InterruptedException {
    long left;
    while (!abort.get() && (left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Observation

  /** CPU over a window: the machine, this driver JVM, the server JVM, its PostgreSQL. */
  private static final class CpuProbe {
    private final ServerProcess server;
    private final com.sun.management.OperatingSystemMXBean os =
        ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean x ? x : null;
    private long[] machine0;
    private long driver0;
    private long server0;
    private long pg0;

    CpuProbe(ServerProcess server) {
      this.server = server;
    }

    void start() {
      machine0 = PostgresAppendBenchmark.Probe.machineJiffies();
      driver0 = os != null ? os.getProcessCpuTime() : -1;
      server0 = server.cpuNanos();
      pg0 = server.postgresJiffies();
    }

    List<String> stop(double seconds) {
      long[] machine1 = PostgresAppendBenchmark.Probe.machineJiffies();
      long driver1 = os != null ? os.getProcessCpuTime() : -1;
      long server1 = server.cpuNanos();
      long pg1 = server.postgresJiffies();
      List<String> cpu = new ArrayList<>();
      if (machine0 != null && machine1 != null) {
        double total = machine1[0] - machine0[0];
        int cores = Runtime.getRuntime().availableProcessors();
        cpu.add(String.format(Locale.ROOT, "machine %.2f of %d cores busy (iowait %.2f)",
            (machine1[1] - machine0[1]) / total * cores, cores,
            (machine1[2] - machine0[2]) / total * cores));
      }
      if (driver0 >= 0 && driver1 >= 0) {
        cpu.add(String.format(Locale.ROOT, "load driver %.2f", (driver1 - driver0) / 1e9
            / seconds));
      }
      if (server0 >= 0 && server1 >= 0) {
        cpu.add(String.format(Locale.ROOT, "server JVM %.2f", (server1 - server0) / 1e9
            / seconds));
      }
      if (pg0 >= 0 && pg1 >= 0) {
        cpu.add(String.format(Locale.ROOT, "server's PostgreSQL %.2f", (pg1 - pg0) / 100.0
            / seconds));
      }
      if (machine0 != null && machine1 != null && driver0 >= 0 && driver1 >= 0 && server0 >= 0
          && server1 >= 0 && pg0 >= 0 && pg1 >= 0) {
        double busy = (machine1[1] - machine0[1]) / (double) (machine1[0] - machine0[0])
            * Runtime.getRuntime().availableProcessors();
        double ours = (driver1 - driver0) / 1e9 / seconds + (server1 - server0) / 1e9 / seconds
            + (pg1 - pg0) / 100.0 / seconds;
        cpu.add(String.format(Locale.ROOT, "rest (other processes on the machine, kernel)"
            + " %.2f", Math.max(0, busy - ours)));
      }
      return cpu.isEmpty() ? List.of() : List.of("CPU (cores): " + String.join(", ", cpu));
    }
  }

  /** The server's TCP sockets, from {@code /proc/net/tcp[6]} (Linux). */
  record Sockets(Set<Integer> establishedPeers, int timeWait) {
    /** The sockets of {@code port}, or null when {@code /proc/net} is not readable. */
    static Sockets of(int port) {
      Set<Integer> peers = new HashSet<>();
      int timeWait = 0;
      boolean any = false;
      for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        List<String> lines;
        try {
          lines = Files.readAllLines(Path.of(f));
        } catch (IOException | RuntimeException e) {
          continue; // no IPv6, or not Linux
        }
        any = true;
        for (int i = 1; i < lines.size(); i++) {
          String[] c = lines.get(i).trim().split("\\s+");
          if (c.length < 4) {
            continue;
          }
          int local = Integer.parseInt(c[1].substring(c[1].indexOf(':') + 1), 16);
          int remote = Integer.parseInt(c[2].substring(c[2].indexOf(':') + 1), 16);
          if (c[3].equals("01") && local == port) {
            peers.add(remote);
          } else if (c[3].equals("06") && (local == port || remote == port)) {
            timeWait++;
          }
        }
      }
      return any ? new Sockets(peers, timeWait) : null;
    }

    /** Connections established now that were not at {@code before}. */
    long newSince(Sockets before) {
      return establishedPeers.stream().filter(p -> !before.establishedPeers.contains(p)).count();
    }
  }

  // ---------------------------------------------------------------------------------------
  // The server process

  /** {@code java -jar hyrelog-server.jar} in its own temporary directory. */
  static final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path root;
    private final Path logFile;
    private final int port;
    private final JsonNode credentials;
    private final Thread killer;
    private final PrintStream log;
    private boolean stopped;

    private ServerProcess(Process process, Path root, Path logFile, int port,
        JsonNode credentials, Thread killer, PrintStream log) {
      this.process = process;
      this.root = root;
      this.logFile = logFile;
      this.port = port;
      this.credentials = credentials;
      this.killer = killer;
      this.log = log;
    }

    static ServerProcess start(Path jar, Duration timeout, PrintStream log) throws Exception {
      return start(jar, timeout, log, List.of(), Map.of());
    }

    /** As {@link #start(Path, Duration, PrintStream)}, with JVM flags and more settings. */
    static ServerProcess start(Path jar, Duration timeout, PrintStream log, List<String> jvmFlags,
        Map<String, String> settings) throws Exception {
      Path root = Files.createTempDirectory("hyrelog-http-bench");
      Path data = root.resolve("data");
      Path logFile = root.resolve("server.log");
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>();
      cmd.add(javaBin);
      cmd.addAll(jvmFlags.stream().map(f -> f.replace("{root}", root.toString())).toList());
      cmd.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory(root.toFile())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("HYRELOG_") || k.equals("PORT"));
      env.put("HYRELOG_DATA_DIR", data.toString());
      env.put("PORT", "0");
      env.put("HYRELOG_HOST", "127.0.0.1");
      env.put("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", UNLIMITED);
      env.put("HYRELOG_RATE_LIMIT_IP_PER_MIN", UNLIMITED);
      // Up to the server's total in flight (150): one key and one address drive every client.
      env.put("HYRELOG_MAX_IN_FLIGHT_PER_KEY", "150");
      env.put("HYRELOG_MAX_IN_FLIGHT_PER_IP", "150");
      env.putAll(settings);
      log.println("starting the server: java " + String.join(" ", jvmFlags) + " -jar " + jar
          + " (data under " + data + ")");
      Process p = pb.start();
      Thread killer = new Thread(p::destroy, "hyrelog-bench-server-killer");
      Runtime.getRuntime().addShutdownHook(killer);
      try {
        int port = awaitListening(p, logFile, timeout);
        JsonNode creds = JSON.readTree(data.resolve("demo-credentials.json").toFile());
        for (String f : List.of("workspaceId", "workspaceKey")) {
          if (!creds.path(f).isTextual()) {
            throw new IllegalStateException("demo-credentials.json has no " + f);
          }
        }
        log.println("server listening on port " + port + " (pid " + p.pid() + ")");
        return new ServerProcess(p, root, logFile, port, creds, killer, log);
      } catch (Exception e) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        removeHook(killer);
        deleteTree(root);
        throw e;
      }
    }

    private static int awaitListening(Process p, Path logFile, Duration timeout)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String out = Files.exists(logFile) ? Files.readString(logFile) : "";
        Matcher m = LISTENING.matcher(out);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
        if (!p.isAlive()) {
          throw new IllegalStateException("the server exited with " + p.exitValue()
              + " before listening; its output:\n" + tail(out));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the server did not print its listening line within "
              + timeout.toSeconds() + " s; its output:\n" + tail(out));
        }
        Thread.sleep(100);
      }
    }

    URI baseUri() {
      return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The server's temporary directory (its data under {@code data/}). */
    Path root() {
      return root;
    }

    /** A field of the demo credentials (companyId, companyKey, workspaceId, …). */
    String credential(String field) {
      return credentials.path(field).asText();
    }

    /** The port of the server's embedded PostgreSQL. */
    int postgresPort() throws IOException {
      List<String> lines = Files.readAllLines(root.resolve("data").resolve("postgres")
          .resolve("postmaster.pid"));
      return Integer.parseInt(lines.get(3).trim());
    }

    int port() {
      return port;
    }

    String workspaceId() {
      return credentials.path("workspaceId").asText();
    }

    String workspaceKey() {
      return credentials.path("workspaceKey").asText();
    }

    /** CPU time of the server JVM; -1 when unknown. */
    long cpuNanos() {
      return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** CPU jiffies of the server's PostgreSQL (postmaster and its children); -1 if unknown. */
    long postgresJiffies() {
      return postmaster().map(PostgresAppendBenchmark.Probe::postgresJiffies).orElse(-1L);
    }

    private Optional<Long> postmaster() {
      try {
        List<String> lines = Files.readAllLines(root.resolve("data").resolve("postgres")
            .resolve("postmaster.pid"));
        return lines.isEmpty() ? Optional.empty()
            : Optional.of(Long.parseLong(lines.get(0).trim()));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    /** SIGTERM, then waits; says how the server ended. */
    String stop() throws InterruptedException {
      if (stopped) {
        return "already stopped";
      }
      stopped = true;
      Optional<Long> pm = postmaster();
      long t0 = System.nanoTime();
      process.destroy(); // SIGTERM: the server drains in-flight requests and stops PostgreSQL
      boolean exited = process.waitFor(90, TimeUnit.SECONDS);
      double took = (System.nanoTime() - t0) / 1e9;
      String s;
      if (exited) {
        s = String.format(Locale.ROOT, "SIGTERM, exited after %.1f s with status %d", took,
            process.exitValue());
      } else {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        s = "SIGTERM ignored for 90 s; killed";
      }
      if (pm.isPresent()) {
        Optional<ProcessHandle> h = ProcessHandle.of(pm.get());
        long until = System.nanoTime() + 10_000_000_000L;
        while (h.isPresent() && h.get().isAlive() && System.nanoTime() < until) {
          Thread.sleep(100);
        }
        if (h.isPresent() && h.get().isAlive()) {
          h.get().destroy();
          s += "; its PostgreSQL (pid " + pm.get() + ") was still running and got SIGTERM";
        } else {
          s += "; its PostgreSQL stopped with it";
        }
      }
      log.println("  " + s);
      return s;
    }

    @Override
    public void close() throws InterruptedException {
      try {
        stop();
      } finally {
        removeHook(killer);
        deleteTree(root);
      }
    }

    private static void removeHook(Thread hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }

    private static String tail(String out) {
      String[] lines = out.split("\n");
      return String.join("\n", Arrays.asList(lines)
          .subList(Math.max(0, lines.length - 30), lines.length));
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // a temporary directory
      }
    }
  }
}
