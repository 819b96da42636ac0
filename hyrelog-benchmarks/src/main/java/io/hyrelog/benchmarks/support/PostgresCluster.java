package io.hyrelog.benchmarks.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An embedded (durable settings: fsync, synchronous_commit, full_page_writes on) or external
 * PostgreSQL on which the drivers create a migrated template database and, per scenario, a
 * fresh copy of it; with the settings and WAL counters the reports state.
 */
public final class PostgresCluster implements AutoCloseable {
  private static final String TEMPLATE = "hyrelog_bench_template";

  private final String adminUrl;
  private final EmbeddedPostgres embedded;
  private final PrintStream log;
  private int counter;

  private PostgresCluster(String adminUrl, EmbeddedPostgres embedded, PrintStream log) {
    this.adminUrl = adminUrl;
    this.embedded = embedded;
    this.log = log;
  }

  public static PostgresCluster start(String jdbcUrl, PrintStream log) {
    if (jdbcUrl != null) {
      return new PostgresCluster(jdbcUrl, null, log);
    }
    log.println("starting embedded PostgreSQL");
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("track_wal_io_timing", "on")
          .setServerConfig("max_connections", "200")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      return new PostgresCluster(pg.getJdbcUrl("postgres", "postgres"), pg, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  /** Whether this is the embedded server (else an external one, by URL). */
  public boolean embedded() {
    return embedded != null;
  }

  /** Creates the template database and migrates it into {@link RawRows#SCHEMA}. */
  public void createTemplate() {
    exec("DROP DATABASE IF EXISTS " + TEMPLATE);
    exec("CREATE DATABASE " + TEMPLATE);
    PGSimpleDataSource owner = new PGSimpleDataSource();
    owner.setURL(urlFor(TEMPLATE));
    PostgresMigrations.builder(owner).schema(RawRows.SCHEMA).build().migrate();
  }

  /** A fresh migrated database, after a checkpoint so every scenario starts alike. */
  public String createDatabase() {
    String name = "hyrelog_bench_" + ProcessHandle.current().pid() + "_" + (++counter);
    exec("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    try {
      exec("CHECKPOINT");
    } catch (IllegalStateException e) {
      log.println("  (no CHECKPOINT: " + e.getMessage() + ")");
    }
    return name;
  }

  public void dropDatabase(String name) {
    try {
      exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (IllegalStateException e) {
      log.println("  could not drop " + name + ": " + e.getMessage());
    }
  }

  /** Server version and the settings that decide durability and commit cost. */
  public String settings() throws SQLException {
    StringBuilder s = new StringBuilder();
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement st = c.createStatement()) {
      s.append(show(st, "server_version"));
      s.append(" —");
      for (String k : List.of("fsync", "synchronous_commit", "full_page_writes",
          "wal_sync_method", "commit_delay", "shared_buffers", "max_wal_size", "wal_level")) {
        s.append(' ').append(k).append('=').append(show(st, k));
      }
    }
    return s.toString();
  }

  /** Cluster-wide WAL counters; null when the server's views differ. */
  public Map<String, Double> walCounters(String db) {
    Map<String, Double> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT wal_bytes, wal_fpi FROM pg_stat_wal")) {
        rs.next();
        out.put("walBytes", rs.getDouble(1));
        out.put("walFpi", rs.getDouble(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(fsyncs), 0),"
          + " coalesce(sum(fsync_time), 0) FROM pg_stat_io WHERE object = 'wal'")) {
        rs.next();
        out.put("walFsyncs", rs.getDouble(1));
        out.put("walFsyncMs", rs.getDouble(2));
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database WHERE datname = ?")) {
        ps.setString(1, db);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put("commits", rs.getDouble(1));
        }
      }
      return out;
    } catch (SQLException e) {
      return null;
    }
  }

  /** The postmaster's pid when the server runs on this host (embedded). */
  public Optional<Long> postmasterPid() {
    if (embedded == null) {
      return Optional.empty();
    }
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return Machine.parentOf(rs.getLong(1));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private static String show(Statement st, String setting) throws SQLException {
    try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  public String urlFor(String db) {
    int q = adminUrl.indexOf('?');
    String base = q < 0 ? adminUrl : adminUrl.substring(0, q);
    String params = q < 0 ? "" : adminUrl.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + db + params;
  }

  public void exec(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (embedded == null) {
      try {
        exec("DROP DATABASE IF EXISTS " + TEMPLATE);
      } catch (IllegalStateException ignored) {
        // best effort
      }
      return;
    }
    try {
      embedded.close();
    } catch (IOException e) {
      log.println("stopping the embedded PostgreSQL failed: " + e);
    }
  }

  /**
   * The report lines every database driver states: this JVM (and its max heap), the server's
   * version and durability settings, the machine.
   */
  public List<String> environment() throws SQLException {
    return List.of(Machine.jdk() + ", max heap " + Runtime.getRuntime().maxMemory()
        / (1024 * 1024) + " MB", "PostgreSQL: " + settings() + (embedded()
            ? " (embedded, zonky binaries)" : " (external)"), Machine.description());
  }

  /**
   * A Hikari pool of {@code size} connections with batched inserts rewritten and synchronous
   * commit on, as every scenario uses.
   */
  public static HikariDataSource pool(String url, int size, String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(size);
    c.setPoolName(name);
    c.setConnectionTimeout(60_000);
    c.addDataSourceProperty("reWriteBatchedInserts", "true");
    c.setConnectionInitSql("SET synchronous_commit TO on");
    return new HikariDataSource(c);
  }
}
