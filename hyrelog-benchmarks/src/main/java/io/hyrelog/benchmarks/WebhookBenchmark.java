package io.hyrelog.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Bodies;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Mode;
import io.hyrelog.benchmarks.HttpIngestBenchmark.Target;
import io.hyrelog.benchmarks.support.Arguments;
import io.hyrelog.benchmarks.support.Latencies;
import io.hyrelog.benchmarks.support.Machine;
import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.ServerProcess;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSigner;
import io.hyrelog.webhook.WebhookVerificationException;
import io.hyrelog.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Load driver for webhooks, end to end: starts {@code hyrelog-server.jar} as a separate process
 * ({@link ServerProcess}: embedded PostgreSQL, rate limits out of the way, {@code
 * HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true} so it may post to 127.0.0.1), an HTTP receiver in
 * this JVM (the JDK's {@code HttpServer} on 127.0.0.1, a pool of threads, every delivery answered
 * 204 at once and checked after the answer) and creates {@code endpoints} webhook endpoints
 * (default 10) on the demo workspace through {@code POST /v1/workspaces/{id}/webhooks} with the
 * demo company key, each subscribed to {@code AUDIT_EVENT_CREATED} at its own receiver path.
 * Everything runs into one chain (the demo workspace).
 *
 * <p><b>Paced run</b>: after a warm-up of the ingest path (closed loop, 16 clients, the
 * endpoints disabled so those events have no deliveries), an open-loop driver posts single events ({@code POST /v1/events}) at a
 * target rate (default 1,000 events/s) for a window: event {@code k} is due at {@code start + k /
 * rate} whether or not earlier requests have been answered (a pool of sender threads; how late
 * sends started is reported, so a driver that could not keep the pace shows). Then the driver
 * waits until every acknowledged event has reached every endpoint (or a drain timeout passed).
 * Latency of a delivery is the receiver's arrival time minus the append's commit, on this
 * machine's wall clock (driver, receiver and server share it). The commit itself is not
 * observable from outside, so it is bracketed: the event's {@code recordedAt} is taken by the
 * server's group committer <i>before</i> the append transaction (it is written by it), so
 * {@code arrival - recordedAt} is an upper bound of commit-to-receiver; the client's receipt of
 * the 201 comes <i>after</i> the commit, so {@code arrival - 201 received} is a lower bound. Both
 * are reported (p50, p99, max over all {@code endpoints × events} deliveries). Deliveries/s are
 * counted twice: arrivals inside the sending window per second, and all deliveries over the time
 * from the first send to the last arrival; the drain time is the last arrival minus the end of
 * the window. The run is checked: every acknowledged event must have reached every endpoint
 * exactly once (no event twice, by event id and by {@code webhook-id}; nothing unknown), and
 * every delivery's signature must verify ({@link WebhookVerifier} with the endpoint's secret).
 * A failed check fails the benchmark; the figures are printed only for a clean run.
 *
 * <p><b>Saturation runs</b>: closed-loop maximum ingest, as {@link HttpIngestBenchmark} drives it
 * ({@code singleClients} clients posting single events, {@code batchClients} clients posting
 * batches of {@code batchSize}), once with the endpoints enabled and once with all of them
 * disabled ({@code POST /v1/webhooks/{id}/disable}: the fan-out then creates no deliveries, the
 * dispatcher claims nothing), in {@code rounds} rounds, the order of on and off alternating per
 * round (on-off, off-on, …) so a drift of the machine affects both alike. Reported: each run's
 * events/s, the median of the rounds for on and off, and the median of the per-round ratios
 * on/off (the aim: at least 0.9). With webhooks on, the server also delivers (the
 * backlog of the earlier runs included) beside the ingest: that is the cost being measured.
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.WebhookBenchmark \
 *     [--server-jar PATH] [--endpoints 10] [--rate 1000] [--seconds 20] [--drain-timeout 120]
 *     [--warmup 3] [--window 10] [--rounds 3] [--single-clients 64] [--batch-clients 16]
 *     [--phases paced,saturation] [--server-jvm-flag FLAG]...
 * </pre>
 *
 * <p>{@code --server-jvm-flag} passes a flag to the server's JVM (repeatable), e.g. {@code
 * -XX:StartFlightRecording=filename=/tmp/server.jfr,settings=profile} to profile it (the
 * server's temporary directory is removed at the end: give the recording an absolute path
 * outside it).
 */
public final class WebhookBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The aim for ingest with webhooks on, as a fraction of the same ingest with them off. */
  public static final double AIM_RATIO = 0.9;

  private WebhookBenchmark() {}

  /** Which parts run. */
  public enum Phase { PACED, SATURATION }

  /**
   * What to run.
   *
   * @param serverJar the shaded {@code hyrelog-server.jar}
   * @param endpoints webhook endpoints on the demo workspace (1..50)
   * @param rate target events/s of the paced run
   * @param paced the paced run's sending window
   * @param drainTimeout how long after the window every delivery may take to arrive
   * @param warmup warm-up of each saturation run
   * @param window measured window of each saturation run
   * @param rounds saturation rounds (each: on and off, for single events and for batches)
   * @param singleClients closed-loop clients posting single events
   * @param batchClients closed-loop clients posting batches
   * @param batchSize events per batch
   * @param phases the parts to run
   * @param serverJvmFlags flags for the server's JVM
   * @param startupTimeout how long the server may take to listen
   */
  public record Config(Path serverJar, int endpoints, double rate, Duration paced,
      Duration drainTimeout, Duration warmup, Duration window, int rounds, int singleClients,
      int batchClients, int batchSize, Set<Phase> phases, List<String> serverJvmFlags,
      Duration startupTimeout) {
    public Config {
      Objects.requireNonNull(serverJar, "serverJar");
      Objects.requireNonNull(paced, "paced");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(startupTimeout, "startupTimeout");
      phases = Set.copyOf(phases);
      serverJvmFlags = List.copyOf(serverJvmFlags);
      if (endpoints < 1 || endpoints > 50) {
        throw new IllegalArgumentException("endpoints must be 1..50, got " + endpoints);
      }
      if (!(rate >= 1 && rate <= 100_000)) {
        throw new IllegalArgumentException("rate must be 1..100000 events/s, got " + rate);
      }
      if (paced.isNegative() || paced.isZero() || window.isNegative() || window.isZero()
          || warmup.isNegative() || drainTimeout.isNegative()) {
        throw new IllegalArgumentException("seconds and window must be > 0, warmup and"
            + " drain timeout >= 0");
      }
      if (rounds < 1 || singleClients < 1 || batchClients < 1 || batchSize < 2
          || batchSize > 1000) {
        throw new IllegalArgumentException("rounds and clients must be >= 1, batch size"
            + " 2..1000");
      }
      if (phases.isEmpty()) {
        throw new IllegalArgumentException("phases must name paced and/or saturation");
      }
    }

    /** 10 endpoints; 1,000 events/s for 20 s; 3 rounds of 3 s warm-up + 10 s window. */
    public static Config defaults() {
      return new Config(HttpIngestBenchmark.defaultServerJar(), 10, 1000, Duration.ofSeconds(20),
          Duration.ofSeconds(120), Duration.ofSeconds(3), Duration.ofSeconds(10), 3, 64, 16, 100,
          Set.of(Phase.PACED, Phase.SATURATION), List.of(), Duration.ofSeconds(120));
    }

    Config with(Path jar, int eps, double r, Duration p, Duration drain, Duration w,
        Duration win, int rs, int sc, int bc, Set<Phase> ph, List<String> flags) {
      return new Config(jar, eps, r, p, drain, w, win, rs, sc, bc, batchSize, ph, flags,
          startupTimeout);
    }

    /** Events the paced run schedules: rate × seconds. */
    public long pacedEvents() {
      return Math.round(rate * paced.toNanos() / 1e9);
    }

    /** The settings of {@link HttpIngestBenchmark}'s closed-loop runs. */
    HttpIngestBenchmark.Config ingest() {
      return new HttpIngestBenchmark.Config(serverJar, warmup, window,
          List.of(singleClients, batchClients), batchSize, 1, batchSize, Math.max(10_000,
              batchSize * 10), startupTimeout);
    }
  }

  /**
   * The paced run.
   *
   * @param events events acknowledged with 201
   * @param sendSeconds from the first send's due time to the last answer (longer than the
   *     scheduled window when the server or the driver could not keep the pace)
   * @param maxSendLateMs how late the latest send started after it was due
   * @param deliveries deliveries received (each verified)
   * @param expected events × endpoints
   * @param sinceResponse arrival minus the client's receipt of the 201 (a lower bound)
   * @param sinceRecorded arrival minus the event's recordedAt (an upper bound)
   * @param deliveriesPerSecondInWindow arrivals inside the sending window per second
   * @param deliveriesPerSecondOverall all deliveries over first send to last arrival
   * @param drainSeconds last arrival minus the window's end
   * @param backlogAtWindowEnd deliveries not yet received when the window ended
   */
  public record Paced(long events, double sendSeconds, double maxSendLateMs, long deliveries,
      long expected, Latencies sinceResponse, Latencies sinceRecorded,
      double deliveriesPerSecondInWindow, double deliveriesPerSecondOverall,
      double drainSeconds, long backlogAtWindowEnd) {
    public double eventsPerSecond() {
      return events / sendSeconds;
    }
  }

  /**
   * One saturation run.
   *
   * @param round 1-based round
   * @param webhooks whether the endpoints were enabled
   */
  public record Run(int round, Mode mode, boolean webhooks, HttpIngestBenchmark.Result result) {}

  /** What a run measured. */
  public record Report(Config config, List<String> environment, Paced paced, List<Run> runs,
      long receivedInAll, long badSignatures, String serverStop, Duration runtime) {
    public Report {
      environment = List.copyOf(environment);
      runs = List.copyOf(runs);
    }

    /** The median over the rounds of the on/off ratio of {@code mode}; NaN if not run. */
    public double ratio(Mode mode) {
      List<Double> ratios = new ArrayList<>();
      for (int r = 1; r <= config.rounds(); r++) {
        double on = rate(mode, true, r);
        double off = rate(mode, false, r);
        if (on > 0 && off > 0) {
          ratios.add(on / off);
        }
      }
      return median(ratios);
    }

    /** The median events/s over the rounds of {@code mode} with webhooks on or off. */
    public double medianRate(Mode mode, boolean webhooks) {
      return median(runs.stream().filter(x -> x.mode() == mode && x.webhooks() == webhooks)
          .map(x -> x.result().eventsPerSecond()).toList());
    }

    private double rate(Mode mode, boolean webhooks, int round) {
      return runs.stream().filter(x -> x.mode() == mode && x.webhooks() == webhooks
          && x.round() == round).mapToDouble(x -> x.result().eventsPerSecond()).findFirst()
          .orElse(-1);
    }

    public String markdown() {
      StringBuilder s = new StringBuilder();
      if (paced != null) {
        Paced p = paced;
        s.append(String.format(Locale.ROOT, "Paced run: %s events/s target, %d endpoints,"
            + " open loop, %,d events scheduled over %s (sending took %.1f s).%n%n",
            Markdown.number(config.rate()), config.endpoints(),
            config.pacedEvents(),
            Markdown.seconds(config.paced()), p.sendSeconds()));
        s.append(Markdown.header("measure", "value"));
        s.append(Markdown.row("events acknowledged (201)", String.format(Locale.ROOT,
            "%,d (%s events/s; latest send started %.1f ms late)", p.events(),
            Markdown.number(p.eventsPerSecond()), p.maxSendLateMs())));
        s.append(Markdown.row("deliveries received, each once, signatures verified",
            String.format(Locale.ROOT, "%,d of %,d", p.deliveries(), p.expected())));
        s.append(Markdown.row("latency from the 201's receipt (after commit): p50 / p99 / max",
            latencies(p.sinceResponse())));
        s.append(Markdown.row("latency from recordedAt (before commit): p50 / p99 / max",
            latencies(p.sinceRecorded())));
        s.append(Markdown.row("deliveries/s inside the sending window",
            Markdown.number(p.deliveriesPerSecondInWindow())));
        s.append(Markdown.row("deliveries/s, first send to last arrival",
            Markdown.number(p.deliveriesPerSecondOverall())));
        s.append(Markdown.row("backlog at the window's end", String.format(Locale.ROOT, "%,d",
            p.backlogAtWindowEnd())));
        s.append(Markdown.row("drain: last arrival after the window's end",
            String.format(Locale.ROOT, "%.1f s", p.drainSeconds())));
        s.append('\n');
      }
      if (!runs.isEmpty()) {
        s.append(String.format(Locale.ROOT, "Saturation: closed-loop ingest with the %d"
            + " endpoints enabled (on) and disabled (off), %d rounds, order alternating.%n%n",
            config.endpoints(), config.rounds()));
        s.append(Markdown.header("ingest", "clients", "events/s on (per round)",
            "events/s off (per round)", "median on", "median off", "on/off (median of rounds)"));
        for (Mode m : Mode.values()) {
          List<Run> on = runs.stream().filter(x -> x.mode() == m && x.webhooks()).toList();
          if (on.isEmpty()) {
            continue;
          }
          s.append(Markdown.row(on.get(0).result().label(), on.get(0).result().clients(),
              perRound(m, true), perRound(m, false), Markdown.number(medianRate(m, true)),
              Markdown.number(medianRate(m, false)), Markdown.ratio(ratio(m))));
        }
        s.append(String.format(Locale.ROOT, "%nAim: ingest with webhooks on >= %.0f%% of off: ",
            AIM_RATIO * 100));
        List<String> verdicts = new ArrayList<>();
        for (Mode m : Mode.values()) {
          double r = ratio(m);
          if (!Double.isNaN(r)) {
            verdicts.add((m == Mode.SINGLE ? "single " : "batch ") + (r >= AIM_RATIO ? "**met**"
                : "**not met**") + " (" + Markdown.ratio(r) + ")");
          }
        }
        s.append(String.join(", ", verdicts)).append(".\n\n");
      }
      s.append(String.format(Locale.ROOT, "Deliveries received in all: %,d, bad signatures:"
          + " %d. Server stop: %s%n%n", receivedInAll, badSignatures, serverStop));
      s.append(Markdown.bullets(environment));
      s.append("- Total runtime: ").append(Markdown.seconds(runtime)).append('\n');
      if (!runs.isEmpty()) {
        s.append("\nObservations per saturation run:\n\n");
        List<String> notes = new ArrayList<>();
        for (Run r : runs) {
          notes.add("**round " + r.round() + ", " + (r.mode() == Mode.SINGLE ? "single" : "batch")
              + ", webhooks " + (r.webhooks() ? "on" : "off") + "**: "
              + String.join("; ", r.result().notes()));
        }
        s.append(Markdown.bullets(notes));
      }
      return s.toString();
    }

    private String perRound(Mode m, boolean on) {
      List<String> out = new ArrayList<>();
      for (int r = 1; r <= config.rounds(); r++) {
        double v = rate(m, on, r);
        out.add(v < 0 ? "–" : Markdown.number(v));
      }
      return String.join(" / ", out);
    }

    private static String latencies(Latencies l) {
      return Markdown.millis(l.percentileMillis(0.50)) + " / "
          + Markdown.millis(l.percentileMillis(0.99)) + " / " + Markdown.millis(l.maxMillis())
          + " ms";
    }
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  public static void main(String[] args) {
    Arguments.report(() -> run(parse(args), System.err).markdown());
  }

  static Config parse(String[] args) {
    Config c = Config.defaults();
    Arguments a = new Arguments(args, "usage: WebhookBenchmark [--server-jar PATH]"
        + " [--endpoints 10] [--rate 1000] [--seconds 20] [--drain-timeout 120] [--warmup 3]"
        + " [--window 10] [--rounds 3] [--single-clients 64] [--batch-clients 16]"
        + " [--phases paced,saturation] [--server-jvm-flag FLAG]...");
    Path jar = c.serverJar();
    int endpoints = c.endpoints();
    double rate = c.rate();
    Duration paced = c.paced();
    Duration drain = c.drainTimeout();
    Duration warmup = c.warmup();
    Duration window = c.window();
    int rounds = c.rounds();
    int single = c.singleClients();
    int batch = c.batchClients();
    Set<Phase> phases = c.phases();
    List<String> flags = new ArrayList<>();
    while (a.hasNext()) {
      switch (a.next()) {
        case "--server-jar" -> jar = Path.of(a.value());
        case "--endpoints" -> endpoints = a.intValue();
        case "--rate" -> rate = a.intValue();
        case "--seconds" -> paced = a.seconds();
        case "--drain-timeout" -> drain = a.seconds();
        case "--warmup" -> warmup = a.seconds();
        case "--window" -> window = a.seconds();
        case "--rounds" -> rounds = a.intValue();
        case "--single-clients" -> single = a.intValue();
        case "--batch-clients" -> batch = a.intValue();
        case "--phases" -> phases = phases(a.value());
        case "--server-jvm-flag" -> flags.add(a.value());
        default -> a.unknown();
      }
    }
    return c.with(jar, endpoints, rate, paced, drain, warmup, window, rounds, single, batch,
        phases, flags);
  }

  private static Set<Phase> phases(String list) {
    Set<Phase> out = java.util.EnumSet.noneOf(Phase.class);
    for (String p : list.split(",")) {
      try {
        out.add(Phase.valueOf(p.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--phases takes paced and/or saturation, got " + p);
      }
    }
    return out;
  }

  /**
   * Starts the receiver and the server, creates the endpoints, runs the phases, checks the
   * deliveries and stops everything.
   *
   * @param progress where to print progress lines (not the report); may be null
   * @throws IllegalStateException when a request fails or a delivery check fails
   */
  public static Report run(Config cfg, PrintStream progress) throws Exception {
    long started = System.nanoTime();
    PrintStream log = HttpIngestBenchmark.orDiscard(progress);
    Path jar = HttpIngestBenchmark.requireServerJar(cfg.serverJar());
    Bodies bodies = Bodies.generate(cfg.ingest().poolEvents(), cfg.batchSize());
    List<String> env = new ArrayList<>();
    env.add(Machine.jdk() + " (driver, receiver and server)");
    env.add(Machine.description() + "; driver, receiver, server and its PostgreSQL on the same"
        + " machine");
    env.add("Server: java " + (cfg.serverJvmFlags().isEmpty() ? ""
        : String.join(" ", cfg.serverJvmFlags()) + " ") + "-jar " + jar.getFileName()
        + ", embedded PostgreSQL (fsync, synchronous_commit, full_page_writes on), fresh"
        + " HYRELOG_DATA_DIR, rate limits " + ServerProcess.UNLIMITED
        + "/min, HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, default dispatcher settings;"
        + " 1 chain (the demo workspace)");
    env.add("Receiver: JDK HttpServer on 127.0.0.1 in the driver's JVM, " + Receiver.THREADS
        + " threads, 204 at once, signature and event checked after answering");
    env.add("Driver: java.net.http.HttpClient, HTTP/1.1; paced run: open loop, "
        + PACED_SENDERS + " sender threads; saturation: as HttpIngestBenchmark, warm-up "
        + Markdown.seconds(cfg.warmup()) + ", window " + Markdown.seconds(cfg.window()));
    Paced paced = null;
    List<Run> runs = new ArrayList<>();
    String stop;
    Map<String, String> settings = Map.of("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true",
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "100000");
    try (Receiver receiver = Receiver.start(cfg.endpoints());
        ServerProcess server = ServerProcess.start(jar, cfg.startupTimeout(), log,
            cfg.serverJvmFlags(), settings)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      Admin admin = new Admin(client, server.baseUri(), server.credential("companyKey"));
      upgradePlan(server, cfg.endpoints());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < cfg.endpoints(); i++) {
        JsonNode created = admin.post("/v1/workspaces/" + server.workspaceId() + "/webhooks",
            "{\"url\":\"" + receiver.url(i) + "\",\"events\":[\"AUDIT_EVENT_CREATED\"],"
                + "\"description\":\"benchmark " + i + "\"}", 201);
        ids.add(created.path("id").asText());
        receiver.secret(i, WebhookSecret.parse(created.path("secret").asText()));
      }
      log.println("created " + ids.size() + " webhook endpoints");
      Target target = new Target(client, server.baseUri(), server.workspaceKey());
      if (cfg.phases().contains(Phase.PACED)) {
        // Warm the server's ingest path (JIT) first, with the endpoints disabled: no deliveries
        // are created for those events, so the paced run's check covers its own.
        setEnabled(admin, ids, false);
        log.println("warm-up: single events, 16 clients, webhooks off");
        HttpIngestBenchmark.drive(cfg.ingest(), Mode.SINGLE, 16, target, bodies, server);
        setEnabled(admin, ids, true);
        log.printf(Locale.ROOT, "paced run: %.0f events/s for %d s%n", cfg.rate(),
            cfg.paced().toSeconds());
        paced = paced(cfg, target, bodies, receiver, log);
        log.printf(Locale.ROOT, "  %,d deliveries, p50 %.1f ms, p99 %.1f ms, drain %.1f s%n",
            paced.deliveries(), paced.sinceResponse().percentileMillis(0.5),
            paced.sinceResponse().percentileMillis(0.99), paced.drainSeconds());
      }
      receiver.stopTracking();
      if (cfg.phases().contains(Phase.SATURATION)) {
        for (int round = 1; round <= cfg.rounds(); round++) {
          for (Mode mode : Mode.values()) {
            int clients = mode == Mode.SINGLE ? cfg.singleClients() : cfg.batchClients();
            boolean first = round % 2 == 1;
            for (boolean on : new boolean[] {first, !first}) {
              setEnabled(admin, ids, on);
              log.printf(Locale.ROOT, "round %d, %s, %d clients, webhooks %s...%n", round,
                  mode.label, clients, on ? "on" : "off");
              HttpIngestBenchmark.Result r = HttpIngestBenchmark.drive(cfg.ingest(), mode,
                  clients, target, bodies, server);
              runs.add(new Run(round, mode, on, r));
              log.printf(Locale.ROOT, "  %,.0f events/s%n", r.eventsPerSecond());
            }
          }
        }
      }
      if (receiver.badSignatures.get() > 0 || receiver.unknown.get() > 0) {
        throw new IllegalStateException(receiver.badSignatures.get() + " deliveries did not"
            + " verify, " + receiver.unknown.get() + " came to no endpoint's path");
      }
      stop = server.stop();
      return new Report(cfg, env, paced, runs, receiver.received.get(),
          receiver.badSignatures.get(), stop, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  // ---------------------------------------------------------------------------------------
  // The paced run

  static final int PACED_SENDERS = 64;

  private record Sent(long responseMicros, long recordedMicros) {}

  private static Paced paced(Config cfg, Target target, Bodies bodies, Receiver receiver,
      PrintStream log) throws Exception {
    long total = cfg.pacedEvents();
    double interval = 1e9 / cfg.rate();
    Map<UUID, Sent> sent = new ConcurrentHashMap<>();
    AtomicLong next = new AtomicLong();
    AtomicLong maxLate = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<HttpRequest> requests = bodies.single().stream()
        .map(b -> target.post(Mode.SINGLE, b)).toList();
    long startMicros = nowMicros() + 200_000;
    long start = System.nanoTime() + 200_000_000L;
    Thread[] senders = new Thread[PACED_SENDERS];
    for (int i = 0; i < senders.length; i++) {
      senders[i] = new Thread(() -> {
        long k;
        while (failure.get() == null && (k = next.getAndIncrement()) < total) {
          long due = start + Math.round(k * interval);
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          maxLate.accumulateAndGet(System.nanoTime() - due, Math::max);
          try {
            HttpResponse<String> r = target.client().send(requests.get((int) (k
                % requests.size())), HttpResponse.BodyHandlers.ofString());
            long receipt = nowMicros();
            if (r.statusCode() != 201) {
              throw new IllegalStateException("POST /v1/events answered " + r.statusCode()
                  + ": " + HttpIngestBenchmark.abbreviate(r.body()));
            }
            JsonNode e = JSON.readTree(r.body());
            sent.put(UUID.fromString(e.path("id").asText()), new Sent(receipt,
                micros(Instant.parse(e.path("recordedAt").asText()))));
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }
      }, "paced-sender-" + i);
      senders[i].setDaemon(true);
      senders[i].start();
    }
    for (Thread t : senders) {
      t.join();
    }
    long windowEndMicros = nowMicros();
    if (failure.get() != null) {
      throw new IllegalStateException("the paced run failed: " + failure.get(), failure.get());
    }
    long expected = (long) sent.size() * cfg.endpoints();
    long backlog = expected - receiver.received.get();
    log.printf(Locale.ROOT, "  sent %,d events; %,d of %,d deliveries received; draining%n",
        sent.size(), receiver.received.get(), expected);
    long deadline = System.nanoTime() + cfg.drainTimeout().toNanos();
    while (receiver.received.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(500); // anything arriving twice arrives now or not at all in this run
    List<String> problems = new ArrayList<>();
    Latencies sinceResponse = new Latencies();
    Latencies sinceRecorded = new Latencies();
    long lastArrival = 0;
    long inWindow = 0;
    long deliveries = 0;
    for (int i = 0; i < cfg.endpoints(); i++) {
      Map<UUID, Long> arrivals = receiver.arrivals.get(i);
      long missing = sent.keySet().stream().filter(id -> !arrivals.containsKey(id)).count();
      long unknown = arrivals.keySet().stream().filter(id -> !sent.containsKey(id)).count();
      if (missing > 0 || unknown > 0) {
        problems.add(String.format(Locale.ROOT, "endpoint %d: %,d events missing, %,d unknown",
            i, missing, unknown));
      }
      for (Map.Entry<UUID, Long> a : arrivals.entrySet()) {
        Sent s = sent.get(a.getKey());
        if (s == null) {
          continue;
        }
        deliveries++;
        long at = a.getValue();
        sinceResponse.record(Math.max(0, at - s.responseMicros()) * 1000);
        sinceRecorded.record(Math.max(0, at - s.recordedMicros()) * 1000);
        lastArrival = Math.max(lastArrival, at);
        if (at >= startMicros && at < windowEndMicros) {
          inWindow++;
        }
      }
    }
    if (receiver.duplicateEvents.get() > 0 || receiver.duplicateIds.get() > 0) {
      problems.add(receiver.duplicateEvents.get() + " events and " + receiver.duplicateIds.get()
          + " webhook-ids arrived twice");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the deliveries of the paced run fail the check"
          + " (drain timeout " + cfg.drainTimeout().toSeconds() + " s): "
          + String.join("; ", problems));
    }
    double sendSeconds = (windowEndMicros - startMicros) / 1e6;
    return new Paced(sent.size(), sendSeconds, maxLate.get() / 1e6, deliveries, expected,
        sinceResponse, sinceRecorded, inWindow / sendSeconds,
        deliveries / ((lastArrival - startMicros) / 1e6), Math.max(0,
            (lastArrival - windowEndMicros) / 1e6), backlog);
  }

  private static long nowMicros() {
    return micros(Instant.now());
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static void setEnabled(Admin admin, List<String> ids, boolean on) throws Exception {
    for (String id : ids) {
      admin.post("/v1/webhooks/" + id + (on ? "/enable" : "/disable"), null, 200);
    }
  }

  /**
   * The demo company is on GROWTH (3 endpoints), and no plan gives more than 20, so the driver
   * sets the company's plan and a {@code maxWebhooks} override in the server's own database
   * (companies are read for every request): ENTERPRISE with room for {@code endpoints}.
   */
  private static void upgradePlan(ServerProcess server, int endpoints) throws Exception {
    String url = "jdbc:postgresql://localhost:" + server.postgresPort() + "/hyrelog?user=postgres";
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("UPDATE hyrelog.companies"
            + " SET plan_tier = 'ENTERPRISE', plan_overrides = jsonb_build_object('maxWebhooks', ?)"
            + " WHERE id = ?")) {
      ps.setInt(1, Math.max(endpoints, 20));
      ps.setObject(2, UUID.fromString(server.credential("companyId")));
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("the demo company is not in the server's database");
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // The server's webhook routes

  /** The company-key routes. */
  private record Admin(HttpClient client, URI base, String companyKey) {
    JsonNode post(String path, String body, int expected) throws IOException,
        InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + companyKey);
      if (body != null) {
        b.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
      } else {
        b.POST(HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
            + HttpIngestBenchmark.abbreviate(r.body()));
      }
      return JSON.readTree(r.body());
    }
  }

  // ---------------------------------------------------------------------------------------
  // The receiver

  /**
   * The endpoints' receiver: path {@code /hook-i} is endpoint {@code i}. Answers 204 before it
   * looks at the delivery, then verifies its signature and, while tracking, records the event's
   * arrival per endpoint and every {@code webhook-id}, counting repeats.
   */
  static final class Receiver implements AutoCloseable {
    static final int THREADS = 16;
    private final HttpServer server;
    private final ExecutorService pool;
    private final WebhookVerifier[] verifiers;
    final List<Map<UUID, Long>> arrivals = new ArrayList<>();
    private final Set<String> webhookIds = ConcurrentHashMap.newKeySet();
    private volatile boolean tracking = true;
    final AtomicLong received = new AtomicLong();
    final AtomicLong badSignatures = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong duplicateEvents = new AtomicLong();
    final AtomicLong duplicateIds = new AtomicLong();

    private Receiver(HttpServer server, ExecutorService pool, int endpoints) {
      this.server = server;
      this.pool = pool;
      this.verifiers = new WebhookVerifier[endpoints];
      for (int i = 0; i < endpoints; i++) {
        arrivals.add(new ConcurrentHashMap<>());
      }
    }

    static Receiver start(int endpoints) throws IOException {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
          0), 256);
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "webhook-receiver-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      Receiver r = new Receiver(s, pool, endpoints);
      s.createContext("/", r::handle);
      s.setExecutor(pool);
      s.start();
      return r;
    }

    String url(int endpoint) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook-" + endpoint;
    }

    void secret(int endpoint, WebhookSecret secret) {
      verifiers[endpoint] = WebhookVerifier.builder().secret(secret).build();
    }

    /** From now on only counts and signatures (the saturation runs' deliveries are many). */
    void stopTracking() {
      tracking = false;
    }

    private void handle(HttpExchange x) throws IOException {
      long at = nowMicros();
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      x.sendResponseHeaders(204, -1);
      x.close();
      String path = x.getRequestURI().getPath();
      int endpoint = -1;
      if (path.startsWith("/hook-")) {
        try {
          endpoint = Integer.parseInt(path.substring("/hook-".length()));
        } catch (NumberFormatException e) {
          endpoint = -1;
        }
      }
      if (endpoint < 0 || endpoint >= verifiers.length || verifiers[endpoint] == null) {
        unknown.incrementAndGet();
        return;
      }
      Map<String, String> headers = new HashMap<>();
      for (String h : List.of(WebhookSigner.ID, WebhookSigner.TIMESTAMP,
          WebhookSigner.SIGNATURE)) {
        String v = x.getRequestHeaders().getFirst(h);
        if (v != null) {
          headers.put(h, v);
        }
      }
      received.incrementAndGet();
      try {
        verifiers[endpoint].verify(headers, body);
      } catch (WebhookVerificationException e) {
        badSignatures.incrementAndGet();
        return;
      }
      if (!tracking) {
        return;
      }
      if (!webhookIds.add(headers.get(WebhookSigner.ID))) {
        duplicateIds.incrementAndGet();
      }
      UUID event = UUID.fromString(JSON.readTree(body).path("id").asText());
      if (arrivals.get(endpoint).putIfAbsent(event, at) != null) {
        duplicateEvents.incrementAndGet();
      }
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
