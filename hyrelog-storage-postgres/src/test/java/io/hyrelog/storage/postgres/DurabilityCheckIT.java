package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.HyrelogException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A server that does not flush commits is refused unless the operator accepts the risk. */
@Tag("process")
class DurabilityCheckIT {
  @Test
  void build_serverWithFsyncOff_isRefusedUnlessAllowed() throws Exception {
    // A second, real server started with fsync off (the embedded default).
    try (EmbeddedPostgres fast = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
        .start()) {
      assertThatThrownBy(() -> PostgresEventStore.builder(fast.getPostgresDatabase()).build())
          .isInstanceOf(HyrelogException.class)
          .hasMessageContaining("fsync=off")
          .hasMessageContaining("requireDurableCommits(false)");
      PostgresMigrations.builder(fast.getPostgresDatabase()).build().migrate();
      try (PostgresEventStore store = PostgresEventStore.builder(fast.getPostgresDatabase())
          .requireDurableCommits(false).build()) {
        assertThat(store).isNotNull();
      }
    }
  }
}
