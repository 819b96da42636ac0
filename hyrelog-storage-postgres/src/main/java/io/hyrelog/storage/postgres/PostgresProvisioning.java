package io.hyrelog.storage.postgres;

import javax.sql.DataSource;

/**
 * Creates the database and the login role a self-contained deployment needs before {@link
 * PostgresMigrations} runs (the example server's embedded default does this on first start).
 * Both steps are idempotent. Run them as a role that may create databases and roles (the
 * cluster's superuser in an embedded setup); in a managed database an operator does this once
 * by hand instead.
 */
public final class PostgresProvisioning {
  private PostgresProvisioning() {}

  /**
   * Creates database {@code name} unless it exists.
   *
   * @param admin connects to any other database of the cluster (e.g. {@code postgres}) as a
   *     role with CREATEDB
   * @param name the database's name
   * @return whether it was created now
   * @throws IllegalArgumentException when {@code name} is not a lowercase SQL identifier
   * @throws PostgresStorageException when the database refuses
   */
  public static boolean createDatabaseIfMissing(DataSource admin, String name) {
    Database.requireIdentifier("name", name);
    return createUnlessExists(admin, "database " + name, "42P04",
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", name,
        "CREATE DATABASE " + Database.quoted(name));
  }

  /**
   * Creates login role {@code role} (without a password: it authenticates as the server's
   * configuration allows, e.g. trust on a loopback-only embedded server) unless it exists.
   *
   * @param admin connects as a role with CREATEROLE
   * @param role the role's name
   * @return whether it was created now
   * @throws IllegalArgumentException when {@code role} is not a lowercase SQL identifier
   * @throws PostgresStorageException when the database refuses
   */
  public static boolean createRoleIfMissing(DataSource admin, String role) {
    Database.requireIdentifier("role", role);
    return createUnlessExists(admin, "role " + role, "42710",
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)", role,
        "CREATE ROLE " + Database.quoted(role) + " LOGIN");
  }

  // Cluster-wide statements name no schema; the default one is never touched. A concurrent
  // creator that won the race shows as `duplicate` (the object exists: not an error).
  private static boolean createUnlessExists(DataSource admin, String what, String duplicate,
      String exists, String name, String create) {
    try {
      return Database.unchecked(admin, PostgresMigrations.DEFAULT_SCHEMA)
          .withHandle("create " + what, h -> {
            if (h.createQuery(exists).bind(0, name).mapTo(Boolean.class).one()) {
              return false;
            }
            h.execute(create);
            return true;
          });
    } catch (PostgresStorageException e) {
      if (duplicate.equals(e.sqlState())) {
        return false;
      }
      throw e;
    }
  }
}
