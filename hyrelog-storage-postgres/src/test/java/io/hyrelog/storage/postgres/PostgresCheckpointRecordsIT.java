package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.CheckpointRecords;
import io.hyrelog.spi.CheckpointRecords.StoredCosignature;
import io.hyrelog.testkit.CheckpointRecordsContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresCheckpointRecords} passes the records' contract on a real PostgreSQL, as the
 * application role, which may not change or remove a stored cosignature.
 */
class PostgresCheckpointRecordsIT extends CheckpointRecordsContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Override
  protected CheckpointRecords createRecords(StoragePorts ports) {
    return PostgresCheckpointRecords.create(db.app());
  }

  @Test
  void storedCosignatures_theApplicationRoleCannotChangeOrRemoveThem() throws SQLException {
    records.addCosignature(new StoredCosignature(a.workspaceId(), 3, "w+01020304", "\u2014 w x",
        clock.instant()));
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("UPDATE hyrelog.checkpoint_cosignatures SET line = 'y'"))
          .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.execute("DELETE FROM hyrelog.checkpoint_publications"))
          .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
    }
  }
}
