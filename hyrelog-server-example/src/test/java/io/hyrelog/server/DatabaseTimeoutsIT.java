package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.server.internal.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each pool's {@code statement_timeout} reaches its connections (a startup option, no SQL of
 * the server sets it): a statement that waits on a lock ends in the database at its pool's
 * timeout, answers 503 with {@code Retry-After}, and leaves nothing waiting there. (The
 * client-side socket timeout alone would also answer 503, a few seconds later, but leave the
 * statement waiting in the database; that is what the last check tells apart.)
 */
class DatabaseTimeoutsIT {

  @Test
  void query_tableLocked_endsAtTheApiPoolsStatementTimeout() throws Exception {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_DATABASE_STATEMENT_TIMEOUT", "1s",
        "HYRELOG_JOBS_ENABLED", "false"), Clock.systemUTC());
        Connection owner = DriverManager.getConnection(s.ownerJdbcUrl())) {
      String[] auth = {"Authorization", "Bearer " + s.demo().workspaceKey()};
      assertThat(s.http().get("/v1/events", auth).status()).isEqualTo(200);
      owner.setAutoCommit(false);
      try (Statement st = owner.createStatement()) {
        st.execute("LOCK TABLE hyrelog.events IN ACCESS EXCLUSIVE MODE");
      }

      TestHttp.Response r = s.http().get("/v1/events", auth);

      assertEndedInTheDatabase(s, r);
      owner.rollback();
    }
  }

  @Test
  void append_chainHeadLocked_endsAtTheWritersPoolsStatementTimeout() throws Exception {
    try (TestServer s = TestServer.start(Map.of("HYRELOG_DATABASE_WRITE_TIMEOUT", "1s",
        "HYRELOG_APPEND_TIMEOUT", "30s", "HYRELOG_JOBS_ENABLED", "false"), Clock.systemUTC());
        Connection owner = DriverManager.getConnection(s.ownerJdbcUrl())) {
      String[] auth = {"Authorization", "Bearer " + s.demo().workspaceKey(), "Content-Type",
          "application/json"};
      String event = "{\"category\":\"user\",\"action\":\"login\"}";
      assertThat(s.http().post("/v1/events", event, auth).status()).isEqualTo(201);
      owner.setAutoCommit(false);
      try (PreparedStatement ps = owner.prepareStatement(
          "SELECT seq FROM hyrelog.chain_heads WHERE workspace_id = ? FOR UPDATE")) {
        ps.setObject(1, s.demo().workspaceId());
        ps.executeQuery().close();
      }

      // Without the writers' statement timeout this append would wait for the lock until its
      // outcome is unknown (504 after twice HYRELOG_APPEND_TIMEOUT).
      TestHttp.Response r = s.http().post("/v1/events", event, auth);

      assertEndedInTheDatabase(s, r);
      owner.rollback();
      assertThat(s.http().post("/v1/events", event, auth).status()).isEqualTo(201);
    }
  }

  /** 503 with Retry-After, and no session of the server's role still waits for a lock. */
  private static void assertEndedInTheDatabase(TestServer s, TestHttp.Response r)
      throws SQLException {
    assertThat(r.status()).as(r.text()).isEqualTo(503);
    assertThat(r.json().path("code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
    assertThat(r.header("Retry-After")).isNotNull();
    assertThat(appRoleWaitingOnLocks(s)).as("statements still waiting in the database")
        .isZero();
  }

  /** Sessions of the server's role that wait for a lock now. */
  private static int appRoleWaitingOnLocks(TestServer s) throws SQLException {
    try (Connection c = DriverManager.getConnection(s.ownerJdbcUrl());
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
            + " WHERE usename = ? AND wait_event_type = 'Lock'")) {
      ps.setString(1, EmbeddedDatabase.APP_ROLE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
