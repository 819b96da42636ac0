package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.spi.GdprRequests;
import io.hyrelog.testkit.GdprRequestsContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresGdprRequests} passes the contract on a real PostgreSQL, as the application
 * role; and the database itself refuses moves outside the state machine, an erasure approved by
 * its requester, and a final request that keeps its subject's value, whoever writes.
 */
class PostgresGdprRequestsIT extends GdprRequestsContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Override
  protected GdprRequests gdprRequests() {
    return PostgresGdprRequests.create(db.app());
  }

  @Test
  void database_refusesMovesSamePersonAndKeptValues() throws Exception {
    GdprRequest r = filed(company, GdprRequestType.ERASURE, ANA);
    String where = " WHERE id = '" + r.id() + "'";
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET status ="
          + " 'RUNNING', started_at = now(), decided_by_kind = 'DASHBOARD_USER',"
          + " decided_by_id = 'user-ben', decided_at = now()" + where))
          .hasMessageContaining("cannot move from PENDING_APPROVAL to RUNNING");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET status ="
          + " 'APPROVED', decided_by_kind = 'DASHBOARD_USER', decided_by_id = 'user-ana',"
          + " decided_at = now()" + where))
          .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("23514");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET status ="
          + " 'CANCELLED', decided_by_kind = 'DASHBOARD_USER', decided_by_id = 'user-ana',"
          + " decided_at = now()" + where))
          .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("23514");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET reason = 'x'"
          + where)).hasMessageContaining("cannot move from PENDING_APPROVAL to PENDING_APPROVAL");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hyrelog.gdpr_requests" + where))
          .isInstanceOf(SQLException.class);
    }
    assertThat(requests.find(r.id())).contains(r);
    GdprRequest approved = requests.update(r, r.approve(BEN, T0));
    GdprRequest running = requests.update(approved, approved.start(T0));
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET reason = 'x'"
          + where)).hasMessageContaining("keeps its id");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE hyrelog.gdpr_requests SET status ="
          + " 'COMPLETED', finished_at = now(), result = '{}'" + where))
          .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("23514");
    }
    assertThat(requests.find(r.id())).contains(running);
  }
}
