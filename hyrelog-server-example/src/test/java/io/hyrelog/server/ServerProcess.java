package io.hyrelog.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real {@code hyrelog-server.jar} (built in the {@code package} phase) started as a separate
 * process with {@code java -jar}, in a working directory and environment of the test's choice.
 * Its stdout and stderr are read together into memory (and echoed to the test's stdout with a
 * prefix, except access log lines). Closing it stops the process: SIGTERM, then SIGKILL after
 * 30 s.
 */
public final class ServerProcess implements AutoCloseable {
  private TestHttp http;
  /** The line the server logs once it accepts requests. */
  public static final Pattern LISTENING =
      Pattern.compile("HyreLog API listening on http://localhost:(\\d+)");
  /** Environment variables a user's shell would have that a JVM may need. */
  private static final List<String> INHERITED = List.of("PATH", "HOME", "JAVA_HOME", "LANG",
      "LC_ALL", "TMPDIR", "USER");

  private final String name;
  private final Process process;
  private final Thread pump;
  private final StringBuilder output = new StringBuilder(); // guarded by this
  private boolean eof; // guarded by this
  private int port = -1;

  private ServerProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.pump = new Thread(this::pump, "output-" + name);
    this.pump.setDaemon(true);
    this.pump.start();
  }

  /** The shaded server jar of this module. */
  public static Path jar() {
    Path jar = Path.of("target", "hyrelog-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; run the ITs through Maven (verify)"
          + " so the package phase builds it first");
    }
    return jar;
  }

  /** A minimal environment: PATH, HOME, JAVA_HOME and the like; no HYRELOG_* variable. */
  public static Map<String, String> minimalEnv() {
    Map<String, String> env = new HashMap<>();
    for (String v : INHERITED) {
      String value = System.getenv(v);
      if (value != null) {
        env.put(v, value);
      }
    }
    return env;
  }

  /**
   * {@link #minimalEnv()} plus an external database, fresh random secrets (API key secret,
   * internal token, webhook key) and a data directory: the environment of server processes
   * that share one database.
   */
  public static Map<String, String> externalEnv(String databaseUrl, Path dataDir) {
    Map<String, String> env = minimalEnv();
    env.put("HYRELOG_DATABASE_URL", databaseUrl);
    for (String secret : List.of("HYRELOG_API_KEY_SECRET", "HYRELOG_INTERNAL_TOKEN",
        "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", "HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY")) {
      env.put(secret, randomSecret());
    }
    env.put("HYRELOG_DATA_DIR", dataDir.toString());
    return env;
  }

  /** 32 random bytes as hex: a secret for a setting. */
  public static String randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** What {@link #seed} did: the demo tenant it wrote and what it printed. */
  public record Seeded(DemoCredentials demo, String output) {}

  /** Runs {@code seed} in {@code workDir} with {@code env} and reads the demo tenant it wrote. */
  public static Seeded seed(Path workDir, Map<String, String> env) {
    try (ServerProcess seed = start("seed", workDir, env, "seed")) {
      if (seed.awaitExit(Duration.ofSeconds(60)) != 0) {
        throw new AssertionError("seed failed; its output:\n" + seed.output());
      }
      return new Seeded(DemoCredentials.read(Path.of(env.get("HYRELOG_DATA_DIR"))
          .resolve("demo-credentials.json")), seed.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code java -jar hyrelog-server.jar args…} in {@code workDir} with exactly
   * {@code env} as its environment.
   */
  public static ServerProcess start(String name, Path workDir, Map<String, String> env,
      String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      return new ServerProcess(name, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.contains(" i.hyrelog.server.access ")) { // one line per request: too many
          System.out.println("[" + name + "] " + line);
        }
        synchronized (this) {
          output.append(line).append('\n');
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      synchronized (this) {
        eof = true;
        notifyAll();
      }
    }
  }

  /** Everything the process printed so far. */
  public synchronized String output() {
    return output.toString();
  }

  /**
   * Waits until the output matches {@code p} and returns the match.
   *
   * @throws AssertionError if the process ends or {@code timeout} passes first
   */
  public Matcher await(Pattern p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        Matcher m = p.matcher(output);
        if (m.find()) {
          return m;
        }
        long left = deadline - System.nanoTime();
        if (eof || left <= 0) {
          throw new AssertionError(name + (eof ? " ended" : " timed out") + " before printing '"
              + p + "'; its output:\n" + output);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Waits for the listening line (up to 120 s: a first start runs initdb) and its port. */
  public int awaitListening() {
    port = Integer.parseInt(await(LISTENING, Duration.ofSeconds(120)).group(1));
    return port;
  }

  public URI baseUrl() {
    if (port < 0) {
      throw new IllegalStateException("awaitListening() first");
    }
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The client of this server (one per process, so connections never outlive it). */
  public synchronized TestHttp http() {
    if (http == null) {
      http = new TestHttp(baseUrl());
    }
    return http;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to end and for its output to be read; returns the exit code.
   *
   * @throws AssertionError if it is still running after {@code timeout}
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still runs after " + timeout + "; its output:\n"
            + output());
      }
      pump.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  /**
   * SIGTERM (graceful shutdown); returns the exit code, which must come within 30 s. Sent with
   * {@link ProcessHandle#destroy()}: {@link Process#destroy()} would also close our end of the
   * output pipe and lose what the server prints while it shuts down.
   */
  public int stop() {
    process.toHandle().destroy();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** SIGKILL: the JVM ends at once and runs no shutdown hook. */
  public int kill() {
    process.toHandle().destroyForcibly();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** Ends the process whatever its state: SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.toHandle().destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The running PostgreSQL of an embedded data directory, from {@code postgres/postmaster.pid}
   * (present while it runs; PostgreSQL removes it when it stops cleanly).
   */
  public static Optional<ProcessHandle> postgresOf(Path dataDir) {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
      if (lines.isEmpty() || !lines.get(0).strip().matches("[0-9]{1,10}")) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (IOException e) {
      return Optional.empty(); // removed while we read it: not running
    }
  }

  /** Stops a PostgreSQL left running under {@code dataDir} (after a kill -9 of its server). */
  public static void stopPostgres(Path dataDir) {
    postgresOf(dataDir).ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    });
  }

  /** Deletes a directory tree, best effort (a temporary directory of a test). */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
