package io.hyrelog.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.testkit.SampleEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test helper, run as a separate JVM by the multi-process and crash-recovery ITs: appends a
 * deterministic plan of events to one chain through {@link PostgresEventStore} and {@link
 * EventLog}, from several threads, and records every acknowledged event durably.
 *
 * <p>Arguments are {@code name=value}: {@code url user password company workspace region out}
 * and the {@link Plan} ({@link Plan#args()}), plus {@code start}, the first batch of each
 * thread (one number, or one per thread separated by commas). Every event carries the key
 * {@code <prefix>-t<thread>-b<batch>-e<i>} and a body drawn from the key alone, so a replay of
 * a key is always the same request. After the store is built the worker prints {@value
 * #STARTED} and waits for a line on stdin before appending. After each acknowledged append it
 * writes one line per event ({@code key id seq hash created}) to {@code out} and forces the file
 * to disk before that thread appends again: the file always holds a subset of what the store
 * acknowledged. Once the first append is recorded it prints {@value #APPENDING}. Exits 0 when
 * every batch is acknowledged, 1 on any failure.
 */
public final class AppendWorker {
  static final String STARTED = "append-worker started";
  static final String APPENDING = "append-worker appending";

  private AppendWorker() {}

  /**
   * What the worker appends: {@code threads} threads, each {@code batches} batches; a batch is a
   * single event with probability {@code singlesPercent}, else {@code minBatch..maxBatch} events.
   * Threads below {@code sharedThreads} use {@code sharedPrefix}, so workers given the same
   * shared prefix append the same keys; the others use {@code prefix}.
   */
  record Plan(int threads, int batches, int minBatch, int maxBatch, int singlesPercent,
      long seed, String prefix, String sharedPrefix, int sharedThreads) {
    Plan {
      if (threads < 1 || batches < 1 || minBatch < 1 || maxBatch < minBatch
          || sharedThreads < 0 || sharedThreads > threads) {
        throw new IllegalArgumentException("bad plan");
      }
    }

    static Plan of(Map<String, String> a) {
      return new Plan(Integer.parseInt(a.get("threads")), Integer.parseInt(a.get("batches")),
          Integer.parseInt(a.get("minBatch")), Integer.parseInt(a.get("maxBatch")),
          Integer.parseInt(a.get("singlesPercent")), Long.parseLong(a.get("seed")),
          a.get("prefix"), a.get("sharedPrefix"), Integer.parseInt(a.get("sharedThreads")));
    }

    List<String> args() {
      return List.of("threads=" + threads, "batches=" + batches, "minBatch=" + minBatch,
          "maxBatch=" + maxBatch, "singlesPercent=" + singlesPercent, "seed=" + seed,
          "prefix=" + prefix, "sharedPrefix=" + sharedPrefix, "sharedThreads=" + sharedThreads);
    }

    String prefixOf(int thread) {
      return thread < sharedThreads ? sharedPrefix : prefix;
    }

    int batchSize(int thread, int batch) {
      Random r = new Random(Objects.hash(seed, prefixOf(thread), thread, batch));
      return r.nextInt(100) < singlesPercent ? 1 : minBatch + r.nextInt(maxBatch - minBatch + 1);
    }

    List<String> keys(int thread, int batch) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < batchSize(thread, batch); i++) {
        keys.add(prefixOf(thread) + "-t" + thread + "-b" + batch + "-e" + i);
      }
      return keys;
    }

    /** Every key of the plan, in thread and batch order. */
    Set<String> allKeys() {
      Set<String> all = new LinkedHashSet<>();
      for (int t = 0; t < threads; t++) {
        for (int b = 0; b < batches; b++) {
          all.addAll(keys(t, b));
        }
      }
      return all;
    }
  }

  /** One line of a worker's output: an event the store acknowledged. */
  record Ack(String key, UUID id, long seq, String hash, boolean created) {
    static Ack parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 5) {
        throw new IllegalArgumentException("malformed ack line: " + line);
      }
      return new Ack(f[0], UUID.fromString(f[1]), Long.parseLong(f[2]), f[3],
          Boolean.parseBoolean(f[4]));
    }
  }

  /** The complete lines of a worker's output; a torn last line (killed mid-write) is dropped. */
  static List<Ack> readAcks(Path out) throws IOException {
    if (!Files.exists(out)) {
      return List.of();
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    List<Ack> acks = new ArrayList<>();
    if (end < 0) {
      return acks;
    }
    for (String line : text.substring(0, end).split("\n")) {
      acks.add(Ack.parse(line));
    }
    return acks;
  }

  /** The body of the event with this key: the same key always gives the same request. */
  static NewEvent event(String key) {
    long seed = UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8))
        .getMostSignificantBits();
    // A null timestamp means "time of receipt": not part of the fingerprint, so replays match.
    return new SampleEvents(seed).next(null).withIdempotencyKey(key);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Plan plan = Plan.of(a);
    int[] start = starts(a.getOrDefault("start", "0"), plan.threads());
    WorkspaceRef ws = new WorkspaceRef(UUID.fromString(a.get("company")),
        UUID.fromString(a.get("workspace")), DataRegion.valueOf(a.get("region")));
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(a.get("url"));
    cfg.setUsername(a.get("user"));
    cfg.setPassword(a.get("password"));
    cfg.setMaximumPoolSize(2);
    cfg.setPoolName("append-worker");
    // Lets a test wait until the backends of a killed worker are gone (see WorkerProcess.kill).
    cfg.addDataSourceProperty("ApplicationName", WorkerProcess.APPLICATION_NAME);
    int code = 0;
    try (HikariDataSource ds = new HikariDataSource(cfg);
        PostgresEventStore store = PostgresEventStore.builder(ds).build();
        FileChannel out = FileChannel.open(Path.of(a.get("out")), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      EventLog log = EventLog.builder(store).build(); // secure ids: unique across processes
      ExecutorService pool = Executors.newFixedThreadPool(plan.threads());
      CountDownLatch go = new CountDownLatch(1);
      AtomicBoolean appending = new AtomicBoolean();
      List<Future<?>> threads = new ArrayList<>();
      for (int t = 0; t < plan.threads(); t++) {
        int thread = t;
        threads.add(pool.submit(() -> {
          go.await();
          for (int b = start[thread]; b < plan.batches(); b++) {
            appendBatch(log, ws, plan.keys(thread, b), out);
            if (appending.compareAndSet(false, true)) {
              System.out.println(APPENDING);
              System.out.flush();
            }
          }
          return null;
        }));
      }
      System.out.println(STARTED);
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      go.countDown();
      for (Future<?> f : threads) {
        try {
          f.get();
        } catch (ExecutionException e) {
          e.getCause().printStackTrace();
          code = 1;
        }
      }
      pool.shutdownNow();
    }
    System.exit(code);
  }

  private static int[] starts(String spec, int threads) {
    String[] parts = spec.split(",");
    if (parts.length != 1 && parts.length != threads) {
      throw new IllegalArgumentException("start needs 1 or " + threads + " values: " + spec);
    }
    int[] start = new int[threads];
    for (int t = 0; t < threads; t++) {
      start[t] = Integer.parseInt(parts.length == 1 ? parts[0] : parts[t]);
    }
    return start;
  }

  private static void appendBatch(EventLog log, WorkspaceRef ws, List<String> keys,
      FileChannel out) throws IOException {
    List<AppendOutcome> outcomes = keys.size() == 1
        ? List.of(log.append(ws, event(keys.get(0))))
        : log.appendBatch(ws, keys.stream().map(AppendWorker::event).toList());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      AuditEvent e = outcomes.get(i).event();
      if (!keys.get(i).equals(e.idempotencyKey())) {
        throw new IllegalStateException("outcome " + i + " of " + keys + " is for key "
            + e.idempotencyKey());
      }
      lines.append(keys.get(i)).append(' ').append(e.id()).append(' ').append(e.seq())
          .append(' ').append(e.hash().hex()).append(' ').append(outcomes.get(i).created())
          .append('\n');
    }
    ByteBuffer buf = StandardCharsets.UTF_8.encode(lines.toString());
    synchronized (out) {
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      out.force(false);
    }
  }
}
