package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.Actor;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The actor filters of event queries are index lookups: a query for one actor's events reads
 * about as many rows as match, however many other events the company has (the brief's finding:
 * an actorEmail filter cast every stored event of the company to JSON).
 */
class ActorFilterPlanIT {
  private static final int OTHERS = 3000;

  @Test
  void query_actorEmailOrActorId_readsOnlyMatchingRows() throws Exception {
    WorkspaceRef ws = SampleEvents.workspace(71, DataRegion.US);
    try (PostgresFixture.Database db = PostgresFixture.newDatabase();
        PostgresEventStore store = PostgresEventStore.builder(db.app()).build()) {
      EventLog log = EventLog.builder(store).build();
      List<NewEvent> batch = new ArrayList<>();
      for (int i = 0; i < OTHERS; i++) {
        batch.add(NewEvent.builder("user", "login").actor(new Actor("u" + i, "u" + i
            + "@example.com", null, null)).build());
        if (batch.size() == 1000) {
          log.appendBatch(ws, batch);
          batch.clear();
        }
      }
      log.append(ws, NewEvent.builder("user", "login")
          .actor(new Actor("ada", "ada@example.com", null, null)).build());
      PostgresFixture.exec(db.ownerUrl(), "ANALYZE");

      EventQuery byEmail = EventQuery.builder(EventScope.company(ws.companyId()))
          .actorEmail("ada@example.com").build();
      EventQuery byId = EventQuery.builder(EventScope.company(ws.companyId()))
          .actorId("ada").build();
      assertThat(store.query(byEmail).events()).hasSize(1);
      assertThat(store.query(byId).events()).hasSize(1);
      assertThat(rowsRead(db, byEmail)).as("rows read for an actorEmail filter")
          .isLessThan(50);
      assertThat(rowsRead(db, byId)).as("rows read for an actorId filter").isLessThan(50);
    }
  }

  /** Rows the plan of the query's WHERE read and then dropped, plus those it returned. */
  private static long rowsRead(PostgresFixture.Database db, EventQuery q) throws Exception {
    StringBuilder sql = new StringBuilder("EXPLAIN (ANALYZE, FORMAT JSON) SELECT e.id FROM"
        + " <schema>.events e WHERE ");
    List<Object> args = new ArrayList<>();
    PostgresReads.where(sql, args, q);
    sql.append(" ORDER BY e.ts DESC, e.id DESC LIMIT 51");
    try (Connection c = db.app().getConnection();
        PreparedStatement ps = c.prepareStatement(Database.render(sql.toString(),
            PostgresMigrations.DEFAULT_SCHEMA))) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        JsonNode plan = new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
        return read(plan);
      }
    }
  }

  private static long read(JsonNode node) {
    long n = node.path("Actual Rows").asLong() * Math.max(1, node.path("Actual Loops").asLong())
        + node.path("Rows Removed by Filter").asLong();
    for (JsonNode child : node.path("Plans")) {
      n += read(child);
    }
    return n;
  }
}
