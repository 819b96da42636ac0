package io.hyrelog.server.internal.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.storage.postgres.PostgresFixture;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the job tests: a fresh migrated database of the shared
 * {@link PostgresFixture}, used as its owner (the role that migrated it). Close it to release
 * its pool.
 */
public final class JobsDatabase implements AutoCloseable {
  private final PostgresFixture.Database database;
  private final HikariDataSource pool;

  private JobsDatabase(PostgresFixture.Database database) {
    this.database = database;
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(database.ownerUrl());
    c.setMaximumPoolSize(12);
    c.setPoolName("jobs-test");
    this.pool = new HikariDataSource(c);
  }

  public static JobsDatabase create() {
    return new JobsDatabase(PostgresFixture.newDatabase());
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A JDBC URL with credentials, for a child process. */
  String url() {
    return database.ownerUrl();
  }

  @Override
  public void close() {
    pool.close();
    database.close();
  }
}
