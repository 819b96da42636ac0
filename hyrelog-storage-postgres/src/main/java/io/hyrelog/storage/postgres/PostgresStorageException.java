package io.hyrelog.storage.postgres;

import io.hyrelog.HyrelogException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A database operation of the PostgreSQL adapter failed: the connection, the statement or the
 * transaction. The adapter's one exception policy lives here, so every storage class reports
 * failures the same way: the message names the operation and the SQLState ({@link #sqlState()})
 * and never carries the driver's message or the statement's parameters, which can quote stored
 * values (personal data); the cause is a plain {@link SQLException} holding only the SQLState
 * and vendor code, with the original failure's stack trace.
 *
 * <p>Domain outcomes (an idempotency conflict, a restore request changed by another writer)
 * have their own exceptions; this one means the database did not do what was asked. {@link
 * #unavailable()} tells a database that could not be reached or did not answer in time (worth
 * a retry later) from one that refused the operation.
 */
public final class PostgresStorageException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** The SQLState of the failure, or null. */
  private final String sqlState;
  /** Whether the database was unavailable rather than refusing. */
  private final boolean unavailable;

  /**
   * @param what the operation that failed, as a phrase after "cannot" (e.g. {@code "read job
   *     runs"}); it must not contain stored values
   * @param failure the SQLException, or a Jdbi exception wrapping one
   */
  public PostgresStorageException(String what, Throwable failure) {
    this(what, failure, null);
  }

  /**
   * @param advice what the caller can do, appended to the message; {@code null} for none
   * @param what the operation that failed, e.g. {@code append a batch to chain <id>}
   * @param failure the driver's or pool's exception
   */
  public PostgresStorageException(String what, Throwable failure, String advice) {
    this(what, serverError(failure), failure, advice);
  }

  private PostgresStorageException(String what, SQLException sql, Throwable failure,
      String advice) {
    super("cannot " + what + " (SQLState " + state(sql) + ")"
        + (advice == null ? "" : "; " + advice), withheld(sql, failure));
    this.sqlState = sql == null ? null : sql.getSQLState();
    this.unavailable = unavailable(failure);
  }

  /**
   * The five-character SQLState of the failure, or {@code null} when it had none.
   *
   * @return the SQLState, or null
   */
  public String sqlState() {
    return sqlState;
  }

  /**
   * Whether the database could not be reached or did not answer in time, rather than refusing
   * the operation: no pooled connection within the pool's timeout, a lost or refused connection
   * (SQLState class 08, a socket or connect timeout), a server shutting down or restarting
   * (class 57P), out of connections (53300), or a statement timeout (57014). Nothing was
   * changed by the failed statement; the same operation may succeed later.
   *
   * @return true when the database was unavailable
   */
  public boolean unavailable() {
    return unavailable;
  }

  /**
   * Whether {@code failure} or one of its causes says the database could not be reached or did
   * not answer in time, as {@link #unavailable()} does: a {@code PostgresStorageException}
   * that is {@link #unavailable()}, or a driver or pool exception of those kinds (for callers
   * that also see database failures of other libraries, such as an HTTP exception mapper).
   *
   * @param failure the exception
   * @return true when it says the database was unavailable
   */
  public static boolean unavailable(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof PostgresStorageException p) {
        return p.unavailable;
      }
      if (t instanceof SQLTransientConnectionException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.ConnectException) {
        return true;
      }
      if (t instanceof BatchUpdateException b && b.getNextException() != null) {
        return unavailable(b.getNextException()); // the server's own error, as sqlState()
      }
      if (t instanceof SQLException e && e.getSQLState() != null) {
        String state = e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
            || state.equals("57014")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String state(SQLException sql) {
    return sql == null || sql.getSQLState() == null ? "none" : sql.getSQLState();
  }

  // The first SQLException among the causes; for a failed JDBC batch the server's own error
  // (the batch exception's message repeats the statement with its parameters).
  private static SQLException serverError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BatchUpdateException b && b.getNextException() != null) {
        return b.getNextException();
      }
      if (t instanceof SQLException s) {
        return s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static Throwable withheld(SQLException sql, Throwable failure) {
    Throwable safe = sql != null
        ? new SQLException("SQLState " + state(sql) + " (the driver's message is withheld:"
            + " it can quote stored values)", sql.getSQLState(), sql.getErrorCode())
        : new SQLException("a " + failure.getClass().getSimpleName() + " without SQLState (its"
            + " message is withheld)");
    safe.setStackTrace((sql != null ? sql : failure).getStackTrace());
    return safe;
  }
}
