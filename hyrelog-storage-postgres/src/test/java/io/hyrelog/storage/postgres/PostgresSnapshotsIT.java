package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import io.hyrelog.testkit.SnapshotCatalogContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresSnapshots} passes the catalog's contract on a real PostgreSQL, as the
 * application role: sealed ranges are {@code SEALED} lifecycle ranges whose key refuses a
 * second seal, reported with the database's unique violation as the cause.
 */
class PostgresSnapshotsIT extends SnapshotCatalogContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Test
  void record_sealsLifecycleRanges_andASecondSealIsTheDatabasesUniqueViolation()
      throws SQLException {
    Snapshot first = snapshot(T0, T0.plus(HOUR));
    snapshots.record(first, List.of(new SealedRange(ws.workspaceId(), 1, 1)));
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, from_seq, to_seq FROM"
            + " hyrelog.lifecycle_ranges WHERE reference = '" + first.id() + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("SEALED");
      assertThat(rs.getLong(2)).isEqualTo(1);
      assertThat(rs.getLong(3)).isEqualTo(1);
      assertThat(rs.next()).isFalse();
    }
    Snapshot clash = snapshot(T0.plus(HOUR), T0.plus(HOUR.multipliedBy(2)));
    assertThatThrownBy(() -> snapshots.record(clash,
        List.of(new SealedRange(ws.workspaceId(), 1, 2))))
        .isInstanceOf(AlreadyStoredException.class)
        .cause().isInstanceOf(PostgresStorageException.class)
        .satisfies(e -> assertThat(((PostgresStorageException) e).sqlState())
            .isEqualTo("23505"));
  }
}
