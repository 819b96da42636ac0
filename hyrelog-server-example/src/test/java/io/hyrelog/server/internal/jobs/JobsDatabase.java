package io.hyrelog.server.internal.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the job tests: embedded binaries started once per test JVM; each test
 * gets a fresh database migrated by {@link PostgresMigrations}. Close it to release its pool.
 */
public final class JobsDatabase implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres embedded;

  private final String url;
  private final HikariDataSource pool;

  private JobsDatabase(String url) {
    this.url = url;
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setMaximumPoolSize(12);
    c.setPoolName("jobs-test");
    this.pool = new HikariDataSource(c);
    PostgresMigrations.builder(pool).build().migrate();
  }

  public static synchronized JobsDatabase create() {
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    String name = "jobs_t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(embedded.getJdbcUrl("postgres", "postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return new JobsDatabase(embedded.getJdbcUrl("postgres", name));
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A JDBC URL with credentials, for a child process. */
  String url() {
    return url;
  }

  @Override
  public void close() {
    pool.close();
  }
}
