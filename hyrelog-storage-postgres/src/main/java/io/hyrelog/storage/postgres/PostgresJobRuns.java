package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
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
 * The run history of background jobs in one database ({@code job_runs}): one row per attempt,
 * plus one per enqueued run that no worker has started yet. Each row also names the scheduler
 * execution it belongs to, so the attempts a dead worker abandoned can be marked {@link
 * JobStatus#DEAD}. Thread-safe; every method is one statement in its own transaction.
 *
 * <p>Transitions are guarded in SQL: QUEUED → RUNNING → SUCCEEDED / FAILED / TIMED_OUT / DEAD;
 * a final row never changes again.
 */
public final class PostgresJobRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "run_id, job_type, region, status, trigger, attempt,"
      + " as_of, input, queued_at, started_at, finished_at, result, error, worker";

  private final Database db;

  private PostgresJobRuns(Database db) {
    this.db = db;
  }

  /** The history in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}). */
  public static PostgresJobRuns create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The history in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
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
   */
  public String schedulerTable() {
    return db.qualified("scheduled_tasks");
  }

  /**
   * Records an enqueued run.
   *
   * @param run a {@link JobStatus#QUEUED} run
   * @param execution the scheduler execution that will run it
   */
  public void enqueue(JobRun run, String execution) {
    if (run.status() != JobStatus.QUEUED) {
      throw new IllegalArgumentException("enqueue takes a QUEUED run, got " + run.status());
    }
    insert(run, execution, false);
  }

  /**
   * Records that an attempt started: inserts a {@link JobStatus#RUNNING} row, or turns the
   * QUEUED row of the same id into it.
   *
   * @return false when a row with that id exists and is not QUEUED (it ran already)
   */
  public boolean start(JobRun run, String execution) {
    if (run.status() != JobStatus.RUNNING) {
      throw new IllegalArgumentException("start takes a RUNNING run, got " + run.status());
    }
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

  /**
   * Records how a RUNNING attempt ended.
   *
   * @param status a final status
   * @param result the summary of a SUCCEEDED run, else null
   * @param error why it did not succeed (no secrets, no stack trace), else null
   * @return false when the run is not RUNNING (e.g. already marked DEAD by another worker)
   */
  public boolean finish(UUID runId, JobStatus status, Instant at, ObjectNode result,
      String error) {
    Objects.requireNonNull(runId, "runId");
    if (!status.isFinal()) {
      throw new IllegalArgumentException("finish takes a final status, got " + status);
    }
    if (result != null && status != JobStatus.SUCCEEDED) {
      throw new IllegalArgumentException("only a SUCCEEDED run has a result");
    }
    return db.update("finish run " + runId, "UPDATE <schema>.job_runs SET status = ?,"
        + " finished_at = ?, result = ?::jsonb, error = ? WHERE run_id = ?"
        + " AND status = 'RUNNING'", status.name(), at, result == null ? null : json(result),
        clip(error), runId) == 1;
  }

  /**
   * Marks the RUNNING attempts of {@code execution} DEAD: their worker stopped heartbeating and
   * the execution is being run again.
   *
   * @return how many attempts were marked
   */
  public int markDead(String execution, Instant at, String error) {
    Objects.requireNonNull(execution, "execution");
    return db.update("mark the runs of " + execution + " dead", "UPDATE <schema>.job_runs"
        + " SET status = 'DEAD', finished_at = ?, error = ? WHERE execution = ?"
        + " AND status = 'RUNNING'", at, clip(error), execution);
  }

  /**
   * Ends a QUEUED run that will never start (its execution was given up or dropped).
   *
   * @return false when it is not QUEUED
   */
  public boolean abandonQueued(UUID runId, Instant at, String error) {
    return db.update("abandon run " + runId, "UPDATE <schema>.job_runs SET status = 'FAILED',"
        + " started_at = ?, finished_at = ?, error = ? WHERE run_id = ? AND status = 'QUEUED'",
        at, at, clip(error), runId) == 1;
  }

  /** The run with this id. */
  public Optional<JobRun> find(UUID runId) {
    return db.first("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE run_id = ?", PostgresJobRuns::run, runId);
  }

  /** The latest runs of {@code type}, newest first (by enqueue or start time). */
  public List<JobRun> recent(String type, int limit) {
    requireLimit(limit);
    return db.list("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE job_type = ? ORDER BY queued_at DESC, attempt DESC LIMIT " + limit,
        PostgresJobRuns::run, type);
  }

  /** The runs belonging to one scheduler execution, oldest first. */
  public List<JobRun> ofExecution(String execution) {
    return db.list("read job runs", "SELECT " + COLUMNS + " FROM <schema>.job_runs"
        + " WHERE execution = ? ORDER BY queued_at, attempt", PostgresJobRuns::run, execution);
  }

  private static void requireLimit(int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
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

  private static String clip(String error) {
    return error == null || error.length() <= JobRun.MAX_ERROR ? error
        : error.substring(0, JobRun.MAX_ERROR) + "…";
  }

}
