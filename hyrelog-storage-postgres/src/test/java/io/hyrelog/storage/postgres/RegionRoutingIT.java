package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.testkit.SampleEvents;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Each region's events land in that region's database, and keys route by their prefix. */
class RegionRoutingIT {
  private static long count(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hyrelog.events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void append_goesToTheCompanysRegionOnly_andKeysRouteByPrefix() throws SQLException {
    try (PostgresFixture.Database us = PostgresFixture.newDatabase();
        PostgresFixture.Database eu = PostgresFixture.newDatabase();
        PostgresRegions regions = PostgresRegions.builder()
            .region(DataRegion.US, us.app()).region(DataRegion.EU, eu.app()).build()) {
      WorkspaceRef euWs = SampleEvents.workspace(41, DataRegion.EU);
      WorkspaceRef usWs = SampleEvents.workspace(42, DataRegion.US);
      EventLog.builder(regions.store(euWs.region())).build()
          .append(euWs, NewEvent.builder("user", "login").build());
      EventLog.builder(regions.store(usWs.region())).build()
          .appendBatch(usWs, java.util.List.of(NewEvent.builder("user", "a").build(),
              NewEvent.builder("user", "b").build()));
      assertThat(count(eu.app())).isEqualTo(1);
      assertThat(count(us.app())).isEqualTo(2);

      ApiKeyToken euKey = ApiKeyToken.generate(DataRegion.EU, ApiKeyType.COMPANY, new Random(1));
      PostgresEventStore routed = regions.storeFor(ApiKeyToken.parse(euKey.text()));
      assertThat(routed.head(EventScope.of(euWs))).isPresent();
      assertThat(routed.head(EventScope.of(usWs))).isEmpty();
      assertThatThrownBy(() -> regions.store(DataRegion.AU))
          .isInstanceOf(HyrelogException.class).hasMessageContaining("region AU");
    }
  }
}
