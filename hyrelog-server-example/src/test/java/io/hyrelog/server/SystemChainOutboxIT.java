package io.hyrelog.server;

import static io.hyrelog.server.KeyAdministrationIT.bearer;
import static io.hyrelog.server.KeyAdministrationIT.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.SystemChain;
import io.hyrelog.storage.postgres.PostgresFixture;
import io.hyrelog.testkit.MutableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The system chain's transactional outbox against a real server on PostgreSQL: a change whose
 * system chain append fails still answers its success status (the change and its record
 * committed together), and the {@code system_chain.drain} job appends the record later, once;
 * a drain that dies between the append and the removal of the record (its DELETE refused)
 * leaves the record, which the job then replays without a second event. Failures are made by
 * revoking the application role's privileges as the database owner: real refusals of the real
 * database, no mocks.
 */
class SystemChainOutboxIT {
  private static MutableClock clock;
  private static TestServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "10000"),
        clock);
    http = server.http();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void sql(String statement) {
    try (Connection c = server.owner().getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int waitingRecords() {
    try (Connection c = server.owner().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hyrelog.change_log")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode drainJob() {
    TestHttp.Response r = http.post("/ops/jobs/" + SystemChain.DRAIN_JOB + "/run",
        "{\"asOf\":\"" + clock.instant() + "\",\"region\":\"US\"}", "x-internal-token",
        server.internalToken(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private static List<JsonNode> systemEvents(DemoCredentials t) {
    return ChainExport.events(http, Workspace.systemId(t.companyId()), t.companyKey());
  }


  @Test
  void change_appendRefused_answersSuccessAndTheJobAppendsTheRecordLaterOnce() {
    DemoCredentials t = server.newTenant();
    assertThat(systemEvents(t)).isEmpty(); // creates the system workspace
    sql("REVOKE INSERT ON hyrelog.events FROM " + PostgresFixture.APP_ROLE);
    JsonNode created;
    try {
      // Before the outbox: 503, with the key created and the system chain without it.
      created = expect(http.post("/v1/workspaces/" + t.workspaceId() + "/keys", "{}",
          bearer(t.companyKey())), 201);
      assertThat(systemEvents(t)).isEmpty();
      assertThat(waitingRecords()).isEqualTo(1);
      assertThat(http.post("/ops/jobs/" + SystemChain.DRAIN_JOB + "/run",
          "{\"asOf\":\"" + clock.instant() + "\",\"region\":\"US\"}", "x-internal-token",
          server.internalToken(), "Content-Type", "application/json").json()
          .path("status").asText()).isNotEqualTo("SUCCEEDED");
      assertThat(waitingRecords()).as("a refused append keeps the record").isEqualTo(1);
    } finally {
      sql("GRANT INSERT ON hyrelog.events TO " + PostgresFixture.APP_ROLE);
    }
    assertThat(drainJob().path("appended").asInt()).isEqualTo(1);
    assertThat(waitingRecords()).isZero();
    assertThat(drainJob().path("appended").asInt()).isZero();
    List<JsonNode> events = systemEvents(t);
    assertThat(events).hasSize(1);
    JsonNode e = events.get(0);
    assertThat(e.path("action").asText()).isEqualTo("key.create");
    assertThat(e.path("resource").path("id").asText()).isEqualTo(created.path("id").asText());
    assertThat(e.path("category").asText()).isEqualTo(SystemChain.CATEGORY);
    assertThat(e.path("idempotencyKey").asText()).startsWith(SystemChain.IDEMPOTENCY_PREFIX);
    assertThat(e.toString()).doesNotContain(created.path("key").asText());
  }

  @Test
  void drain_diesBetweenAppendAndRemoval_theJobReplaysWithoutASecondEvent() {
    DemoCredentials t = server.newTenant();
    assertThat(systemEvents(t)).isEmpty();
    JsonNode created = expect(http.post("/v1/workspaces/" + t.workspaceId() + "/keys", "{}",
        bearer(t.companyKey())), 201);
    sql("REVOKE DELETE ON hyrelog.change_log FROM " + PostgresFixture.APP_ROLE);
    try {
      // The request's drain appends the event, then cannot remove the record: its transaction
      // rolls back as if the process had died right after the append.
      expect(http.post("/v1/keys/" + created.path("id").asText() + "/revoke", null,
          bearer(t.companyKey())), 200);
      assertThat(waitingRecords()).isEqualTo(1);
      assertThat(systemEvents(t)).extracting(e -> e.path("action").asText())
          .containsExactly("key.create", "key.revoke");
    } finally {
      sql("GRANT DELETE ON hyrelog.change_log TO " + PostgresFixture.APP_ROLE);
    }
    // The job appends the record again: a replay of the same idempotency key and body.
    assertThat(drainJob().path("appended").asInt()).isEqualTo(1);
    assertThat(waitingRecords()).isZero();
    List<JsonNode> events = systemEvents(t);
    assertThat(events).extracting(e -> e.path("action").asText())
        .containsExactly("key.create", "key.revoke");
    assertThat(events).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L);
    JsonNode v = ChainExport.serverVerify(http, Workspace.systemId(t.companyId()),
        t.companyKey()).json();
    assertThat(v.path("valid").asBoolean()).as(v.toString()).isTrue();
  }
}
