package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.testkit.JobRunsContract;
import io.hyrelog.testkit.StoragePorts;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresJobRuns} passes the history's contract on a real PostgreSQL; and the
 * application role may work db-scheduler's table beside it.
 */
class PostgresJobRunsIT extends JobRunsContract {
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Test
  void appRole_mayUseTheSchedulerTable() throws Exception {
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO hyrelog.scheduled_tasks (task_name, task_instance,"
          + " execution_time, picked, version) VALUES ('t', 'i', now(), false, 1)");
      s.executeUpdate("UPDATE hyrelog.scheduled_tasks SET picked = true");
      assertThat(s.executeUpdate("DELETE FROM hyrelog.scheduled_tasks")).isEqualTo(1);
    }
  }

  @Test
  void schedulerTable_namesTheTableInTheSchema() {
    assertThat(((PostgresJobRuns) ports.jobRuns()).schedulerTable())
        .isEqualTo("\"hyrelog\".scheduled_tasks");
  }
}
