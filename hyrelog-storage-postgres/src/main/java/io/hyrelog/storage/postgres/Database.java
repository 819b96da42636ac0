package io.hyrelog.storage.postgres;

import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.streams.LookAheadIterator;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.LoggerFactory;

/**
 * One HyreLog schema in one database, reached through Jdbi: every storage class holds one. All
 * SQL names its tables as {@code <schema>.table}; Jdbi's defined attribute {@code schema} puts
 * the quoted schema name there, so no statement depends on the connection's {@code
 * search_path}. Database failures leave as {@link PostgresStorageException}, the adapter's one
 * exception policy. Thread-safe. Not part of the public API.
 */
final class Database {
  /** A lowercase SQL identifier, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1). */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final Jdbi jdbi;
  private final String schema;

  private Database(DataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.jdbi = Jdbi.create(dataSource);
    jdbi.define("schema", quoted(schema));
    // Times travel as timestamptz in UTC, at the database's microsecond precision when read.
    jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.TIMESTAMP_WITH_TIMEZONE) {
      @Override
      protected Argument build(Instant value, ConfigRegistry config) {
        return (position, statement, ctx) ->
            statement.setObject(position, value.atOffset(ZoneOffset.UTC));
      }
    });
    jdbi.registerColumnMapper(Instant.class, (rs, column, ctx) -> instant(rs, column));
  }

  /**
   * The schema {@code schema} (already validated) on {@code dataSource}, checked to hold the
   * given tables and to be usable by the connecting role.
   *
   * @throws HyrelogException when the schema does not exist, the role may not use it, or a
   *     table is missing (the schema was not migrated)
   */
  public static Database open(DataSource dataSource, String schema, String... tables) {
    return unchecked(dataSource, schema).requireTables(tables);
  }

  /** The schema on {@code dataSource}, not checked (for migrations and provisioning). */
  public static Database unchecked(DataSource dataSource, String schema) {
    return new Database(Objects.requireNonNull(dataSource, "dataSource"), requireSchema(schema));
  }

  /**
   * Checks a schema name: a lowercase SQL identifier not starting with {@code pg_} (PostgreSQL
   * reserves those).
   *
   * @throws IllegalArgumentException naming the parameter {@code schema}
   */
  public static String requireSchema(String schema) {
    requireIdentifier("schema", schema);
    if (schema.startsWith("pg_")) {
      throw new IllegalArgumentException("schema must not start with pg_ (reserved by"
          + " PostgreSQL), got '" + schema + "'");
    }
    return schema;
  }

  /**
   * Checks a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit; at most 63).
   *
   * @throws IllegalArgumentException naming {@code parameter} and the value
   */
  public static String requireIdentifier(String parameter, String value) {
    Objects.requireNonNull(value, parameter);
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(parameter + " must be a lowercase SQL identifier (a-z,"
          + " 0-9, _, not starting with a digit, at most 63 characters), got '"
          + (value.length() > 80 ? value.substring(0, 80) + "…" : value) + "'");
    }
    return value;
  }

  /** An identifier (already validated) in double quotes, so even a keyword works. */
  public static String quoted(String identifier) {
    return '"' + identifier + '"';
  }

  /** The data source (for the one path that uses plain JDBC, the group-commit appender). */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * {@code template} with its {@code <schema>} attribute replaced by the quoted schema, as Jdbi
   * renders it, for statements run through plain JDBC. Templates must not hold
   * {@code <schema>} inside a string literal (Jdbi would leave that one alone).
   */
  public String render(String template) {
    return render(template, schema);
  }

  /** {@link #render(String)} for a schema (already validated) without a data source. */
  public static String render(String template, String schema) {
    return EventRows.render(template, schema);
  }

  /** The schema's name. */
  public String schema() {
    return schema;
  }

  /** {@code "schema".table}, for SQL that Jdbi does not render (db-scheduler's table name). */
  public String qualified(String table) {
    return quoted(schema) + "." + table;
  }

  /**
   * Checks that the schema exists, that the connecting role may use it, and that it holds the
   * given tables (it was migrated).
   *
   * @return this
   * @throws HyrelogException saying what is missing and how to fix it
   */
  public Database requireTables(String... tables) {
    record Found(boolean exists, boolean usable, String user, List<String> missing) {}
    Found f = withHandle("check schema " + schema, h -> h.createQuery("""
            SELECT n.oid IS NOT NULL, n.oid IS NOT NULL AND has_schema_privilege(n.oid, 'USAGE'),
                   current_user,
                   ARRAY(SELECT t FROM unnest(?::text[]) AS t
                         WHERE NOT EXISTS (SELECT 1 FROM pg_class c
                                           WHERE c.relnamespace = n.oid AND c.relname = t))
            FROM (SELECT ?::text AS name) AS q LEFT JOIN pg_namespace n ON n.nspname = q.name""")
        .bind(0, array("text", List.of(tables))).bind(1, schema)
        .map((rs, ctx) -> new Found(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3),
            List.of((String[]) rs.getArray(4).getArray())))
        .one());
    String migrate = "run PostgresMigrations.builder(ownerDataSource).schema(\"" + schema
        + "\")...build().migrate() first, as the role that owns the schema";
    if (!f.exists()) {
      throw new HyrelogException("schema " + schema + " does not exist in this database; "
          + migrate);
    }
    if (!f.usable()) {
      throw new HyrelogException("role " + f.user() + " may not use schema " + schema
          + " (no USAGE privilege); migrate with applicationRole(\"" + f.user() + "\") to grant"
          + " it what the application needs");
    }
    if (!f.missing().isEmpty()) {
      throw new HyrelogException("schema " + schema + " is not migrated: it has no table "
          + String.join(", ", f.missing()) + "; " + migrate);
    }
    return this;
  }

  /**
   * Runs {@code work} on a handle in autocommit mode; a failure is reported as {@code what}.
   * Inside a {@link #atomically unit of work} it runs in the unit's transaction instead.
   */
  public <T> T withHandle(String what, Function<Handle, T> work) {
    Handle unit = unitHandle(what);
    if (unit != null) {
      return inSavepoint(unit, what, work);
    }
    try {
      return jdbi.withHandle(work::apply);
    } catch (JdbiException e) {
      throw new PostgresStorageException(what, e);
    }
  }

  /**
   * Runs {@code work} in one transaction (committed when it returns, rolled back when it
   * throws); a database failure is reported as {@code what}, other exceptions pass unchanged.
   * Inside a {@link #atomically unit of work} it joins the unit's transaction instead.
   */
  public <T> T inTransaction(String what, Function<Handle, T> work) {
    Handle unit = unitHandle(what);
    if (unit != null) {
      return inSavepoint(unit, what, work);
    }
    try {
      return jdbi.inTransaction(work::apply);
    } catch (JdbiException e) {
      throw new PostgresStorageException(what, e);
    }
  }

  /**
   * Runs {@code work} as one unit of work: every {@link #withHandle} and {@link #inTransaction}
   * the calling thread runs meanwhile, through any {@code Database} of any store, runs in one
   * transaction per (data source, schema) it touches, opened at its first use; all of them
   * commit when {@code work} returns and roll back when it throws (the exception passes
   * unchanged). A nested call joins the unit. Atomic per database: when one unit touches two
   * databases, the second commit can fail after the first succeeded (reported as a {@link
   * PostgresStorageException}). Streams ({@link #stream}, {@link #openReadOnly}) and the
   * group-commit appender run on their own connections, outside the unit.
   *
   * <p>Each statement group of a store runs under a savepoint, so a store that handles its
   * own failure (a duplicate it expects) leaves the unit usable, as in autocommit mode.
   */
  public static <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (UNIT.get() != null) {
      return work.get();
    }
    Unit unit = new Unit();
    UNIT.set(unit);
    try {
      T result;
      try {
        result = work.get();
      } catch (RuntimeException | Error e) {
        unit.end(false);
        throw e;
      }
      unit.end(true);
      return result;
    } finally {
      UNIT.remove();
    }
  }

  /** Whether the calling thread runs a {@link #atomically unit of work}. */
  public static boolean inUnit() {
    return UNIT.get() != null;
  }

  private static final ThreadLocal<Unit> UNIT = new ThreadLocal<>();

  /** The transaction of the current unit of work on this database, or null outside one. */
  private Handle unitHandle(String what) {
    Unit unit = UNIT.get();
    if (unit == null) {
      return null;
    }
    for (Unit.Bound b : unit.bound) {
      if (b.dataSource() == dataSource && b.schema().equals(schema)) {
        return b.handle();
      }
    }
    Handle h = null;
    try {
      h = jdbi.open();
      h.begin();
    } catch (JdbiException e) {
      rollbackAndClose(h);
      throw new PostgresStorageException(what, e);
    }
    unit.bound.add(new Unit.Bound(dataSource, schema, h));
    return h;
  }

  private static <T> T inSavepoint(Handle h, String what, Function<Handle, T> work) {
    String savepoint = "hyrelog_" + UNIT.get().savepoints++;
    try {
      h.savepoint(savepoint);
    } catch (JdbiException e) {
      throw new PostgresStorageException(what, e);
    }
    try {
      T result = work.apply(h);
      h.releaseSavepoint(savepoint);
      return result;
    } catch (JdbiException e) {
      undo(h, savepoint);
      throw new PostgresStorageException(what, e);
    } catch (RuntimeException | Error e) {
      undo(h, savepoint);
      throw e;
    }
  }

  private static void undo(Handle h, String savepoint) {
    try {
      h.rollbackToSavepoint(savepoint);
    } catch (JdbiException ignored) {
      // the connection is broken: the unit's commit fails and rolls everything back
    }
  }

  /** One thread's unit of work: the transactions it opened, in the order it opened them. */
  private static final class Unit {
    record Bound(DataSource dataSource, String schema, Handle handle) {}

    final List<Bound> bound = new java.util.ArrayList<>();
    int savepoints;

    /** Commits (or rolls back) and closes every transaction; the first failure is thrown. */
    void end(boolean commit) {
      PostgresStorageException failed = null;
      for (Bound b : bound) {
        if (commit && failed == null) {
          try {
            b.handle().commit();
          } catch (JdbiException e) {
            failed = new PostgresStorageException("commit a unit of work", e);
          }
        }
        rollbackAndClose(b.handle());
      }
      if (failed != null) {
        throw failed;
      }
    }
  }

  /** The SQLState of a unique-key violation. */
  static final String UNIQUE_VIOLATION = "23505";

  /**
   * Runs {@code work}, reporting a unique-key violation as {@link AlreadyStoredException}
   * ("{@code stored} is already stored", caused by the storage exception); other failures pass
   * unchanged. {@code stored} names what was to be stored by id, never by a secret.
   */
  public static <T> T refusingDuplicates(String stored, Supplier<T> work) {
    try {
      return work.get();
    } catch (PostgresStorageException e) {
      if (UNIQUE_VIOLATION.equals(e.sqlState())) {
        throw new AlreadyStoredException(stored + " is already stored", e);
      }
      throw e;
    }
  }

  /** Runs one statement with positional arguments; returns the rows it changed. */
  public int update(String what, String sql, Object... args) {
    return withHandle(what, h -> bind(h.createUpdate(sql), args).execute());
  }

  /** The rows of one query with positional arguments, mapped by {@code row}. */
  public <T> List<T> list(String what, String sql, RowMapper<T> row, Object... args) {
    return withHandle(what, h -> bind(h.createQuery(sql), args).map(row).list());
  }

  /** The first row of one query with positional arguments, if any. */
  public <T> Optional<T> first(String what, String sql, RowMapper<T> row, Object... args) {
    return withHandle(what, h -> bind(h.createQuery(sql), args).map(row).findFirst());
  }

  /**
   * Binds {@code args} to positions 0, 1, … ({@code null} binds an untyped NULL, which
   * PostgreSQL types from the statement).
   */
  public static <S extends SqlStatement<S>> S bind(S statement, Object... args) {
    for (int i = 0; i < args.length; i++) {
      statement.bind(i, args[i]);
    }
    return statement;
  }

  /** A {@code timestamptz} column as an instant, or null. */
  public static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * Opens a handle in a read-only transaction (for reads that span several statements or
   * stream), of the given isolation or, when {@code null}, the connection's default. Close it
   * with {@link #rollbackAndClose}.
   */
  public Handle openReadOnly(String what, TransactionIsolationLevel isolation) {
    Handle h = null;
    try {
      h = jdbi.open();
      h.setReadOnly(true);
      if (isolation != null) {
        h.setTransactionIsolationLevel(isolation);
      }
      h.begin();
      return h;
    } catch (JdbiException e) {
      rollbackAndClose(h);
      throw new PostgresStorageException(what, e);
    }
  }

  /**
   * The rows of a query as a lazy stream, read from a server-side cursor (the query's fetch
   * size) in a read-only transaction, so memory stays constant whatever the number of rows. The
   * stream holds a connection until it is closed; a failure while reading is thrown by the
   * stream as a {@link PostgresStorageException} reported as {@code what}.
   */
  public <T> Stream<T> stream(String what, Function<Handle, ResultIterable<T>> query) {
    Handle h = openReadOnly(what, null);
    try {
      Stream<T> rows = query.apply(h).stream();
      return guarded(what, rows).onClose(() -> rollbackAndClose(h));
    } catch (JdbiException e) {
      rollbackAndClose(h);
      throw new PostgresStorageException(what, e);
    } catch (RuntimeException e) {
      rollbackAndClose(h);
      throw e;
    }
  }

  /**
   * {@code rows} with read failures reported as {@code what}; closing the result closes
   * {@code rows} (its statement).
   */
  public static <T> Stream<T> guarded(String what, Stream<T> rows) {
    java.util.Iterator<T> it = rows.iterator();
    return new LookAheadIterator<T>() {
      @Override
      protected T computeNext() {
        try {
          return it.hasNext() ? it.next() : endOfData();
        } catch (JdbiException e) {
          throw new PostgresStorageException(what, e);
        }
      }
    }.stream().onClose(rows::close);
  }

  /**
   * Ends a handle opened by {@link #openReadOnly}: rolls back its transaction and closes it,
   * logging (at DEBUG) rather than throwing, since the caller is closing a stream or a
   * snapshot.
   */
  public static void rollbackAndClose(Handle h) {
    if (h == null) {
      return;
    }
    try {
      if (h.isInTransaction()) {
        h.rollback();
      }
    } catch (JdbiException ignored) {
      // the connection is closed below either way
    }
    try {
      h.close();
    } catch (JdbiException e) {
      // Only the type: the message can quote the statement's parameters.
      LoggerFactory.getLogger(Database.class).debug("closing a read handle failed ({})",
          e.getClass().getSimpleName());
    }
  }

  /** A JDBC array of the given element type (e.g. {@code uuid}, {@code bigint}) to bind. */
  public static Argument array(String elementType, Collection<?> values) {
    Object[] elements = values.toArray();
    return (position, statement, ctx) -> {
      Array a = statement.getConnection().createArrayOf(elementType, elements);
      statement.setArray(position, a);
    };
  }
}
