package io.hyrelog.storage.postgres;

import io.hyrelog.WorkspaceRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test helper: an {@link AppendWorker} running in its own JVM, with its stdout and stderr
 * captured for diagnostics. Close it to kill the child if it still runs.
 */
final class WorkerProcess implements AutoCloseable {
  static final String APPLICATION_NAME = "hyrelog-append-worker";
  private final Process process;
  private final PostgresFixture.Database db;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Void> appending = new CompletableFuture<>();
  private final Thread reader;

  private WorkerProcess(Process process, PostgresFixture.Database db) {
    this.process = process;
    this.db = db;
    this.reader = new Thread(this::readOutput, "worker-output-" + process.pid());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Starts a worker appending {@code plan} to {@code ws} of {@code db}, acks to {@code out}. */
  static WorkerProcess start(PostgresFixture.Database db, WorkspaceRef ws,
      AppendWorker.Plan plan, String start, Path out) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath(), AppendWorker.class.getName(),
        "url=" + db.appUrl(), "user=" + db.appUser(), "password=" + db.appPassword(),
        "company=" + ws.companyId(), "workspace=" + ws.workspaceId(), "region=" + ws.region(),
        "start=" + start, "out=" + out));
    cmd.addAll(plan.args());
    try {
      return new WorkerProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), db);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /**
   * The test JVM's classpath. Surefire and failsafe put the full test classpath in {@code
   * surefire.test.class.path} (and in {@code java.class.path}, even when they boot from a
   * manifest-only jar); an IDE sets {@code java.class.path}.
   */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private void readOutput() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.append(line).append('\n');
        if (line.equals(AppendWorker.STARTED)) {
          started.complete(null);
        } else if (line.equals(AppendWorker.APPENDING)) {
          appending.complete(null);
        }
      }
    } catch (IOException e) {
      log.append("(reading the worker's output failed: ").append(e).append(")\n");
    } finally {
      started.completeExceptionally(new IllegalStateException("its output ended"));
      appending.completeExceptionally(new IllegalStateException("its output ended"));
    }
  }

  /** Waits until the worker is ready to append. */
  void awaitStarted(Duration timeout) throws InterruptedException {
    await(started, "start", timeout);
  }

  /** Waits until the worker has recorded its first acknowledged append. */
  void awaitAppending(Duration timeout) throws InterruptedException {
    await(appending, "append", timeout);
  }

  private void await(CompletableFuture<Void> marker, String what, Duration timeout)
      throws InterruptedException {
    try {
      marker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw failure("did not " + what + " within " + timeout + " (" + e + ")");
    }
  }

  /** Lets a started worker begin appending. */
  void go() {
    try {
      OutputStream in = process.getOutputStream();
      in.write('\n');
      in.flush();
    } catch (IOException e) {
      throw failure("cannot be signalled (" + e + ")");
    }
  }

  /** Waits for the worker to exit on its own and fails unless it exited 0. */
  void awaitSuccess(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw failure("still runs after " + timeout);
    }
    if (process.exitValue() != 0) {
      throw failure("exited " + process.exitValue());
    }
  }

  /** An assertion error that shows the worker's output (the worker is killed first). */
  private AssertionError failure(String what) {
    process.destroyForcibly();
    return new AssertionError("worker " + process.pid() + " " + what + "; its output:\n"
        + output());
  }

  /**
   * Kills the worker with SIGKILL and returns true, or returns false when it had already exited
   * 0 (finished its plan). Fails when it had exited with an error.
   */
  boolean kill() throws InterruptedException {
    boolean alive = process.isAlive();
    process.destroyForcibly();
    process.waitFor();
    if (!alive && process.exitValue() != 0) {
      throw failure("exited " + process.exitValue() + " before it was killed");
    }
    awaitBackendsGone();
    return alive;
  }

  /**
   * Waits until the database has no backend of a worker left. A killed client's backend may
   * still be running the statement it last sent (even a COMMIT, which then takes effect); only
   * after it ends is the database's content final for the checks that follow.
   */
  private void awaitBackendsGone() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.ownerUrl());
          java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM"
              + " pg_stat_activity WHERE application_name = ? AND datname = current_database()")) {
        ps.setString(1, APPLICATION_NAME);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
      } catch (java.sql.SQLException e) {
        throw failure("cannot look for its backends: " + e.getSQLState());
      }
      if (System.nanoTime() > deadline) {
        throw failure("its database backends did not end within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** What the worker printed (stdout and stderr), once its output has ended. */
  String output() {
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return log.toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
