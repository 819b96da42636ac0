package io.hyrelog.benchmarks;

import io.hyrelog.benchmarks.support.Arguments;
import io.hyrelog.benchmarks.support.CpuMeter;
import io.hyrelog.benchmarks.support.Latencies;
import io.hyrelog.benchmarks.support.LoadWindow;
import io.hyrelog.benchmarks.support.Machine;
import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.PostgresCluster;
import io.hyrelog.benchmarks.support.RawRows;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventLimits;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.IdSource;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.testkit.SampleEvents;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load driver for {@link PostgresEventStore}: durable single-event appends through {@link
 * EventLog#append} at 1, 16 and 64 concurrent appender threads over 1 and 100 chains, each
 * figure next to baselines measured in the same run on the same database:
 *
 * <ul>
 *   <li><b>A, raw insert</b>: the same rows the store writes (an {@code events} row with its
 *       ~1 KB canonical {@code view} and {@code metadata} jsonb, plus the event's {@code
 *       event_personal} rows, all built by {@link EventRows#toRow} from pre-sealed events), in
 *       JDBC batches ({@code reWriteBatchedInserts=true}) of {@link Config#rowsPerTransaction}
 *       events per durable transaction; no hashing, no head locks. The ratio column divides by
 *       the <em>best</em> raw-insert figure over its thread counts: what this database can
 *       absorb for these rows at all.
 *   <li><b>B, one transaction per event</b>: the same rows, one event (and its personal rows)
 *       per durable transaction, at the same thread counts: what per-event commits reach here
 *       without any group commit in the client.
 *   <li><b>Library</b>: {@code EventLog.append} of one event per call; an append returns after
 *       the store's group transaction committed with {@code synchronous_commit=on}. Each call
 *       goes to the next chain round-robin (one counter over all threads), so with 100 chains
 *       every thread count spreads its calls over all 100 chains.
 * </ul>
 *
 * <p>Every scenario gets a fresh database copied from a migrated template, a CHECKPOINT before
 * it starts, a warm-up and a measured window. Throughput counts the operations that completed
 * inside the window; latencies are the wall times of those operations ({@link System#nanoTime()}
 * around each call), percentiles are exact (nearest rank over the sorted latencies of all
 * threads). After a library scenario every chain is verified with {@link EventLog#verify} and
 * its event count must equal the number of acknowledged appends; otherwise the run fails
 * without printing figures.
 *
 * <p>Why not JMH: the quantity of interest is the latency distribution and throughput of a
 * concurrent, I/O-bound, durable store at fixed concurrency, measured against baselines on the
 * same server in the same run. That needs per-scenario setup outside the measured code (a fresh
 * database, a started store, varying thread counts in one JVM so the server and its cache stay
 * the same), one merged exact latency distribution over all threads, and a correctness gate
 * (chain verification) after each measurement before any number may be reported. JMH's
 * machinery is built for CPU-bound microbenchmarks (forks, JIT warm-up, dead-code protection);
 * operations that take milliseconds and wait on fsync gain nothing from it, and its forks would
 * restart or share PostgreSQL across scenarios.
 *
 * <p>Alongside the table it prints, per scenario, how busy the machine, this JVM, PostgreSQL and
 * the store's writer thread were (from {@code /proc} and {@link ThreadMXBean}), WAL volume and
 * WAL flushes per commit (PostgreSQL's statistics views), the group sizes the store achieved
 * (events committed by one transaction share {@code xmin}), and where the writer thread spends
 * its time (its stack sampled every few milliseconds).
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.PostgresAppendBenchmark \
 *     [--seconds N] [--warmup N] [--jdbc-url URL] [--rows-per-tx N] [--no-sampling]
 * </pre>
 *
 * <p>Without {@code --jdbc-url} it starts an embedded PostgreSQL (the binaries on the class path)
 * with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on. An external URL
 * must name a role that may create and drop databases (e.g. {@code
 * jdbc:postgresql://localhost:5432/postgres?user=postgres&password=...}).
 */
public final class PostgresAppendBenchmark {
  private static final String WRITER_THREAD = "hyrelog-group-commit";
  private static final String TEMPLATE = "hyrelog_bench_template";

  private PostgresAppendBenchmark() {}

  /**
   * What to run.
   *
   * @param warmup load before the measured window of each scenario
   * @param measure the measured window of each scenario
   * @param jdbcUrl an external server's admin URL, or {@code null} for embedded PostgreSQL
   * @param rawThreads thread counts of baseline A (raw insert)
   * @param perEventThreads thread counts of baseline B (one transaction per event)
   * @param libraryThreads appender thread counts of the library scenarios
   * @param libraryChains chain counts of the library scenarios (each combined with each thread
   *     count)
   * @param rowsPerTransaction events per transaction in baseline A
   * @param poolEvents distinct pre-generated events, reused cyclically
   * @param sampleWriter whether to sample the writer thread's stack in library scenarios
   */
  public record Config(Duration warmup, Duration measure, String jdbcUrl, List<Integer> rawThreads,
      List<Integer> perEventThreads, List<Integer> libraryThreads, List<Integer> libraryChains,
      int rowsPerTransaction, int poolEvents, boolean sampleWriter) {
    public Config {
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(measure, "measure");
      if (warmup.isNegative() || measure.isNegative() || measure.isZero()) {
        throw new IllegalArgumentException("warmup must be >= 0 and measure > 0");
      }
      rawThreads = positives("rawThreads", rawThreads);
      perEventThreads = positives("perEventThreads", perEventThreads);
      libraryThreads = positives("libraryThreads", libraryThreads);
      libraryChains = positives("libraryChains", libraryChains);
      if (rawThreads.isEmpty()) {
        throw new IllegalArgumentException("the raw-insert baseline needs a thread count");
      }
      if (rowsPerTransaction < 1 || poolEvents < rowsPerTransaction) {
        throw new IllegalArgumentException("need 1 <= rowsPerTransaction <= poolEvents, got "
            + rowsPerTransaction + " and " + poolEvents);
      }
      if (jdbcUrl != null && jdbcUrl.isBlank()) {
        jdbcUrl = null;
      }
    }

    /** 3 s warm-up, 10 s window, embedded server, 1/16/64 threads, 1 and 100 chains. */
    public static Config defaults() {
      return new Config(Duration.ofSeconds(3), Duration.ofSeconds(10), null,
          List.of(1, 16, 64), List.of(1, 16, 64), List.of(1, 16, 64), List.of(1, 100), 1000,
          10_000, true);
    }

    public Config withMeasure(Duration d) {
      return new Config(warmup, d, jdbcUrl, rawThreads, perEventThreads, libraryThreads,
          libraryChains, rowsPerTransaction, poolEvents, sampleWriter);
    }

    public Config withWarmup(Duration d) {
      return new Config(d, measure, jdbcUrl, rawThreads, perEventThreads, libraryThreads,
          libraryChains, rowsPerTransaction, poolEvents, sampleWriter);
    }

    public Config withJdbcUrl(String url) {
      return new Config(warmup, measure, url, rawThreads, perEventThreads, libraryThreads,
          libraryChains, rowsPerTransaction, poolEvents, sampleWriter);
    }

    public Config withRowsPerTransaction(int n) {
      return new Config(warmup, measure, jdbcUrl, rawThreads, perEventThreads, libraryThreads,
          libraryChains, n, Math.max(poolEvents, n), sampleWriter);
    }

    public Config withSampleWriter(boolean b) {
      return new Config(warmup, measure, jdbcUrl, rawThreads, perEventThreads, libraryThreads,
          libraryChains, rowsPerTransaction, poolEvents, b);
    }

    private static List<Integer> positives(String name, List<Integer> xs) {
      for (Integer x : Objects.requireNonNull(xs, name)) {
        if (x == null || x < 1) {
          throw new IllegalArgumentException(name + " must hold positive counts, got " + xs);
        }
      }
      return List.copyOf(xs);
    }
  }

  /** Which family a result row belongs to. */
  public enum Kind {
    RAW_INSERT, TX_PER_EVENT, LIBRARY
  }

  /**
   * One row of the table.
   *
   * @param chains chains appended to; 0 for the baselines (they keep no chain heads)
   * @param events events committed inside the measured window
   * @param totalEvents events committed during the whole scenario (warm-up, window, drain)
   * @param p50Ms median wall time of one operation (a transaction for the baselines, an append
   *     for the library) completed in the window
   * @param ratio events/s divided by the best raw-insert events/s of the run
   * @param verified for library rows: every chain verified and holds exactly the acknowledged
   *     appends; always false for baselines (nothing to verify)
   * @param notes what else was observed (CPU, WAL, group sizes, writer profile)
   */
  public record Result(Kind kind, String scenario, int threads, int chains, long events,
      long totalEvents, double seconds, double eventsPerSecond, double p50Ms, double p99Ms,
      double ratio, boolean verified, List<String> notes) {
    public Result {
      notes = List.copyOf(notes);
    }

    Result withRatio(double r) {
      return new Result(kind, scenario, threads, chains, events, totalEvents, seconds,
          eventsPerSecond, p50Ms, p99Ms, r, verified, notes);
    }
  }

  /** What a run measured, and where. */
  public record Report(List<String> environment, List<Result> results, Duration runtime) {
    public Report {
      environment = List.copyOf(environment);
      results = List.copyOf(results);
    }

    /** The best raw-insert figure, the ratio denominator. */
    public Result bestRawInsert() {
      return results.stream().filter(r -> r.kind() == Kind.RAW_INSERT)
          .max((a, b) -> Double.compare(a.eventsPerSecond(), b.eventsPerSecond()))
          .orElseThrow();
    }

    /** The table, the environment and the per-scenario observations, as Markdown. */
    public String markdown() {
      StringBuilder s = new StringBuilder();
      Result best = bestRawInsert();
      s.append(Markdown.header("scenario", "threads", "chains", "events/s", "p50 ms", "p99 ms",
          "ratio to raw-insert baseline"));
      for (Result r : results) {
        s.append(Markdown.row(r.scenario(), r.threads(),
            r.chains() == 0 ? "–" : Integer.toString(r.chains()),
            Markdown.number(r.eventsPerSecond()), Markdown.millis(r.p50Ms()),
            Markdown.millis(r.p99Ms()), Markdown.ratio(r.ratio())));
      }
      s.append("\nRatio denominator: the best raw-insert figure of this run (")
          .append(Markdown.number(best.eventsPerSecond()))
          .append(" events/s at ").append(best.threads()).append(best.threads() == 1
              ? " thread" : " threads")
          .append("). Baseline latencies are per transaction (raw insert: ")
          .append("one multi-row transaction; one tx per event: one event); library latencies")
          .append(" are per acknowledged append.\n\n");
      s.append(Markdown.bullets(environment));
      s.append("- Total runtime: ").append(Markdown.seconds(runtime)).append('\n');
      s.append("\nObservations per scenario:\n\n");
      List<String> observations = new ArrayList<>();
      for (Result r : results) {
        observations.add("**" + r.scenario() + ", " + r.threads() + " thr"
            + (r.chains() > 0 ? ", " + r.chains() + " ch" : "") + "**: "
            + String.join("; ", r.notes()));
      }
      return s.append(Markdown.bullets(observations)).toString();
    }
  }

  public static void main(String[] args) {
    Arguments.report(() -> run(parse(args), System.err).markdown());
  }

  static Config parse(String[] args) {
    Config cfg = Config.defaults();
    Arguments a = new Arguments(args, "usage: PostgresAppendBenchmark [--seconds N]"
        + " [--warmup N] [--jdbc-url URL] [--rows-per-tx N] [--no-sampling]");
    while (a.hasNext()) {
      switch (a.next()) {
        case "--seconds" -> cfg = cfg.withMeasure(a.seconds());
        case "--warmup" -> cfg = cfg.withWarmup(a.seconds());
        case "--jdbc-url" -> cfg = cfg.withJdbcUrl(a.value());
        case "--rows-per-tx" -> cfg = cfg.withRowsPerTransaction(a.intValue());
        case "--no-sampling" -> cfg = cfg.withSampleWriter(false);
        default -> a.unknown();
      }
    }
    return cfg;
  }

  /**
   * Runs every scenario of {@code cfg} and returns the results.
   *
   * @param progress where to print progress lines (not the report)
   * @throws IllegalStateException when a library scenario's chains do not verify
   */
  public static Report run(Config cfg, PrintStream progress) throws Exception {
    long started = System.nanoTime();
    PrintStream log =
        progress != null ? progress : new PrintStream(OutputStream.nullOutputStream());
    try (PostgresCluster server = PostgresCluster.start(cfg.jdbcUrl(), log)) {
      List<String> env = new ArrayList<>();
      log.println("migrating the template database");
      server.createTemplate();
      log.println("pre-generating " + cfg.poolEvents() + " events");
      Workload w = Workload.generate(cfg.poolEvents());
      env.addAll(server.environment());
      env.add(String.format(Locale.ROOT, "Events: SampleEvents(seed 1), %d distinct, reused"
          + " cyclically; rows average %.0f B view bytea, %.0f B metadata jsonb text, %.1f"
          + " event_personal rows per event", cfg.poolEvents(), w.meanViewBytes(),
          w.meanMetadataBytes(), w.meanPersonalRows()));
      env.add("Driver: warm-up " + Markdown.seconds(cfg.warmup()) + ", window "
          + Markdown.seconds(cfg.measure())
          + " per scenario, fresh database (copy of a migrated template) and CHECKPOINT before"
          + " each; raw insert " + cfg.rowsPerTransaction() + " events per transaction; Hikari"
          + " pools with reWriteBatchedInserts=true and synchronous_commit=on for every"
          + " scenario; store defaults (queue 10,000, max group 5,000 events)");
      List<Result> results = new ArrayList<>();
      for (int t : cfg.rawThreads()) {
        results.add(baseline(server, cfg, w, Kind.RAW_INSERT, t, cfg.rowsPerTransaction(), log));
      }
      for (int t : cfg.perEventThreads()) {
        results.add(baseline(server, cfg, w, Kind.TX_PER_EVENT, t, 1, log));
      }
      for (int chains : cfg.libraryChains()) {
        for (int t : cfg.libraryThreads()) {
          results.add(library(server, cfg, w, t, chains, log));
        }
      }
      double best = results.stream().filter(r -> r.kind() == Kind.RAW_INSERT)
          .mapToDouble(Result::eventsPerSecond).max().orElseThrow();
      List<Result> out = new ArrayList<>();
      for (Result r : results) {
        out.add(r.withRatio(r.eventsPerSecond() / best));
      }
      addLibraryVsPerEvent(out);
      return new Report(env, out, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Adds to each library row its ratio to baseline B at the same thread count. */
  private static void addLibraryVsPerEvent(List<Result> results) {
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      if (r.kind() != Kind.LIBRARY) {
        continue;
      }
      for (Result b : results) {
        if (b.kind() == Kind.TX_PER_EVENT && b.threads() == r.threads()) {
          List<String> notes = new ArrayList<>(r.notes());
          notes.add(0, String.format(Locale.ROOT, "%.2f× one-tx-per-event at %d thread%s",
              r.eventsPerSecond() / b.eventsPerSecond(), b.threads(), b.threads() == 1 ? "" : "s"));
          results.set(i, new Result(r.kind(), r.scenario(), r.threads(), r.chains(),
              r.events(), r.totalEvents(), r.seconds(), r.eventsPerSecond(), r.p50Ms(),
              r.p99Ms(), r.ratio(), r.verified(), notes));
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Scenarios

  private static Result baseline(PostgresCluster server, Config cfg, Workload w, Kind kind, int threads,
      int rowsPerTx, PrintStream log) throws Exception {
    String name = kind == Kind.RAW_INSERT ? "A: raw insert, " + rowsPerTx + " events/tx"
        : "B: one tx per event";
    log.printf(Locale.ROOT, "%s, %d threads...%n", name, threads);
    String db = server.createDatabase();
    try {
      Probe probe = new Probe(server, null, false);
      LoadWindow.Measurement m;
      AtomicLong seq = new AtomicLong();
      IdSource ids = IdSource.secure(Clock.systemUTC());
      try (HikariDataSource ds = PostgresCluster.pool(server.urlFor(db), threads,
          "bench-" + db)) {
        probe.before();
        m = drive(threads, cfg, probe,
            i -> new RowInserter(ds, w, rowsPerTx, seq, ids, i * (w.rows.size() / threads)));
      }
      List<String> notes = new ArrayList<>(probe.after(db, m.totalUnits()));
      notes.add(0, String.format(Locale.ROOT, "%,d events in %.1f s window", m.units(),
          m.seconds()));
      Result r = result(kind, name, threads, 0, m, false, notes);
      log.printf(Locale.ROOT, "  %,.0f events/s, p50 %.2f ms, p99 %.2f ms%n",
          r.eventsPerSecond(), r.p50Ms(), r.p99Ms());
      return r;
    } finally {
      server.dropDatabase(db);
    }
  }

  private static Result library(PostgresCluster server, Config cfg, Workload w, int threads, int chains,
      PrintStream log) throws Exception {
    String name = "library: EventLog.append";
    log.printf(Locale.ROOT, "%s, %d threads, %d chains...%n", name, threads, chains);
    String db = server.createDatabase();
    try {
      WorkspaceRef[] refs = new WorkspaceRef[chains];
      for (int c = 0; c < chains; c++) {
        refs[c] = SampleEvents.workspace(1_000 + c, DataRegion.EU);
      }
      AtomicLong next = new AtomicLong();
      AtomicLong acked = new AtomicLong();
      List<String> notes = new ArrayList<>();
      LoadWindow.Measurement m;
      boolean verified;
      try (HikariDataSource ds = PostgresCluster.pool(server.urlFor(db), 4, "bench-" + db)) {
        Probe probe;
        try (PostgresEventStore store = PostgresEventStore.builder(ds).build()) {
          EventLog eventLog = EventLog.builder(store).build();
          probe = new Probe(server, findWriter(), cfg.sampleWriter());
          probe.before();
          m = drive(threads, cfg, probe, i -> new Appender(eventLog, refs, next, acked, w.events,
              i * (w.events.size() / threads)));
          long t0 = System.nanoTime();
          verified = verify(eventLog, refs, acked.get(), notes);
          notes.add(String.format(Locale.ROOT, "verify %.1f s", (System.nanoTime() - t0) / 1e9));
          notes.addAll(0, groupSizes(ds, m));
        }
        notes.addAll(0, probe.after(db, m.totalUnits()));
      }
      if (!verified) {
        throw new IllegalStateException(name + " with " + threads + " threads over " + chains
            + " chains: the chains do not verify: " + String.join("; ", notes));
      }
      notes.add(0, String.format(Locale.ROOT, "%,d events in %.1f s window, %,d acknowledged in"
          + " all", m.units(), m.seconds(), acked.get()));
      Result r = result(Kind.LIBRARY, name, threads, chains, m, true, notes);
      log.printf(Locale.ROOT, "  %,.0f events/s, p50 %.2f ms, p99 %.2f ms, verified%n",
          r.eventsPerSecond(), r.p50Ms(), r.p99Ms());
      return r;
    } finally {
      server.dropDatabase(db);
    }
  }

  private static boolean verify(EventLog log, WorkspaceRef[] refs, long acked,
      List<String> notes) {
    long events = 0;
    for (WorkspaceRef ref : refs) {
      VerificationReport v = log.verify(EventScope.of(ref), Optional.empty());
      if (!v.ok()) {
        notes.add("chain " + ref.workspaceId() + " failed: " + v.failure().orElseThrow());
        return false;
      }
      events += v.events();
    }
    if (events != acked) {
      notes.add("chains hold " + events + " events but " + acked + " appends were acknowledged");
      return false;
    }
    notes.add(String.format(Locale.ROOT, "%d chain%s verified (%,d events)", refs.length,
        refs.length == 1 ? "" : "s", events));
    return true;
  }

  /** Group transactions inside the window: events committed together share xmin. */
  private static List<String> groupSizes(HikariDataSource ds, LoadWindow.Measurement m)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(avg(n), 0),"
            + " coalesce(max(n), 0), coalesce(avg(ch), 0),"
            + " coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY n), 0)"
            + " FROM (SELECT xmin::text AS x, count(*) AS n,"
            + " count(DISTINCT workspace_id) AS ch FROM " + RawRows.SCHEMA + ".events"
            + " WHERE recorded_at >= ? AND recorded_at < ? GROUP BY 1) g")) {
      ps.setObject(1, OffsetDateTime.ofInstant(m.windowStart(), ZoneOffset.UTC));
      ps.setObject(2, OffsetDateTime.ofInstant(m.windowEnd(), ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long groups = rs.getLong(1);
        return List.of(String.format(Locale.ROOT, "%,.0f group commits/s, events per group"
            + " mean %.1f, median %d, max %d, chains per group mean %.1f",
            groups / m.seconds(), rs.getDouble(2), rs.getLong(5), rs.getLong(3),
            rs.getDouble(4)));
      }
    }
  }

  private static Thread findWriter() {
    Thread found = null;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      // The first writer (a store has one per core, up to 4); its notifier is not a writer.
      if (t.getName().equals(WRITER_THREAD + "-0") && t.isAlive()
          && (found == null || t.getId() > found.getId())) {
        found = t;
      }
    }
    return found;
  }

  private static Result result(Kind kind, String name, int threads, int chains,
      LoadWindow.Measurement m, boolean verified, List<String> notes) {
    return new Result(kind, name, threads, chains, m.units(), m.totalUnits(), m.seconds(),
        m.unitsPerSecond(), m.latencies().percentileMillis(0.50),
        m.latencies().percentileMillis(0.99), 0, verified, notes);
  }

  /** Nearest-rank percentile of sorted values; 0 when there are none. */
  static long percentile(long[] sorted, double p) {
    return Latencies.percentile(sorted, p);
  }

  // ---------------------------------------------------------------------------------------
  // Workers

  private static LoadWindow.Measurement drive(int threads, Config cfg, Probe probe,
      LoadWindow.WorkerFactory factory) throws Exception {
    return LoadWindow.run(threads, cfg.warmup(), cfg.measure(), "bench-worker", factory, probe);
  }

  /** Baselines A and B: the store's rows inserted directly, {@code rowsPerTx} events a commit. */
  private static final class RowInserter implements LoadWindow.Worker {
    private final Connection c;
    private final PreparedStatement ev;
    private final PreparedStatement pe;
    private final List<EventRows.Row> rows;
    private final int rowsPerTx;
    private final AtomicLong seq;
    private final IdSource ids;
    private int cursor;

    RowInserter(HikariDataSource ds, Workload w, int rowsPerTx, AtomicLong seq, IdSource ids,
        int offset) throws SQLException {
      this.c = ds.getConnection();
      c.setAutoCommit(false);
      this.ev = c.prepareStatement(RawRows.sql(EventRows.INSERT_EVENT));
      this.pe = c.prepareStatement(RawRows.sql(EventRows.INSERT_PERSONAL));
      this.rows = w.rows;
      this.rowsPerTx = rowsPerTx;
      this.seq = seq;
      this.ids = ids;
      this.cursor = offset;
    }

    @Override
    public int step() throws SQLException {
      long base = seq.getAndAdd(rowsPerTx);
      boolean anyPersonal = false;
      for (int k = 0; k < rowsPerTx; k++) {
        EventRows.Row row = rows.get(cursor);
        cursor = (cursor + 1) % rows.size();
        AuditEvent e = row.event();
        UUID id = ids.newEventId();
        // receipt time now, as the library stamps events without a timestamp: same index
        // locality (the pool's own times would revisit old positions of the time indexes)
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        EventRows.bind(ev, EventRows.eventArguments(row, id, base + k + 1, now, now));
        ev.addBatch();
        for (EventRows.PersonalRow p : row.personal()) {
          EventRows.bind(pe, EventRows.personalArguments(id, p));
          pe.addBatch();
          anyPersonal = true;
        }
      }
      ev.executeBatch();
      if (anyPersonal) {
        pe.executeBatch();
      }
      c.commit();
      return rowsPerTx;
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  /** The library: one event per {@code EventLog.append}, chains taken round-robin. */
  private static final class Appender implements LoadWindow.Worker {
    private final EventLog log;
    private final WorkspaceRef[] refs;
    private final AtomicLong next;
    private final AtomicLong acked;
    private final List<NewEvent> events;
    private int cursor;

    Appender(EventLog log, WorkspaceRef[] refs, AtomicLong next, AtomicLong acked,
        List<NewEvent> events, int offset) {
      this.log = log;
      this.refs = refs;
      this.next = next;
      this.acked = acked;
      this.events = events;
      this.cursor = offset;
    }

    @Override
    public int step() {
      WorkspaceRef ref = refs[(int) (next.getAndIncrement() % refs.length)];
      NewEvent e = events.get(cursor);
      cursor = (cursor + 1) % events.size();
      if (!log.append(ref, e).created()) {
        throw new IllegalStateException("an append without idempotency key was not created");
      }
      acked.incrementAndGet();
      return 1;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Events

  /** Pre-generated events: for the library as NewEvents, for the baselines as sealed rows. */
  private record Workload(List<NewEvent> events, List<EventRows.Row> rows) {
    static Workload generate(int n) {
      SampleEvents samples = new SampleEvents(1);
      WorkspaceRef ws = SampleEvents.workspace(1, DataRegion.EU);
      IdSource ids = IdSource.secure(Clock.systemUTC());
      EventLimits limits = EventLimits.defaults();
      PersonalDataPolicy policy = PersonalDataPolicy.defaults();
      List<NewEvent> events = new ArrayList<>(n);
      List<EventRows.Row> rows = new ArrayList<>(n);
      Digest prev = Digest.ZERO;
      for (int i = 0; i < n; i++) {
        NewEvent e = samples.next(null);
        events.add(e);
        Instant now = Instant.now();
        PendingEvent p = PendingEvent.prepare(ws, limits.check(e, now), now, ids, policy);
        PendingEvent.Sealed sealed = p.sealWithView(i + 1, prev);
        prev = sealed.event().hash();
        rows.add(EventRows.toRow(sealed, p.fingerprint()));
      }
      return new Workload(List.copyOf(events), List.copyOf(rows));
    }

    double meanViewBytes() {
      return rows.stream().mapToInt(r -> r.view().length).average().orElse(0);
    }

    double meanMetadataBytes() {
      return rows.stream().mapToInt(r -> r.metadataJson().getBytes(StandardCharsets.UTF_8)
          .length).average().orElse(0);
    }

    double meanPersonalRows() {
      return rows.stream().mapToInt(r -> r.personal().size()).average().orElse(0);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Observation: CPU, WAL, the writer thread's stack

  /**
   * What a scenario cost besides its throughput: CPU of the machine, this JVM, PostgreSQL and
   * the writer thread over the window; WAL per event over the scenario; the writer's profile.
   */
  static final class Probe implements LoadWindow.Observer {
    private final PostgresCluster server;
    private final Thread writer;
    private final boolean sample;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final CpuMeter cpu = new CpuMeter();
    private final Map<String, Integer> samples = new HashMap<>();
    private final List<String> cpuNotes = new ArrayList<>();
    private Map<String, Double> wal0;
    private Long postmaster;
    private Thread sampler;
    private volatile boolean sampling;
    private int sampleCount;

    Probe(PostgresCluster server, Thread writer, boolean sample) {
      this.server = server;
      this.writer = writer;
      this.sample = sample && writer != null;
      cpu.add("this JVM", CpuMeter::thisJvmNanos)
          .add("PostgreSQL", () -> postmaster != null
              ? CpuMeter.jiffiesToNanos(Machine.postgresJiffies(postmaster)) : -1)
          .add("writer thread", () -> writer != null
              ? threads.getThreadCpuTime(writer.getId()) : -1);
    }

    void before() {
      postmaster = server.postmasterPid().orElse(null);
      wal0 = server.walCounters("");
    }

    @Override
    public void windowStart() {
      cpu.start();
      if (sample) {
        sampling = true;
        sampler = new Thread(this::sampleLoop, "bench-writer-sampler");
        sampler.setDaemon(true);
        sampler.start();
      }
    }

    @Override
    public void windowEnd(double seconds) throws InterruptedException {
      cpu.stop(seconds).ifPresent(cpuNotes::add);
      sampling = false;
      if (sampler != null) {
        sampler.join();
      }
    }

    /** Notes for the scenario; call after its pools closed so backends flushed their stats. */
    List<String> after(String db, long events) throws InterruptedException {
      List<String> notes = new ArrayList<>(cpuNotes);
      Thread.sleep(300); // exiting backends flush their statistics
      Map<String, Double> wal1 = server.walCounters(db);
      if (wal0 != null && wal1 != null && events > 0) {
        double commits = wal1.get("commits");
        double fsyncs = wal1.get("walFsyncs") - wal0.get("walFsyncs");
        double fsyncMs = wal1.get("walFsyncMs") - wal0.get("walFsyncMs");
        // pg_stat_io counts WAL flushes from PostgreSQL 18 on; older servers report none
        String flushes = commits > 0 && fsyncs > 0
            ? String.format(Locale.ROOT, ", %.2f WAL flushes (cluster-wide) per commit%s",
                fsyncs / commits, fsyncMs > 0
                    ? String.format(Locale.ROOT, ", %.2f ms per WAL flush", fsyncMs / fsyncs)
                    : "")
            : "";
        notes.add(String.format(Locale.ROOT, "WAL %.1f kB/event (%.2f full-page images/event),"
            + " %,.0f commits%s", (wal1.get("walBytes") - wal0.get("walBytes")) / events / 1024,
            (wal1.get("walFpi") - wal0.get("walFpi")) / events, commits, flushes));
      }
      if (sampleCount > 0) {
        notes.add("writer thread (" + sampleCount + " stack samples): " + profile());
      }
      return notes;
    }

    private String profile() {
      List<Map.Entry<String, Integer>> es = new ArrayList<>(samples.entrySet());
      es.sort((a, b) -> b.getValue() - a.getValue());
      List<String> parts = new ArrayList<>();
      int other = 0;
      for (Map.Entry<String, Integer> e : es) {
        double pct = 100.0 * e.getValue() / sampleCount;
        if (pct >= 2 && parts.size() < 10) {
          parts.add(String.format(Locale.ROOT, "%.0f%% %s", pct, e.getKey()));
        } else {
          other += e.getValue();
        }
      }
      if (other > 0) {
        parts.add(String.format(Locale.ROOT, "%.0f%% other", 100.0 * other / sampleCount));
      }
      return String.join(", ", parts);
    }

    private void sampleLoop() {
      while (sampling) {
        StackTraceElement[] st = writer.getStackTrace();
        samples.merge(classify(st), 1, Integer::sum);
        sampleCount++;
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** A coarse label for what the writer thread is doing. */
    static String classify(StackTraceElement[] st) {
      if (st.length == 0) {
        return "not running";
      }
      boolean jdbc = false;
      int appender = -1;
      for (int i = 0; i < st.length; i++) {
        String c = st[i].getClassName();
        if (c.startsWith("org.postgresql.")) {
          jdbc = true;
        }
        if (appender < 0 && c.startsWith("io.hyrelog.")) {
          appender = i;
        }
        if (c.equals("java.util.concurrent.ArrayBlockingQueue")
            && st[i].getMethodName().equals("poll")) {
          return "idle (queue empty)";
        }
      }
      String top = st[0].getClassName();
      boolean io = top.startsWith("sun.nio.ch.") || top.startsWith("java.net.")
          || st[0].getMethodName().startsWith("read") || st[0].isNativeMethod();
      if (jdbc && io && appender > 0) {
        // the JDBC call the store made, and from which of its methods
        String call = st[appender - 1].getMethodName();
        String site = st[appender].getClassName().endsWith("PostgresReads")
            ? "findByIds" : st[appender].getMethodName();
        if (call.equals("commit")) {
          return "waiting: commit";
        }
        return "waiting: " + site + "/" + call;
      }
      for (StackTraceElement e : st) {
        String c = e.getClassName();
        String m = e.getMethodName();
        if (c.equals("java.util.concurrent.CompletableFuture")) {
          return "CPU: completing appends (waking callers)";
        }
        if (c.equals("io.hyrelog.PendingEvent") && m.equals("seal")) {
          return "CPU: seal (hash)";
        }
        if (c.endsWith("EventRows") && m.equals("toRow")) {
          return "CPU: EventRows.toRow";
        }
      }
      if (jdbc) {
        return "CPU: JDBC in " + (appender >= 0 ? st[appender].getMethodName() : "?");
      }
      for (StackTraceElement e : st) {
        if (e.getClassName().startsWith("com.zaxxer.hikari.")) {
          return "pool";
        }
      }
      return "CPU: " + (appender >= 0 ? st[appender].getMethodName() : top);
    }
  }
}
