package io.hyrelog.storage.postgres;

import io.hyrelog.HyrelogException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and upgrades HyreLog's tables with Flyway, in a schema of their own (default {@value
 * #DEFAULT_SCHEMA}) with a Flyway history table of their own (default {@value
 * #DEFAULT_HISTORY_TABLE}, inside that schema). HyreLog therefore lives beside a host
 * application's own tables and own Flyway history ({@code flyway_schema_history} in {@code
 * public}) in one database, whichever migrates first, and several HyreLog schemas can share a
 * database without seeing each other.
 *
 * <p>Run it as the role that should own the tables (it needs CREATE on the database to create
 * the schema, or ownership of an existing one); the application then connects as a separate
 * role, named with {@link Builder#applicationRole}, which gets only what it needs: see the
 * module README for the exact grants and what that role cannot do (in particular, no UPDATE,
 * DELETE or TRUNCATE on events).
 *
 * <pre>{@code
 * List<PostgresMigrations.Migration> applied = PostgresMigrations.builder(ownerDataSource)
 *     .schema("hyrelog").applicationRole("hyrelog_app").build().migrate();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #migrate()} may run from several processes at once
 * (Flyway serializes them with a database lock).
 */
public final class PostgresMigrations {
  /** The schema HyreLog's tables live in unless told otherwise. */
  public static final String DEFAULT_SCHEMA = "hyrelog";
  /** HyreLog's Flyway history table (in its schema) unless told otherwise. */
  public static final String DEFAULT_HISTORY_TABLE = "hyrelog_schema_history";

  private final DataSource owner;
  private final String schema;
  private final String historyTable;
  private final String applicationRole;
  private final boolean createSchema;

  private PostgresMigrations(Builder b) {
    this.owner = b.owner;
    this.schema = b.schema;
    this.historyTable = b.historyTable;
    this.applicationRole = b.applicationRole;
    this.createSchema = b.createSchema;
  }

  /**
   * Migrations run through {@code owner}, a data source connecting as the schema owner.
   *
   * @param owner the schema owner's data source
   * @return a new builder
   */
  public static Builder builder(DataSource owner) {
    return new Builder(owner);
  }

  /**
   * One applied migration.
   *
   * @param version the migration's version, e.g. {@code 1}
   * @param description the migration's description
   */
  public record Migration(String version, String description) {
    /**
     * Validates the migration.
     *
     * @param version the migration's version, e.g. {@code 1}
     * @param description the migration's description
     */
    public Migration {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * The schema this migrates.
   *
   * @return the schema
   */
  public String schema() {
    return schema;
  }

  /**
   * Applies every pending migration to the schema, creating it first when it does not exist and
   * {@link Builder#createSchema} allows it.
   *
   * @return the migrations applied now, in order (empty when the schema was up to date)
   * @throws HyrelogException when the schema is missing and may not be created, the
   *     application role does not exist, or a migration fails (nothing of a failed migration
   *     stays: each runs in its own transaction)
   */
  public List<Migration> migrate() {
    Database db = Database.unchecked(owner, schema);
    record Found(boolean schemaExists, boolean roleExists) {}
    Found found = db.withHandle("inspect the database before migrating schema " + schema,
        h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?),"
                + " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)")
            .bind(0, schema).bind(1, applicationRole)
            .map((rs, ctx) -> new Found(rs.getBoolean(1), rs.getBoolean(2))).one());
    if (!found.schemaExists() && !createSchema) {
      throw new HyrelogException("schema " + schema + " does not exist and createSchema is"
          + " false; create it as the owner role (CREATE SCHEMA " + schema + ") or allow"
          + " createSchema(true)");
    }
    if (!applicationRole.isEmpty() && !found.roleExists()) {
      throw new HyrelogException("the application role " + applicationRole + " does not exist;"
          + " create it first (CREATE ROLE " + applicationRole + " LOGIN PASSWORD '...'), e.g."
          + " with PostgresProvisioning.createRoleIfMissing");
    }
    try {
      return Flyway.configure(PostgresMigrations.class.getClassLoader())
          .dataSource(owner)
          .locations("classpath:db/hyrelog")
          .schemas(schema)
          .defaultSchema(schema)
          .createSchemas(createSchema)
          .table(historyTable)
          .placeholders(Map.of("appRole", applicationRole, "schema", schema))
          .load()
          .migrate()
          .migrations.stream()
          .map(m -> new Migration(m.version, m.description))
          .toList();
    } catch (FlywayException e) {
      // Flyway's message names the script and the statement: our own DDL, no stored values.
      throw new HyrelogException("cannot migrate schema " + schema + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builder of {@link PostgresMigrations}; each setter rejects a bad value at once, naming the
   * parameter. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource owner;
    private String schema = DEFAULT_SCHEMA;
    private String historyTable = DEFAULT_HISTORY_TABLE;
    private String applicationRole = "";
    private boolean createSchema = true;

    private Builder(DataSource owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * The schema of HyreLog's tables (default {@value #DEFAULT_SCHEMA}): a lowercase SQL
     * identifier not starting with {@code pg_}. Give every store the same name.
     *
     * @param schema the schema
     * @return this builder
     */
    public Builder schema(String schema) {
      this.schema = Database.requireSchema(schema);
      return this;
    }

    /**
     * The Flyway history table, inside the schema (default {@value #DEFAULT_HISTORY_TABLE}): a
     * lowercase SQL identifier.
     *
     * @param historyTable the table's name
     * @return this builder
     */
    public Builder historyTable(String historyTable) {
      this.historyTable = Database.requireIdentifier("historyTable", historyTable);
      return this;
    }

    /**
     * The existing role the application connects as; the migrations grant it what the stores
     * need and nothing more. Without it nothing is granted: the owner is then also the
     * application, and only triggers protect events.
     *
     * @param role the role's name, a lowercase SQL identifier
     * @return this builder
     */
    public Builder applicationRole(String role) {
      this.applicationRole = Database.requireIdentifier("applicationRole", role);
      return this;
    }

    /**
     * Whether {@link #migrate()} may create the schema when it does not exist (default true;
     * the owner then needs CREATE on the database). When false a missing schema is an error
     * that says how to create it.
     *
     * @param createSchema whether a missing schema is created
     * @return this builder
     */
    public Builder createSchema(boolean createSchema) {
      this.createSchema = createSchema;
      return this;
    }

    /**
     * Builds the migrations; nothing touches the database until
     * {@link PostgresMigrations#migrate()}.
     *
     * @return the migrations
     */
    public PostgresMigrations build() {
      return new PostgresMigrations(this);
    }
  }
}
