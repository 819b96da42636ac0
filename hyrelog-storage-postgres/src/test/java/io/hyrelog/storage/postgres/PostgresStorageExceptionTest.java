package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.HyrelogException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * The adapter's one exception policy: the SQLState is kept, the driver's text (which can quote
 * stored personal values) never reaches the message or the cause chain.
 */
class PostgresStorageExceptionTest {
  private static final String PERSONAL = "alice@example.com";

  // What PostgreSQL says about a unique violation, quoting the row's value.
  private static SQLException driverError() {
    return new SQLException("ERROR: duplicate key value violates unique constraint"
        + " \"api_keys_key_hmac_key\"\n  Detail: Key (email)=(" + PERSONAL + ") already exists.",
        "23505", 0);
  }

  @Test
  void constructor_jdbiFailure_keepsSqlStateAndWithholdsDriverText() {
    // Jdbi's own message renders the statement and its arguments too.
    UnableToExecuteStatementException jdbi = new UnableToExecuteStatementException(
        "INSERT ... arguments:{0:" + PERSONAL + "}", driverError(), null);

    PostgresStorageException e = new PostgresStorageException("create an API key", jdbi);

    assertThat(e).isInstanceOf(HyrelogException.class)
        .hasMessage("cannot create an API key (SQLState 23505)");
    assertThat(e.sqlState()).isEqualTo("23505");
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("23505");
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(t.getMessage()).doesNotContain(PERSONAL).doesNotContain("arguments");
      assertThat(t.toString()).doesNotContain(PERSONAL);
      assertThat(t.getSuppressed()).isEmpty();
    }
  }

  @Test
  void constructor_batchFailure_reportsTheServersErrorAndAdvice() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT ... ('"
        + PERSONAL + "') was aborted", "08006", 0, new int[0]);
    batch.setNextException(driverError());

    PostgresStorageException e = new PostgresStorageException("commit the append", batch,
        "retry with the same idempotency keys");

    assertThat(e).hasMessage("cannot commit the append (SQLState 23505); retry with the same"
        + " idempotency keys");
    assertThat(e.sqlState()).isEqualTo("23505");
    assertThat(e.getCause().getMessage()).doesNotContain(PERSONAL);
  }

  @Test
  void constructor_failureWithoutSqlState_namesOnlyItsType() {
    PostgresStorageException e = new PostgresStorageException("read tenancy data",
        new IllegalStateException("mapping failed for value " + PERSONAL));

    assertThat(e).hasMessage("cannot read tenancy data (SQLState none)");
    assertThat(e.sqlState()).isNull();
    assertThat(e.getCause().getMessage()).contains("IllegalStateException")
        .doesNotContain(PERSONAL);
  }

  @Test
  void unavailable_poolTimeout_isTrueThoughItHasNoSqlState() {
    // What Jdbi throws when Hikari has no connection within its connectionTimeout.
    ConnectionException jdbi = new ConnectionException(new SQLTransientConnectionException(
        "hyrelog-US - Connection is not available, request timed out after 5000ms."));

    PostgresStorageException e = new PostgresStorageException("query events", jdbi);

    assertThat(e.sqlState()).isNull();
    assertThat(e.unavailable()).isTrue();
    assertThat(PostgresStorageException.unavailable(new RuntimeException(e))).isTrue();
  }

  @Test
  void unavailable_lostConnectionShutdownStatementTimeoutOrFull_isTrue() {
    for (String state : new String[] {"08006", "08001", "57P01", "57P03", "57014", "53300"}) {
      assertThat(new PostgresStorageException("read", new SQLException("x", state))
          .unavailable()).as(state).isTrue();
    }
  }

  @Test
  void unavailable_refusedOperation_isFalse() {
    assertThat(new PostgresStorageException("create an API key", driverError()).unavailable())
        .isFalse();
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 aborted", "08006", 0,
        new int[0]);
    batch.setNextException(driverError());
    assertThat(new PostgresStorageException("commit the append", batch).unavailable())
        .as("a batch is judged by the server's own error, as sqlState()").isFalse();
    assertThat(PostgresStorageException.unavailable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void unavailable_ofAnyFailure_findsDriverExceptionsAmongTheCauses() {
    assertThat(PostgresStorageException.unavailable(new RuntimeException(
        new SQLException("socket", "08006", new java.net.SocketTimeoutException())))).isTrue();
    assertThat(PostgresStorageException.unavailable(new RuntimeException(
        new java.net.ConnectException("refused")))).isTrue();
  }
}
