package io.hyrelog.storage.postgres;

import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades HyreLog's schema with Flyway. Run it as the role that should own the
 * tables; the application then connects as a separate role that gets only what it needs (in
 * particular, no UPDATE, DELETE or TRUNCATE on events).
 */
public final class PostgresMigrations {
  private PostgresMigrations() {}

  /**
   * Applies every pending migration.
   *
   * @param owner a data source connecting as the schema owner
   * @param appRole the existing role the application connects as, granted its privileges; empty
   *     to grant nothing (the owner is then also the application, and only triggers protect
   *     events)
   * @return how many migrations were applied
   */
  public static int migrate(DataSource owner, String appRole) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(appRole, "appRole");
    if (!appRole.isEmpty() && !appRole.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "appRole must be a lowercase SQL identifier (a-z, 0-9, _), got '" + appRole + "'");
    }
    return Flyway.configure()
        .dataSource(owner)
        .locations("classpath:db/hyrelog")
        .placeholders(Map.of("appRole", appRole))
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
