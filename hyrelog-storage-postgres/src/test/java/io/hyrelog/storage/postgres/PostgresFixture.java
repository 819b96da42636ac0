package io.hyrelog.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for tests, started once per test JVM: embedded server binaries from Maven
 * (the default); or, with {@code -Ptestcontainers}, a PostgreSQL container
 * ({@code TestcontainersPostgres}; without Docker the tests are skipped); or the server named by
 * {@code HYRELOG_TEST_JDBC_URL} (a URL of a role that may create databases and roles, e.g.
 * {@code jdbc:postgresql://localhost:5432/postgres?user=postgres}).
 *
 * <p>The schema ({@value PostgresMigrations#DEFAULT_SCHEMA}) is migrated once into a template
 * database, as its owner; each test gets a fresh copy of it and connects as {@value #APP_ROLE},
 * the application role that does not own the tables. That role's {@code search_path} stays
 * PostgreSQL's default (no HyreLog schema in it), so a statement that forgot its schema fails
 * here. The application role may read the migration history, so a server started on a copy with
 * {@link Database#appUrlWithCredentials()} as its external database URL finds nothing to
 * migrate.
 *
 * <p>Shared by every module's tests (the server's through this module's test jar): one cluster
 * per test JVM instead of an {@code initdb} per test. Tests that must own a PostgreSQL process
 * (stop, kill or freeze it, or change its settings) start their own and are tagged
 * {@code process}.
 */
public final class PostgresFixture {
  public static final String APP_ROLE = "hyrelog_app";
  private static final String APP_PASSWORD = "hyrelog-app-test";
  private static final String TEMPLATE = "hyrelog_template";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static String adminUrl;
  private static EmbeddedPostgres embedded;

  private PostgresFixture() {}

  /** A fresh, migrated database. Close it to release its pools. */
  public static synchronized Database newDatabase() {
    start();
    String name = "hyrelog_t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    exec(adminUrl, "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return new Database(name, urlFor(name));
  }

  /**
   * A fresh database with nothing of HyreLog in it (no schema, no history), for tests of the
   * migrations themselves. Close it to release its pools.
   */
  public static synchronized Database newEmptyDatabase() {
    start();
    String name = "hyrelog_e" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    exec(adminUrl, "CREATE DATABASE " + name);
    return new Database(name, urlFor(name));
  }

  /** Runs one statement as the administrator (cluster-wide setup such as roles). */
  static synchronized void admin(String sql) {
    start();
    exec(adminUrl, sql);
  }

  private static void start() {
    if (adminUrl != null) {
      return;
    }
    String external = System.getenv("HYRELOG_TEST_JDBC_URL");
    if ("testcontainers".equals(System.getProperty("hyrelog.test.postgres"))) {
      adminUrl = container();
    } else if (external != null && !external.isBlank()) {
      adminUrl = external;
    } else {
      try {
        // The embedded defaults trade durability for speed; the store (rightly) refuses that.
        embedded = EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("max_connections", "300")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      adminUrl = embedded.getJdbcUrl("postgres", "postgres");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    exec(adminUrl, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
        + APP_ROLE + "') THEN CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + APP_PASSWORD
        + "'; END IF; END $$");
    exec(adminUrl, "DROP DATABASE IF EXISTS " + TEMPLATE);
    exec(adminUrl, "CREATE DATABASE " + TEMPLATE);
    PGSimpleDataSource owner = new PGSimpleDataSource();
    owner.setURL(urlFor(TEMPLATE));
    PostgresMigrations.builder(owner).applicationRole(APP_ROLE).build().migrate();
    exec(urlFor(TEMPLATE), "GRANT SELECT ON " + PostgresMigrations.DEFAULT_SCHEMA + "."
        + PostgresMigrations.DEFAULT_HISTORY_TABLE + " TO " + APP_ROLE);
  }

  // The profile compiles TestcontainersPostgres and puts Testcontainers on the class path; the
  // default build has neither, hence the lookup by name.
  private static String container() {
    try {
      @SuppressWarnings("unchecked")
      Supplier<String> container = (Supplier<String>) Class.forName(
          PostgresFixture.class.getPackageName() + ".TestcontainersPostgres")
          .getDeclaredConstructor().newInstance();
      return container.get();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("hyrelog.test.postgres=testcontainers needs the"
          + " testcontainers profile (mvn -Ptestcontainers)", e);
    }
  }

  /** The admin URL with its database replaced by {@code db}. */
  static String urlFor(String db) {
    int q = adminUrl.indexOf('?');
    String base = q < 0 ? adminUrl : adminUrl.substring(0, q);
    String params = q < 0 ? "" : adminUrl.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + db + params;
  }

  static void exec(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("fixture SQL failed: " + e.getMessage(), e);
    }
  }

  /**
   * A connection, as the owner, holding the lock of a chain's head: the next append transaction
   * of that chain waits for it. Roll back (or close) it to let the writer go on.
   */
  public static Connection lockChainHead(Database db, java.util.UUID workspaceId)
      throws SQLException {
    Connection c = DriverManager.getConnection(db.ownerUrl());
    c.setAutoCommit(false);
    try (java.sql.PreparedStatement ps = c.prepareStatement(
        "SELECT seq FROM hyrelog.chain_heads WHERE workspace_id = ? FOR UPDATE")) {
      ps.setObject(1, workspaceId);
      ps.executeQuery().close();
    }
    return c;
  }

  /** Whether some session of {@code db} waits for a lock. */
  public static boolean waitingOnLock(Database db) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /** One test database: the owner's connection URL and a pool of the application role. */
  public static final class Database implements AutoCloseable {
    private final String name;
    private final String ownerUrl;
    private final HikariDataSource app;

    Database(String name, String ownerUrl) {
      this.name = name;
      this.ownerUrl = ownerUrl;
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(ownerUrl.replaceAll("([?&])(user|password)=[^&]*&?", "$1")
          .replaceAll("[?&]$", ""));
      cfg.setUsername(APP_ROLE);
      cfg.setPassword(APP_PASSWORD);
      cfg.setMaximumPoolSize(8);
      cfg.setPoolName("hyrelog-test-" + name);
      this.app = new HikariDataSource(cfg);
    }

    /** Connections as the application role (no UPDATE/DELETE/TRUNCATE on events). */
    public DataSource app() {
      return app;
    }

    /** The application role's JDBC URL, without credentials (for child processes). */
    public String appUrl() {
      return app.getJdbcUrl();
    }

    /** The application role's JDBC URL with its user and password (a server's database URL). */
    public String appUrlWithCredentials() {
      return appUrl() + (appUrl().contains("?") ? "&" : "?") + "user=" + APP_ROLE
          + "&password=" + APP_PASSWORD;
    }

    public String appUser() {
      return APP_ROLE;
    }

    public String appPassword() {
      return APP_PASSWORD;
    }

    /** The owner's JDBC URL (for test setup only). */
    public String ownerUrl() {
      return ownerUrl;
    }

    /** Unpooled connections as the owner of the database (the role that migrates). */
    public DataSource owner() {
      PGSimpleDataSource owner = new PGSimpleDataSource();
      owner.setURL(ownerUrl);
      return owner;
    }

    public String name() {
      return name;
    }

    @Override
    public void close() {
      app.close();
    }
  }
}
