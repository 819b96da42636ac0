package io.hyrelog.benchmarks;

import io.hyrelog.benchmarks.support.Arguments;
import io.hyrelog.benchmarks.support.Markdown;
import io.hyrelog.benchmarks.support.RawRows;
import io.hyrelog.benchmarks.support.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventLimits;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.IdSource;
import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.testkit.SampleEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Export and archival throughput of the example server, with its heap capped: it starts {@code
 * hyrelog-server.jar} ({@code java -Xmx256m}, GC log on) on its embedded default, loads N events
 * (default 5,000,000, recorded over 30 days) into the demo workspace's chain with raw inserts,
 * then measures, each next to a baseline of the same run:
 *
 * <ul>
 *   <li><b>raw read</b>: {@code SELECT view FROM events} of the same rows in seq order, streamed
 *       over JDBC (the baseline of the exports);
 *   <li><b>export JSONL</b> and <b>export CSV</b>: {@code POST /v1/exports} (HOT) and the whole
 *       download over HTTP, counted and discarded;
 *   <li><b>archival</b>: {@code retention.mark} then {@code archive.run} (queued, polled until
 *       done) with an {@code asOf} that makes every event a candidate: write the gzipped JSONL
 *       segments, re-read and verify each, purge the hot rows;
 *   <li><b>raw gzip</b>: gzip (level 6, as the archive uses) of the same uncompressed segment
 *       bytes, measured as (gunzip + gzip) minus gunzip alone over the written segments (the
 *       baseline of archival).
 * </ul>
 *
 * <p>Peak heap per phase comes from the server's GC log: the largest heap before a collection
 * (what the JVM held at most) and the largest after one (the live set).
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.ExportArchiveBenchmark
 *     [--events N] [--server-jar PATH]
 * </pre>
 */
public final class ExportArchiveBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final int DAYS = 30;
  private static final Pattern GC_LINE =
      Pattern.compile("GC\\(\\d+\\) Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private ExportArchiveBenchmark() {}

  /** One measured phase. */
  record Phase(String name, long events, long bytes, double seconds, long peakBeforeGcMb,
      long peakAfterGcMb) {
    double eventsPerSecond() {
      return events / seconds;
    }

    double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    String heapBeforeGc() {
      return peakBeforeGcMb < 0 ? "–" : peakBeforeGcMb + " MB";
    }

    String heapAfterGc() {
      return peakAfterGcMb < 0 ? "–" : peakAfterGcMb + " MB";
    }
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args, 5_000_000, "ExportArchiveBenchmark");
    run(a.events(), a.serverJar(), System.out);
  }

  /** {@code [--events N] [--server-jar PATH]}, shared by the server-side load drivers. */
  record Args(long events, Path serverJar) {
    static Args parse(String[] args, long defaultEvents, String name) {
      long events = defaultEvents;
      Path jar = HttpIngestBenchmark.defaultServerJar();
      Arguments a = new Arguments(args, "usage: " + name + " [--events N] [--server-jar PATH]");
      while (a.hasNext()) {
        switch (a.next()) {
          case "--events" -> events = a.longValue();
          case "--server-jar" -> jar = Path.of(a.value());
          default -> a.unknown();
        }
      }
      return new Args(events, jar.toAbsolutePath());
    }
  }

  static void run(long n, Path jar, PrintStream out) throws Exception {
    List<Phase> phases = new ArrayList<>();
    Loaded loaded = startAndLoad(jar, n, out, Map.of());
    try (ServerProcess server = loaded.server()) {
      Path gcLog = loaded.gcLog();
      String url = loaded.url();
      UUID company = loaded.company();
      UUID workspace = loaded.workspace();
      phases.add(rawRead(url, workspace, n));
      phases.add(storeRead(url, company, workspace, n));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String companyKey = server.credential("companyKey");
      for (String format : List.of("JSONL", "CSV")) {
        long gcFrom = Files.size(gcLog);
        long t = System.nanoTime();
        long[] got = export(http, server.baseUri(), companyKey, format);
        double secs = (System.nanoTime() - t) / 1e9;
        long[] heap = peaks(gcLog, gcFrom);
        phases.add(new Phase("export " + format + " (HTTP, HOT)", got[0], got[1], secs,
            heap[0], heap[1]));
        out.println("  " + phases.get(phases.size() - 1));
      }
      long jsonlBytes = phases.get(2).bytes();

      String token = JSON.readTree(server.root().resolve("data").resolve("secrets.json")
          .toFile()).path("internalToken").asText();
      Instant asOf = START.plus(Duration.ofDays(DAYS + 400));
      long gcFrom = Files.size(gcLog);
      long t = System.nanoTime();
      JsonNode marked = runJob(http, server.baseUri(), token, "retention.mark", asOf);
      JsonNode archived = runJob(http, server.baseUri(), token, "archive.run", asOf);
      double secs = (System.nanoTime() - t) / 1e9;
      long[] heap = peaks(gcLog, gcFrom);
      out.println("  retention.mark: " + marked.path("result"));
      out.println("  archive.run: " + archived.path("result"));
      long archivedEvents = archived.path("result").path("events_archived").asLong();
      phases.add(new Phase("archival (mark, write, verify, purge)", archivedEvents, jsonlBytes,
          secs, heap[0], heap[1]));
      out.println("  " + phases.get(phases.size() - 1));
      phases.add(rawGzip(server.root().resolve("data").resolve("archive"), archivedEvents));
      out.println("  " + phases.get(phases.size() - 1));
    }
    out.println();
    out.printf(Locale.ROOT, "%,d events, server java -Xmx256m%n", n);
    out.print(Markdown.header("phase", "events/s", "MB/s", "ratio to baseline (events/s)",
        "peak heap before GC", "max live after GC"));
    Phase raw = phases.get(0);
    Phase gzip = phases.get(phases.size() - 1);
    for (Phase p : phases) {
      Phase base = p.name().startsWith("export") || p.name().startsWith("store") ? raw
          : p.name().startsWith("archival") ? gzip : p;
      out.print(Markdown.row(p.name(), Markdown.number(p.eventsPerSecond()),
          p.bytes() == 0 ? "–" : String.format(Locale.ROOT, "%.1f", p.mbPerSecond()),
          p == base ? "baseline" : String.format(Locale.ROOT, "%.2f",
              p.eventsPerSecond() / base.eventsPerSecond()), p.heapBeforeGc(), p.heapAfterGc()));
    }
  }

  /** Raw inserts of n sealed events (recorded over {@link #DAYS} days), then the chain head. */
  /** A benchmark server with N events loaded into the demo workspace's chain. */
  record Loaded(ServerProcess server, Path gcLog, String url, UUID company,
      UUID workspace) {}

  /**
   * Starts the server jar at {@code -Xmx256m} with a GC log (and {@code env} besides a 1 s job
   * poll), then loads N events recorded over 30 days into the demo workspace's chain. The
   * caller closes the server; a failed load closes it here.
   */
  static Loaded startAndLoad(Path jar, long n, PrintStream out, Map<String, String> env)
      throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(env);
    settings.put("HYRELOG_JOBS_POLL_INTERVAL", "1s");
    ServerProcess server = ServerProcess.start(jar,
        Duration.ofMinutes(3), out, List.of("-Xmx256m", "-Xlog:gc:file={root}/gc.log"),
        Map.copyOf(settings));
    try {
      String url = "jdbc:postgresql://localhost:" + server.postgresPort()
          + "/hyrelog?user=postgres";
      UUID company = UUID.fromString(server.credential("companyId"));
      UUID workspace = UUID.fromString(server.credential("workspaceId"));
      out.printf(Locale.ROOT, "loading %,d events into chain %s%n", n, workspace);
      long t0 = System.nanoTime();
      load(url, new WorkspaceRef(company, workspace, DataRegion.US), n, out);
      out.printf(Locale.ROOT, "  loaded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
      return new Loaded(server, server.root().resolve("gc.log"), url, company, workspace);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  static void load(String url, WorkspaceRef ws, long n, PrintStream out)
      throws Exception {
    SampleEvents samples = new SampleEvents(5);
    IdSource ids = IdSource.secure(Clock.systemUTC());
    EventLimits limits = EventLimits.defaults();
    PersonalDataPolicy policy = PersonalDataPolicy.defaults();
    long step = Duration.ofDays(DAYS).toNanos() / n;
    Digest prev = Digest.ZERO;
    try (Connection c = DriverManager.getConnection(url + "&reWriteBatchedInserts=true")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET synchronous_commit TO off");
        s.execute("UPDATE " + RawRows.SCHEMA + ".companies SET plan_tier = 'ENTERPRISE'"
            + " WHERE id = '" + ws.companyId() + "'");
      }
      try (PreparedStatement ev = c.prepareStatement(RawRows.sql(EventRows.INSERT_EVENT));
          PreparedStatement pe = c.prepareStatement(RawRows.sql(EventRows.INSERT_PERSONAL))) {
        for (long i = 1; i <= n; i++) {
          Instant at = START.plusNanos(step * (i - 1));
          NewEvent e = samples.next(at);
          PendingEvent p = PendingEvent.prepare(ws, limits.check(e, at), at, ids, policy);
          PendingEvent.Sealed sealed = p.sealWithView(i, prev);
          prev = sealed.event().hash();
          EventRows.Row row = EventRows.toRow(sealed, p.fingerprint());
          EventRows.bind(ev, EventRows.eventArguments(row, sealed.event().id(), i, at, at));
          ev.addBatch();
          for (EventRows.PersonalRow pr : row.personal()) {
            EventRows.bind(pe, EventRows.personalArguments(sealed.event().id(), pr));
            pe.addBatch();
          }
          if (i % 1000 == 0 || i == n) {
            ev.executeBatch();
            pe.executeBatch();
            c.commit();
          }
          if (i % 500_000 == 0) {
            out.printf(Locale.ROOT, "  %,d%n", i);
          }
        }
      }
      try (PreparedStatement h = c.prepareStatement("INSERT INTO " + RawRows.SCHEMA
          + ".chain_heads (workspace_id, company_id, seq, hash) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")) {
        h.setObject(1, ws.workspaceId());
        h.setObject(2, ws.companyId());
        h.setLong(3, n);
        h.setBytes(4, prev.bytes());
        h.executeUpdate();
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("VACUUM ANALYZE " + RawRows.SCHEMA + ".events");
        s.execute("CHECKPOINT");
      }
    }
  }

  static Phase rawRead(String url, UUID workspace, long n) throws Exception {
    long t = System.nanoTime();
    long rows = 0;
    long bytes = 0;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT view FROM " + RawRows.SCHEMA + ".events WHERE workspace_id = ? ORDER BY seq")) {
        ps.setFetchSize(1000);
        ps.setObject(1, workspace);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            bytes += rs.getBytes(1).length;
            rows++;
          }
        }
      }
    }
    if (rows != n) {
      throw new IllegalStateException("raw read found " + rows + " rows, loaded " + n);
    }
    return new Phase("raw read (JDBC, same rows)", rows, bytes, (System.nanoTime() - t) / 1e9,
        -1, -1);
  }

  /** The store's own read of the same chain (events rebuilt with their personal data). */
  private static Phase storeRead(String url, UUID company, UUID workspace, long n) {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(url);
    long t = System.nanoTime();
    long rows = 0;
    try (io.hyrelog.storage.postgres.PostgresEventStore store =
        io.hyrelog.storage.postgres.PostgresEventStore.builder(ds).build();
        Stream<io.hyrelog.AuditEvent> events = store.read(
            io.hyrelog.EventScope.workspace(company, workspace), 1, Long.MAX_VALUE)) {
      rows = events.count();
    }
    if (rows != n) {
      throw new IllegalStateException("store read found " + rows + " events, loaded " + n);
    }
    return new Phase("store read (EventStore.read, same chain, in the driver JVM)", rows, 0,
        (System.nanoTime() - t) / 1e9, -1, -1);
  }

  /** Creates a HOT export and downloads it; returns {rows, bytes}. */
  private static long[] export(HttpClient http, URI base, String key, String format)
      throws Exception {
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/v1/exports"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"source\":\"HOT\",\"format\":\"" + format
            + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("export creation: " + created.statusCode() + " "
          + created.body());
    }
    String job = JSON.readTree(created.body()).path("jobId").asText();
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
        base.resolve("/v1/exports/" + job + "/download")).header("Authorization", "Bearer "
        + key).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("export download: " + r.statusCode());
    }
    long bytes = 0;
    long lines = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = r.body()) {
      int k;
      while ((k = in.read(buf)) > 0) {
        bytes += k;
        for (int i = 0; i < k; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    }
    return new long[] {format.equals("CSV") ? lines - 1 : lines, bytes};
  }

  private static JsonNode runJob(HttpClient http, URI base, String token, String job,
      Instant asOf) throws Exception {
    return runJob(http, base, token, job, asOf, "{}");
  }

  /** Queues an ops job run with {@code input} and polls until it ends; returns the run. */
  static JsonNode runJob(HttpClient http, URI base, String token, String job, Instant asOf,
      String input) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        base.resolve("/ops/jobs/" + job + "/run")).header("x-internal-token", token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"asOf\":\"" + asOf
            + "\",\"region\":\"US\",\"wait\":false,\"input\":" + input + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException(job + ": " + r.statusCode() + " " + r.body());
    }
    String id = JSON.readTree(r.body()).path("run_id").asText();
    while (true) {
      Thread.sleep(500);
      JsonNode run = JSON.readTree(http.send(HttpRequest.newBuilder(
          base.resolve("/ops/jobs/runs/" + id)).header("x-internal-token", token).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body());
      String status = run.path("status").asText();
      if (status.equals("SUCCEEDED")) {
        return run;
      }
      if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
        throw new IllegalStateException(job + " ended " + status + ": " + run);
      }
    }
  }

  private static Phase rawGzip(Path archive, long events) throws IOException {
    List<Path> segments;
    try (Stream<Path> files = Files.walk(archive)) {
      segments = files.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")
          && !p.getFileName().toString().contains("~")).sorted().toList();
    }
    long t = System.nanoTime();
    long plain = 0;
    for (Path p : segments) {
      plain += pump(p, OutputStream.nullOutputStream());
    }
    double gunzip = (System.nanoTime() - t) / 1e9;
    t = System.nanoTime();
    for (Path p : segments) {
      try (GZIPOutputStream gz = new GZIPOutputStream(OutputStream.nullOutputStream(), 1 << 16)) {
        pump(p, gz);
      }
    }
    double both = (System.nanoTime() - t) / 1e9;
    return new Phase("raw gzip of the same bytes (" + segments.size() + " segments)", events,
        plain, Math.max(1e-9, both - gunzip), -1, -1);
  }

  private static long pump(Path gz, OutputStream to) throws IOException {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
      int k;
      while ((k = in.read(buf)) > 0) {
        to.write(buf, 0, k);
        n += k;
      }
    }
    return n;
  }

  /** {largest heap before a GC, largest after} in MB in the GC log from {@code offset} on. */
  static long[] peaks(Path gcLog, long offset) throws IOException {
    long before = -1;
    long after = -1;
    String log = Files.readString(gcLog);
    Matcher m = GC_LINE.matcher(log.substring((int) Math.min(offset, log.length())));
    while (m.find()) {
      before = Math.max(before, Long.parseLong(m.group(1)));
      after = Math.max(after, Long.parseLong(m.group(2)));
    }
    return new long[] {before, after};
  }
}
