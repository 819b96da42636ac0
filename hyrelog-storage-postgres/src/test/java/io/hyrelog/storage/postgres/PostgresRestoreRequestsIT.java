package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.testkit.RestoreRequestsContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresRestoreRequests} passes the contract on a real PostgreSQL, as the application
 * role; and the database itself refuses moves outside the state machine and fields that
 * disagree with the status, whoever writes.
 */
class PostgresRestoreRequestsIT extends RestoreRequestsContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Test
  void database_refusesMovesOutsideTheTableAndFieldsThatDisagree() throws Exception {
    RestoreRequest r = pending(coldSegment(company), company, T0);
    UUID another = coldSegment(company);
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.restore_requests SET status ="
          + " 'COMPLETED', completed_at = now(), restored_until = now(), initiated_at = now(),"
          + " approved_by = 'x', approved_at = now() WHERE id = '" + r.id() + "'"))
          .hasMessageContaining("cannot move from PENDING to COMPLETED");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.restore_requests SET status ="
          + " 'APPROVED' WHERE id = '" + r.id() + "'"))
          .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("23514");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.restore_requests SET"
          + " segment_id = '" + another + "' WHERE id = '" + r.id() + "'"))
          .hasMessageContaining("keeps its id, company, segment");
    }
    assertThat(requests.find(r.id())).contains(r);
  }
}
