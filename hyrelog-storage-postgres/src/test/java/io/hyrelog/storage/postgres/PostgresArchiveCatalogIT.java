package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.testkit.ArchiveCatalogContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresArchiveCatalog} passes the catalog's contract on a real PostgreSQL, as the
 * application role; and its purges go through {@code hyrelog_purge_events()}, which logs each
 * one and refuses seqs no archived range covers.
 */
class PostgresArchiveCatalogIT extends ArchiveCatalogContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Test
  void purge_loggedPerRange_andThePurgePathRefusesUnarchivedSeqs() throws SQLException {
    catalog.markCandidates(company, startOf(3), clock.instant());
    ArchiveSegment s = plan(1);
    catalog.uploaded(s.id(), new ArchiveObject(s.key(), 10, Digest.sha256(new byte[] {1}), DAY1),
        DAY1);
    catalog.verified(s.id(), DAY1);
    assertThat(catalog.purge(s.id(), DAY1)).isEqualTo(5);
    assertThat(count("SELECT count(*) FROM hyrelog.purge_log WHERE archive_ref = '" + s.key()
        + "'")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM hyrelog.events")).isEqualTo(4);
    // Day 2 is not archived: the application role cannot purge it, not even directly.
    try (Connection c = db.app().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT hyrelog.hyrelog_purge_events(?, 4, 5, 'forged')")) {
      ps.setObject(1, a.workspaceId());
      assertThatThrownBy(ps::executeQuery).hasMessageContaining("not covered");
    }
    assertThat(count("SELECT count(*) FROM hyrelog.events")).isEqualTo(4);
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.app().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
