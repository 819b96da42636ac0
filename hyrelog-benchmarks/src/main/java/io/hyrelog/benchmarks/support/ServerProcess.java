package io.hyrelog.benchmarks.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code java -jar hyrelog-server.jar} in its own temporary directory, for the load drivers:
 * embedded mode on a fresh data directory, port 0 on 127.0.0.1, both rate limits {@link
 * #UNLIMITED}; its demo credentials read once it listens. A shutdown hook kills it if the
 * driver dies; {@link #close} stops it (SIGTERM) and removes its directory.
 */
public final class ServerProcess implements AutoCloseable {
  /** What the rate-limit variables are set to: far beyond anything a driver can send. */
  public static final String UNLIMITED = "100000000";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING =
      Pattern.compile("HyreLog API listening on http://[^\\s:/]+:(\\d+)");

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

  public static ServerProcess start(Path jar, Duration timeout, PrintStream log) throws Exception {
    return start(jar, timeout, log, List.of(), Map.of());
  }

  /** As {@link #start(Path, Duration, PrintStream)}, with JVM flags and more settings. */
  public static ServerProcess start(Path jar, Duration timeout, PrintStream log, List<String> jvmFlags,
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

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The server's temporary directory (its data under {@code data/}). */
  public Path root() {
    return root;
  }

  /** A field of the demo credentials (companyId, companyKey, workspaceId, …). */
  public String credential(String field) {
    return credentials.path(field).asText();
  }

  /** The port of the server's embedded PostgreSQL. */
  public int postgresPort() throws IOException {
    List<String> lines = Files.readAllLines(root.resolve("data").resolve("postgres")
        .resolve("postmaster.pid"));
    return Integer.parseInt(lines.get(3).trim());
  }

  public int port() {
    return port;
  }

  public String workspaceId() {
    return credentials.path("workspaceId").asText();
  }

  public String workspaceKey() {
    return credentials.path("workspaceKey").asText();
  }

  /** CPU time of the server JVM; -1 when unknown. */
  public long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** CPU jiffies of the server's PostgreSQL (postmaster and its children); -1 if unknown. */
  public long postgresJiffies() {
    return postmaster().map(Machine::postgresJiffies).orElse(-1L);
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
  public String stop() throws InterruptedException {
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
