package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
import io.hyrelog.spi.JobRuns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link JobRuns} history of background jobs in one database ({@code job_runs}), beside
 * db-scheduler's table ({@link #schedulerTable()}). Thread-safe; every method is one statement
 * in its own transaction.
 *
 * <p>Transitions are guarded in SQL (each {@code UPDATE} names the status it moves from): QUEUED
 * → RUNNING → SUCCEEDED / FAILED / TIMED_OUT / DEAD; a final row never changes again, and the
 * table's CHECK constraints tie the times, result and input to the status.
 */
public final class PostgresJobRuns implements JobRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "run_id, job_type, region, status, trigger, attempt,"
      + " as_of, input, queued_at, started_at, finished_at, result, error, worker";

  private final Database db;

  private PostgresJobRuns(Database db) {
    this.db = db;
  }

  /**
   * The history in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the history; thread-safe
   */
  public static PostgresJobRuns create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The history in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the history; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresJobRuns create(DataSource dataSource, String schema) {
    return new PostgresJobRuns(Database.open(dataSource, schema, "job_runs", "scheduled_tasks"));
  }

  /**
   * The qualified name of db-scheduler's table in this schema ({@code "schema".scheduled_tasks},
   * created by the migrations), for the scheduler's {@code tableName}: the job scheduler and
   * this history then live in the same schema.
   *
   * @return the quoted, schema-qualified table name
   */
  public String schedulerTable() {
    return db.qualified("scheduled_tasks");
  }

  @Override
  public void enqueue(JobRun run, String execution) {
    JobRuns.requireStatus("enqueue", run, JobStatus.QUEUED);
    Database.refusingDuplicates("job run " + run.runId(), () -> insert(run, execution, false));
  }

  @Override
  public boolean start(JobRun run, String execution) {
    JobRuns.requireStatus("start", run, JobStatus.RUNNING);
    return insert(run, execution, true);
  }

  private boolean insert(JobRun r, String execution, boolean fromQueued) {
    String sql = "INSERT INTO <schema>.job_runs (" + COLUMNS + ", execution) VALUES (?, ?, ?,"
        + " ?, ?, ?, ?, ?::jsonb, ?, ?, NULL, NULL, NULL, ?, ?)"
        + (fromQueued ? " ON CONFLICT (run_id) DO UPDATE SET status = 'RUNNING',"
            + " trigger = EXCLUDED.trigger, attempt = EXCLUDED.attempt,"
            + " started_at = EXCLUDED.started_at, worker = EXCLUDED.worker,"
            + " execution = EXCLUDED.execution WHERE job_runs.status = 'QUEUED'" : "");
    return db.update("record run " + r.runId() + " of job " + r.type(), sql, r.runId(), r.type(),
        r.partition(), r.status().name(), r.trigger().name(), r.attempt(), r.asOf(),
        json(r.input()), r.queuedAt(), r.startedAt(), r.worker(), execution) == 1;
  }

  @Override
  public boolean finish(UUID runId, JobStatus status, Instant at, ObjectNode result,
      String error) {
    JobRuns.requireFinish(runId, status, result);
    return db.update("finish run " + runId, "UPDATE <schema>.job_runs SET status = ?,"
        + " finished_at = ?, result = ?::jsonb, error = ? WHERE run_id = ?"
        + " AND status = 'RUNNING'", status.name(), at, result == null ? null : json(result),
        JobRuns.clip(error), runId) == 1;
  }

  @Override
  public int markDead(String execution, Instant at, String error) {
    Objects.requireNonNull(execution, "execution");
    return db.update("mark the runs of " + execution + " dead", "UPDATE <schema>.job_runs"
        + " SET status = 'DEAD', finished_at = ?, error = ? WHERE execution = ?"
        + " AND status = 'RUNNING'", at, JobRuns.clip(error), execution);
  }

  @Override
  public boolean abandonQueued(UUID runId, Instant at, String error) {
    return db.update("abandon run " + runId, "UPDATE <schema>.job_runs SET status = 'FAILED',"
        + " started_at = ?, finished_at = ?, error = ? WHERE run_id = ? AND status = 'QUEUED'",
        at, at, JobRuns.clip(error), runId) == 1;
  }

  @Override
  public Optional<JobRun> find(UUID runId) {
    return db.first("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE run_id = ?", PostgresJobRuns::run, runId);
  }

  @Override
  public List<JobRun> recent(String type, int limit) {
    JobRuns.requireLimit(limit);
    return db.list("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE job_type = ? ORDER BY queued_at DESC, attempt DESC LIMIT " + limit,
        PostgresJobRuns::run, type);
  }

  @Override
  public List<JobRun> ofExecution(String execution) {
    return db.list("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE execution = ? ORDER BY queued_at, attempt", PostgresJobRuns::run, execution);
  }

  private static JobRun run(ResultSet rs, StatementContext ctx) throws SQLException {
    return new JobRun(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
        JobStatus.valueOf(rs.getString(4)), JobTrigger.valueOf(rs.getString(5)), rs.getInt(6),
        Database.instant(rs, 7), object(rs.getString(8)), Database.instant(rs, 9),
        Database.instant(rs, 10), Database.instant(rs, 11), object(rs.getString(12)),
        rs.getString(13), rs.getString(14));
  }

  private static ObjectNode object(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(json);
      if (!n.isObject()) {
        throw new HyrelogException("a job run holds a JSON " + n.getNodeType()
            + " where an object belongs");
      }
      return (ObjectNode) n;
    } catch (JsonProcessingException e) {
      throw new HyrelogException("a job run holds unreadable JSON", e);
    }
  }

  private static String json(ObjectNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

}
