package io.hyrelog.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventLimits;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.benchmarks.support.Arguments;
import io.hyrelog.benchmarks.support.Latencies;
import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.PostgresCluster;
import io.hyrelog.benchmarks.support.RawRows;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.log.EventLog;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TileWriter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Latency of checkpoints, inclusion proofs and consistency proofs from the PostgreSQL store's
 * tiles ({@link PostgresEventStore#tree()}) in chains of 1,000, 100,000 and 1,000,000 events by
 * default, and 10,000,000 with {@code --with-10m}, one chain per size in one database. Each figure sits beside a baseline
 * measured in the same run on the same connection pool: reading the chain's head ({@link
 * PostgresEventStore#head}, one primary-key lookup), the least any answer from the database
 * costs.
 *
 * <p>Loading: real sealed events ({@link PendingEvent#sealWithView}, chained seq by seq) from
 * {@link SampleEvents}, inserted raw into {@code events} (the store's own insert statement, in
 * transactions of 5,000) together with their tiles, computed by {@link TileWriter#append} as the
 * store's append does and written in the same transaction, and the chain head with its tree
 * size. No {@code event_personal} rows: no checkpoint or proof reads them. Every chain is loaded
 * before any is measured, so each size is measured on the same, full database.
 *
 * <p>Measuring, single-threaded through {@link EventLog} on a {@link PostgresEventStore}: a
 * warm-up per size, then {@value #ROUNDS} rounds in which the sizes take turns (in an order
 * rotated every round), each running its share of the {@code samples} timed calls of every
 * operation and of the baseline, so that the sizes compared see the same load on a shared
 * machine; calls timed one by one ({@link System#nanoTime()}); exact nearest-rank percentiles. Proof positions are seeded
 * random. Correctness gate (outside the timed calls): every checkpoint's root equals the root the
 * loader computed from the event hashes with the streaming {@link MerkleTree}, every inclusion
 * proof verifies against it and every consistency proof against the checkpoints of both sizes;
 * otherwise the run fails without figures.
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.ChainTreeBenchmark \
 *     [--sizes 1000,100000,1000000] [--with-10m] [--samples N] [--warmup N] [--jdbc-url URL]
 * </pre>
 */
public final class ChainTreeBenchmark {
  private static final String NS = "bench.hyrelog.io";
  private static final int LOAD_BATCH = 5_000;

  private ChainTreeBenchmark() {}

  /**
   * What to run.
   *
   * @param sizes the chain sizes to measure at, ascending after normalization
   * @param samples timed calls per operation and size
   * @param warmup untimed calls per operation before each size's samples
   * @param jdbcUrl an external server's admin URL, or {@code null} for embedded PostgreSQL
   */
  public record Config(List<Long> sizes, int samples, int warmup, String jdbcUrl) {
    public Config {
      Objects.requireNonNull(sizes, "sizes");
      if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s == null || s < 1
          || s > 100_000_000)) {
        throw new IllegalArgumentException("sizes must be 1..100000000, got " + sizes);
      }
      sizes = sizes.stream().distinct().sorted().toList();
      if (samples < 1 || warmup < 0) {
        throw new IllegalArgumentException("samples must be >= 1 and warmup >= 0, got "
            + samples + " and " + warmup);
      }
      if (jdbcUrl != null && jdbcUrl.isBlank()) {
        jdbcUrl = null;
      }
    }

    /** 1,000, 100,000 and 1,000,000 events; 2,000 samples after 300 warm-up calls. */
    public static Config defaults() {
      return new Config(List.of(1_000L, 100_000L, 1_000_000L), 2_000, 300, null);
    }
  }

  /** Nearest-rank percentiles of one operation, in milliseconds. */
  public record Stats(double p50Ms, double p99Ms) {
    static Stats of(Latencies l) {
      return new Stats(l.percentileMillis(0.50), l.percentileMillis(0.99));
    }
  }

  /**
   * The figures at one chain size.
   *
   * @param loadSeconds how long loading this size's chain took
   */
  public record Result(long size, Stats checkpoint, Stats inclusion, Stats consistency,
      Stats headRead, double loadSeconds) {}

  /** The run's results and environment. */
  public record Report(List<String> environment, List<Result> results, Duration runtime) {
    public Report {
      environment = List.copyOf(environment);
      results = List.copyOf(results);
    }

    /** The table and the environment, as Markdown. */
    public String markdown() {
      StringBuilder s = new StringBuilder();
      s.append(Markdown.header("events in the chain", "checkpoint p50 / p99 ms",
          "inclusion proof p50 / p99 ms", "consistency proof p50 / p99 ms",
          "baseline: head read p50 / p99 ms", "checkpoint ÷ baseline (p50)", "load s"));
      for (Result r : results) {
        s.append(Markdown.row(String.format(Locale.ROOT, "%,d", r.size()), pair(r.checkpoint()),
            pair(r.inclusion()), pair(r.consistency()), pair(r.headRead()),
            Markdown.ratio(r.checkpoint().p50Ms() / r.headRead().p50Ms()),
            String.format(Locale.ROOT, "%.1f", r.loadSeconds())));
      }
      Result first = results.get(0);
      Result last = results.get(results.size() - 1);
      s.append(String.format(Locale.ROOT, "%nCheckpoint at %,d events ÷ at %,d: p50 %.2f, p99"
          + " %.2f.%n", last.size(), first.size(),
          last.checkpoint().p50Ms() / first.checkpoint().p50Ms(),
          last.checkpoint().p99Ms() / first.checkpoint().p99Ms()));
      s.append("\n").append(Markdown.bullets(environment));
      s.append(String.format(Locale.ROOT, "%nRun time %.0f s.%n", runtime.toMillis() / 1000.0));
      return s.toString();
    }

    private static String pair(Stats st) {
      return Markdown.millis(st.p50Ms()) + " / " + Markdown.millis(st.p99Ms());
    }
  }

  public static void main(String[] args) {
    Arguments.report(() -> run(parse(args), System.err).markdown());
  }

  static Config parse(String[] args) {
    Config d = Config.defaults();
    List<Long> sizes = new ArrayList<>(d.sizes());
    int samples = d.samples();
    int warmup = d.warmup();
    String url = null;
    Arguments a = new Arguments(args, "usage: ChainTreeBenchmark [--sizes 1000,100000,1000000]"
        + " [--with-10m] [--samples N] [--warmup N] [--jdbc-url URL]");
    while (a.hasNext()) {
      switch (a.next()) {
        case "--sizes" -> sizes = a.counts().stream().map(Integer::longValue).toList();
        case "--with-10m" -> {
          sizes = new ArrayList<>(sizes);
          sizes.add(10_000_000L);
        }
        case "--samples" -> samples = a.intValue();
        case "--warmup" -> warmup = a.intValue();
        case "--jdbc-url" -> url = a.value();
        default -> a.unknown();
      }
    }
    return new Config(sizes, samples, warmup, url);
  }

  /**
   * Loads and measures every size of {@code cfg}.
   *
   * @param progress where to print progress lines (not the report), or null
   * @throws IllegalStateException when a checkpoint or proof does not verify
   */
  public static Report run(Config cfg, PrintStream progress) throws Exception {
    long started = System.nanoTime();
    PrintStream log =
        progress != null ? progress : new PrintStream(OutputStream.nullOutputStream());
    try (PostgresCluster server = PostgresCluster.start(cfg.jdbcUrl(), log)) {
      List<String> env = new ArrayList<>();
      server.createTemplate();
      String db = server.createDatabase();
      env.addAll(server.environment());
      env.add(String.format(Locale.ROOT, "Per size: %,d untimed then %,d timed calls of each"
          + " operation in %d interleaved rounds (the sizes take turns), one thread, through"
          + " EventLog on PostgresEventStore (defaults, a 4-connection Hikari pool); positions"
          + " seeded random", cfg.warmup(), cfg.samples(), ROUNDS));
      List<Result> results = new ArrayList<>();
      try (HikariDataSource ds = PostgresCluster.pool(server.urlFor(db), 4, "bench-" + db)) {
        List<Loader> loaders = new ArrayList<>();
        double[] loadSeconds = new double[cfg.sizes().size()];
        for (int i = 0; i < cfg.sizes().size(); i++) {
          long size = cfg.sizes().get(i);
          log.printf(Locale.ROOT, "loading a chain of %,d events%n", size);
          Loader loader = new Loader(ds, SampleEvents.workspace(7 + i, DataRegion.EU));
          long t0 = System.nanoTime();
          loader.extendTo(size, log);
          loadSeconds[i] = (System.nanoTime() - t0) / 1e9;
          loaders.add(loader);
        }
        log.println("measuring every size in interleaved rounds");
        List<Sized> sized = measure(ds, loaders, cfg);
        for (int i = 0; i < sized.size(); i++) {
          Sized z = sized.get(i);
          results.add(new Result(z.size, Stats.of(z.checkpoint), Stats.of(z.inclusion),
              Stats.of(z.consistency), Stats.of(z.headRead), loadSeconds[i]));
        }
      } finally {
        server.dropDatabase(db);
      }
      return new Report(env, results, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The rounds in which the sizes take turns, so each sees the same machine load. */
  static final int ROUNDS = 20;

  /** One chain's operations and their latencies. */
  private static final class Sized {
    final long size;
    final EventScope chain;
    final ChainCheckpoint head;
    final Random random;
    final Latencies checkpoint = new Latencies();
    final Latencies inclusion = new Latencies();
    final Latencies consistency = new Latencies();
    final Latencies headRead = new Latencies();

    Sized(Loader loader, ChainCheckpoint head, long seed) {
      this.size = loader.size();
      this.chain = EventScope.of(loader.ws);
      this.head = head;
      this.random = new Random(seed);
    }
  }

  /**
   * Measures every loaded chain: a warm-up of each operation per chain, then {@link #ROUNDS}
   * rounds in which every chain (in an order rotated each round) runs its share of the timed
   * calls of each operation, the baseline included.
   */
  private static List<Sized> measure(HikariDataSource ds, List<Loader> loaders, Config cfg) {
    try (PostgresEventStore store = PostgresEventStore.builder(ds).writers(1).build()) {
      EventLog log = EventLog.builder(store).build();
      List<Sized> sized = new ArrayList<>();
      for (Loader loader : loaders) {
        ChainCheckpoint head = log.checkpoint(NS, EventScope.of(loader.ws));
        if (!head.root().equals(loader.root())) {
          throw new IllegalStateException("the checkpoint at " + loader.size() + " has another"
              + " root than the loaded event hashes");
        }
        Sized z = new Sized(loader, head, 42);
        sized.add(z);
        run(log, store, z, cfg.warmup(), false);
      }
      int perRound = Math.max(1, cfg.samples() / ROUNDS);
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < sized.size(); k++) {
          run(log, store, sized.get((round + k) % sized.size()), perRound, true);
        }
      }
      return sized;
    }
  }

  /** {@code calls} calls of each operation on one chain, recorded when {@code timed}. */
  private static void run(EventLog log, PostgresEventStore store, Sized z, int calls,
      boolean timed) {
    long size = z.size;
    time(calls, timed, z.checkpoint, x -> {
      if (!log.checkpoint(NS, z.chain).equals(z.head)) {
        throw new IllegalStateException("checkpoints at " + size + " differ");
      }
    });
    time(calls, timed, z.inclusion, x -> {
      long seq = 1 + z.random.nextLong(size);
      long t = System.nanoTime();
      InclusionProof p = log.inclusionProof(z.chain, seq, size);
      x.accept(System.nanoTime() - t);
      MerkleProofs.verifyInclusion(p, z.head.root());
    });
    time(calls, timed, z.consistency, x -> {
      long from = 1 + z.random.nextLong(size);
      long t = System.nanoTime();
      ConsistencyProof p = log.consistencyProof(z.chain, from, size);
      x.accept(System.nanoTime() - t);
      MerkleProofs.verifyConsistency(p, log.checkpoint(NS, z.chain, from).root(),
          z.head.root());
    });
    time(calls, timed, z.headRead, x -> store.head(z.chain).orElseThrow());
  }

  /** One timed operation: calls {@code timer} with its own nanos, or is timed whole. */
  private interface Operation {
    void run(LongConsumer timer);
  }

  private static void time(int calls, boolean timed, Latencies l, Operation op) {
    for (int i = 0; i < calls; i++) {
      long[] own = {-1};
      long t = System.nanoTime();
      op.run(nanos -> own[0] = nanos);
      long whole = System.nanoTime() - t;
      if (timed) {
        l.record(own[0] >= 0 ? own[0] : whole);
      }
    }
  }

  /**
   * Grows one chain with real sealed events and their tiles, by raw inserts; keeps the chain's
   * partial tiles and a streaming Merkle tree of its hashes in memory.
   */
  static final class Loader {
    private final HikariDataSource ds;
    private final WorkspaceRef ws;
    private final SampleEvents samples = new SampleEvents(7);
    private final IdSource ids = IdSource.seeded(Clock.systemUTC(), 7);
    private final EventLimits limits = EventLimits.defaults();
    private final PersonalDataPolicy policy = PersonalDataPolicy.defaults();
    private final MerkleTree tree = new MerkleTree();
    private final TreeMap<Integer, Tile> edge = new TreeMap<>();
    private long seq;
    private Digest prev = Digest.ZERO;

    Loader(HikariDataSource ds, WorkspaceRef ws) {
      this.ds = ds;
      this.ws = ws;
    }

    long size() {
      return seq;
    }

    Digest root() {
      return tree.root();
    }

    void extendTo(long size, PrintStream log) throws SQLException {
      try (Connection c = ds.getConnection();
          PreparedStatement ev = c.prepareStatement(RawRows.sql(EventRows.INSERT_EVENT));
          PreparedStatement tiles = c.prepareStatement(RawRows.sql("INSERT INTO"
              + " <schema>.chain_tiles (workspace_id, level, idx, hashes) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (workspace_id, level, idx) DO UPDATE SET hashes"
              + " = excluded.hashes"));
          PreparedStatement head = c.prepareStatement(RawRows.sql("INSERT INTO"
              + " <schema>.chain_heads (workspace_id, company_id, seq, hash, tree_size)"
              + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE"
              + " SET seq = excluded.seq, hash = excluded.hash,"
              + " tree_size = excluded.tree_size"))) {
        c.setAutoCommit(false);
        long nextReport = seq + 1_000_000;
        while (seq < size) {
          int n = (int) Math.min(LOAD_BATCH, size - seq);
          long before = seq;
          List<Digest> hashes = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            NewEvent e = samples.next(null);
            PendingEvent p = PendingEvent.prepare(ws, limits.check(e, now), now, ids, policy);
            PendingEvent.Sealed sealed = p.sealWithView(++seq, prev);
            AuditEvent a = sealed.event();
            prev = a.hash();
            hashes.add(a.hash());
            tree.append(a.hash());
            EventRows.bind(ev, EventRows.eventArguments(EventRows.toRow(sealed,
                p.fingerprint()), a.id(), a.seq(), a.timestamp(), a.recordedAt()));
            ev.addBatch();
          }
          ev.executeBatch();
          for (Tile t : TileWriter.append(before, List.copyOf(edge.values()), hashes)) {
            tiles.setObject(1, ws.workspaceId());
            tiles.setShort(2, (short) t.id().level());
            tiles.setLong(3, t.id().index());
            tiles.setBytes(4, t.bytes());
            tiles.addBatch();
            if (t.id().isFull()) {
              edge.remove(t.id().level());
            } else {
              edge.put(t.id().level(), t);
            }
          }
          tiles.executeBatch();
          head.setObject(1, ws.workspaceId());
          head.setObject(2, ws.companyId());
          head.setLong(3, seq);
          head.setBytes(4, prev.bytes());
          head.setLong(5, seq);
          head.executeUpdate();
          c.commit();
          if (!edge.values().stream().map(Tile::id).toList().equals(TileId.partials(seq))) {
            throw new IllegalStateException("the loader's partial tiles do not fit size " + seq);
          }
          if (seq >= nextReport) {
            log.printf(Locale.ROOT, "  %,d events%n", seq);
            nextReport += 1_000_000;
          }
        }
      }
    }
  }
}
