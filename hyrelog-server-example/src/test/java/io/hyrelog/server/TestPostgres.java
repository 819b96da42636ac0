package io.hyrelog.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.server.internal.EmbeddedDatabase;
import io.hyrelog.storage.postgres.PostgresMigrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL for the tests of this JVM that need a bare database rather than a
 * whole server: each test gets a fresh, migrated database of its own (owner connection, no
 * separate application role). Stopped when the JVM exits.
 */
final class TestPostgres {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedDatabase pg;

  private TestPostgres() {}

  /** A fresh migrated database and a pool on it; the caller closes the pool. */
  record Database(String url, HikariDataSource pool) implements AutoCloseable {
    @Override
    public void close() {
      pool.close();
    }
  }

  static Database newDatabase(String prefix, int poolSize) {
    String name = prefix + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server().ownerUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    String url = server().ownerUrl().replace("/" + EmbeddedDatabase.DATABASE, "/" + name);
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(url);
    h.setMaximumPoolSize(poolSize);
    HikariDataSource ds = new HikariDataSource(h);
    PostgresMigrations.builder(ds).build().migrate();
    return new Database(url, ds);
  }

  private static synchronized EmbeddedDatabase server() {
    if (pg == null) {
      try {
        pg = EmbeddedDatabase.start(Files.createTempDirectory("hyrelog-test-pg"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedDatabase started = pg;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-postgres-stop"));
    }
    return pg;
  }
}
