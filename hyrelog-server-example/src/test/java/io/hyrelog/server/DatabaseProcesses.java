package io.hyrelog.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL of a {@link TestServer} as operating-system processes, for fault
 * injection: freeze all of them (SIGSTOP, a database that stops answering without closing a
 * single connection), thaw them (SIGCONT), or restart the server (fast shutdown, then the same
 * command line again). Linux only, like the embedded binaries.
 */
final class DatabaseProcesses {
  private final Path pgData;
  private final List<Long> stopped = new ArrayList<>();

  DatabaseProcesses(TestServer server) {
    this.pgData = server.dataDir().resolve("postgres");
  }

  /** The postmaster's pid, from its pid file. */
  long postmaster() {
    try {
      return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGSTOP to the postmaster and every process it started. */
  synchronized void freeze() {
    // The postmaster first, so no backend is forked after the list of its children is taken
    // (one forked between listing and stopping would go on serving queries).
    ProcessHandle pm = ProcessHandle.of(postmaster()).orElseThrow();
    signal("STOP", List.of(pm.pid()));
    stopped.add(pm.pid());
    List<Long> pids = new ArrayList<>();
    pm.descendants().forEach(p -> pids.add(p.pid()));
    if (!pids.isEmpty()) {
      signal("STOP", pids);
      stopped.addAll(pids);
    }
  }

  /** SIGCONT to every process {@link #freeze} stopped. */
  synchronized void thaw() {
    if (!stopped.isEmpty()) {
      signal("CONT", stopped);
      stopped.clear();
    }
  }

  /**
   * Stops PostgreSQL (fast shutdown: sessions are ended, in-flight transactions roll back) and
   * starts it again with the same command line and environment, on the same port.
   */
  void restart() {
    long pid = postmaster();
    List<String> command;
    List<String> environment;
    try {
      command = nulSeparated(Path.of("/proc/" + pid + "/cmdline"));
      environment = nulSeparated(Path.of("/proc/" + pid + "/environ"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      // PostgreSQL refuses to run as root; the embedded binaries run in a user namespace then.
      List<String> unshared = new ArrayList<>(List.of("unshare", "-U"));
      unshared.addAll(command);
      command = unshared;
    }
    ProcessHandle pm = ProcessHandle.of(pid).orElseThrow();
    signal("INT", List.of(pid));
    try {
      pm.onExit().get(60, TimeUnit.SECONDS);
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(pgData.resolveSibling("postgres-restarted.log").toFile());
      b.environment().clear();
      for (String kv : environment) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          b.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      b.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!ready() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (!ready()) {
        throw new IllegalStateException("PostgreSQL did not come back after the restart ("
            + String.join(" ", command) + "): " + Files.readString(
                pgData.resolveSibling("postgres-restarted.log")));
      }
    } catch (Exception e) {
      throw new IllegalStateException("restarting the embedded PostgreSQL failed", e);
    }
  }

  private boolean ready() throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return false;
    }
    List<String> lines = Files.readAllLines(pidFile);
    return lines.size() >= 8 && lines.get(7).strip().equals("ready");
  }

  private static List<String> nulSeparated(Path file) throws IOException {
    String all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    return Arrays.stream(all.split("\0")).filter(s -> !s.isEmpty()).toList();
  }

  private static void signal(String signal, List<Long> pids) {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " failed: "
            + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
