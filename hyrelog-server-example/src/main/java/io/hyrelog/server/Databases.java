package io.hyrelog.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.DataRegion;
import io.hyrelog.HyrelogException;
import io.hyrelog.server.internal.EmbeddedDatabase;
import io.hyrelog.server.internal.Region;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.hyrelog.storage.postgres.PostgresProvisioning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Database setup: the embedded PostgreSQL (started, its application role provisioned) or the
 * external databases of {@code HYRELOG_DATABASE_URL*}, migrated, and three pools per region:
 * the API's, the store writers' and the jobs', each with bounded waits.
 */
final class Databases {
  private Databases() {}

  /**
   * Each served region's pools, migrated. The embedded database, when there is one, goes to
   * {@code resources}; the pools go to the caller (who hands them to {@code Regions}), or are
   * closed when a later step fails.
   */
  static Map<DataRegion, Region.Pools> open(ServerConfig config, List<AutoCloseable> resources) {
    Map<DataRegion, Region.Pools> out = new EnumMap<>(DataRegion.class);
    List<HikariDataSource> opened = new ArrayList<>();
    try {
      if (config.embedded()) {
        EmbeddedDatabase db = EmbeddedDatabase.start(config.dataDir());
        resources.add(db);
        try (HikariDataSource owner = pool(db.ownerUrl(), "hyrelog-migrate", 2,
            Duration.ofSeconds(30), Duration.ZERO, config.database())) {
          PostgresProvisioning.createRoleIfMissing(owner, EmbeddedDatabase.APP_ROLE);
          PostgresMigrations.builder(owner).applicationRole(EmbeddedDatabase.APP_ROLE).build()
              .migrate();
        }
        out.put(DataRegion.US, pools(DataRegion.US, db.jdbcUrl(EmbeddedDatabase.APP_ROLE),
            config, opened));
        return out;
      }
      for (Map.Entry<DataRegion, String> e : config.databaseUrls().entrySet()) {
        Region.Pools p = pools(e.getKey(), e.getValue(), config, opened);
        out.put(e.getKey(), p);
        // On the jobs' pool: its statement timeout is the one long enough for migrations.
        PostgresMigrations.builder(p.jobs()).build().migrate();
      }
      return out;
    } catch (RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        opened.get(i).close();
      }
      throw e;
    }
  }

  private static Region.Pools pools(DataRegion r, String url, ServerConfig config,
      List<HikariDataSource> opened) {
    DatabaseSettings s = config.database();
    HikariDataSource api = pool(url, "hyrelog-" + r, config.databasePoolSize(),
        s.poolTimeout(), s.statementTimeout(), s);
    opened.add(api);
    HikariDataSource w = pool(url, "hyrelog-" + r + "-writes", s.writers(), s.poolTimeout(),
        s.writeTimeout(), s);
    opened.add(w);
    HikariDataSource j = pool(url, "hyrelog-" + r + "-jobs", s.jobsPoolSize(),
        Duration.ofSeconds(30), s.jobsStatementTimeout(), s);
    opened.add(j);
    return new Region.Pools(api, w, j, url);
  }

  /**
   * A pool whose waits are all bounded: for a pooled connection ({@code poolTimeout}), to
   * connect, for each statement ({@code statement_timeout}, zero: none) and, should the
   * database stop answering altogether, on the socket (the statement timeout plus a margin).
   * The statement timeout travels as a startup option of each connection (pgjdbc {@code
   * options}), so no statement of the server sets it; a URL's own {@code options} parameter
   * replaces it.
   */
  private static HikariDataSource pool(String url, String name, int size,
      Duration poolTimeout, Duration statementTimeout, DatabaseSettings s) {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(url);
    h.setMaximumPoolSize(size);
    h.setMinimumIdle(Math.min(2, size));
    h.setPoolName(name);
    h.setInitializationFailTimeout(30_000);
    h.setConnectionTimeout(poolTimeout.toMillis());
    h.setValidationTimeout(Math.max(250, Math.min(2_000, poolTimeout.toMillis() / 2)));
    h.addDataSourceProperty("connectTimeout", Long.toString(s.connectTimeout().toSeconds()));
    h.addDataSourceProperty("loginTimeout", Long.toString(s.connectTimeout().toSeconds()));
    if (!statementTimeout.isZero()) {
      h.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
      h.addDataSourceProperty("socketTimeout", Long.toString(statementTimeout
          .plus(DatabaseSettings.SOCKET_MARGIN).toSeconds()));
    }
    // Server error details can quote parameter values (personal data): keep them out.
    h.addDataSourceProperty("logServerErrorDetail", "false");
    try {
      return new HikariDataSource(h);
    } catch (RuntimeException e) {
      throw new HyrelogException("cannot connect to the database of pool " + name + " ("
          + rootMessage(e) + "); check the HYRELOG_DATABASE_URL* settings", e);
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.replaceAll("password=[^&\\s]*",
        "password=<masked>");
  }
}
