package io.hyrelog.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The run history of background jobs: one record per attempt of a job, plus one per enqueued
 * run no worker has started yet. Each record also names the scheduler execution it belongs to
 * (an opaque text such as {@code chains.verify/recurring}), so that the attempts of a worker
 * that died can be marked {@link JobStatus#DEAD}. The testkit's {@code JobRunsContract} checks
 * every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe and safe when several processes share the storage;
 *       every method is atomic.
 *   <li>A record moves only QUEUED → RUNNING → a {@link JobStatus#isFinal() final} status, and a
 *       final record never changes again. Each move is conditional on the status it starts
 *       from, so of several processes racing to move one record exactly one succeeds and the
 *       others get false (or a count of 0) with nothing changed.
 *   <li>Errors longer than {@link JobRun#MAX_ERROR} characters are cut as {@link JobRun} cuts
 *       them. Instants keep microsecond precision (finer digits MAY be lost); inputs and
 *       results read back equal the JSON objects written.
 * </ul>
 * Failures of the storage itself are {@link io.hyrelog.HyrelogException}s.
 */
public interface JobRuns {
  /** The most runs {@link #recent} returns. */
  int MAX_LIMIT = 1000;

  /**
   * Records an enqueued run.
   *
   * @param run a {@link JobStatus#QUEUED} run
   * @param execution the scheduler execution that will run it
   * @throws IllegalArgumentException when the run is not QUEUED
   * @throws AlreadyStoredException when a run with its id is recorded
   */
  void enqueue(JobRun run, String execution);

  /**
   * Records that an attempt started: stores the RUNNING {@code run}, or turns the QUEUED record
   * of the same id into it (keeping that record's type, partition, {@code asOf}, input and
   * queue time; taking the trigger, attempt, start time and worker of {@code run}).
   *
   * @param run a {@link JobStatus#RUNNING} run
   * @param execution the scheduler execution the attempt belongs to
   * @return false when a record with that id exists and is not QUEUED (it ran already; nothing
   *     changed)
   * @throws IllegalArgumentException when the run is not RUNNING
   */
  boolean start(JobRun run, String execution);

  /**
   * Records how a RUNNING attempt ended.
   *
   * @param status a final status
   * @param result the summary of a SUCCEEDED run, else null
   * @param error why it did not succeed (no secrets, no stack trace), else null
   * @param runId the run
   * @param at when it ended
   * @return false when the run is unknown or not RUNNING (for example already marked DEAD by
   *     another worker); nothing changed
   * @throws IllegalArgumentException when the status is not final or a result comes with
   *     another status than SUCCEEDED
   */
  boolean finish(UUID runId, JobStatus status, Instant at, ObjectNode result, String error);

  /**
   * Marks the RUNNING attempts of {@code execution} DEAD at {@code at}: their worker stopped
   * heartbeating and the execution is being run again.
   *
   * @param execution the scheduler execution
   * @param at when they are marked
   * @param error why (no secrets)
   * @return how many attempts were marked
   */
  int markDead(String execution, Instant at, String error);

  /**
   * Ends a QUEUED run that will never start (its execution was given up or dropped): FAILED,
   * started and finished at {@code at}.
   *
   * @param runId the run
   * @param at when it is abandoned
   * @param error why (no secrets)
   * @return false when it is unknown or not QUEUED (nothing changed)
   */
  boolean abandonQueued(UUID runId, Instant at, String error);

  /**
   * The run with this id, or empty.
   *
   * @param runId the run's id
   * @return the run, or empty
   */
  Optional<JobRun> find(UUID runId);

  /**
   * The latest runs of {@code type}, newest first: by {@link JobRun#queuedAt()} descending,
   * then attempt descending.
   *
   * @param limit 1..{@value #MAX_LIMIT}
   * @param type the job type
   * @return at most {@code limit} runs, newest first
   * @throws IllegalArgumentException when {@code limit} is out of range
   */
  List<JobRun> recent(String type, int limit);

  /**
   * The runs of one scheduler execution, oldest first (by queue time, then attempt).
   *
   * @param execution the scheduler execution
   * @return its runs, oldest first
   */
  List<JobRun> ofExecution(String execution);

  /**
   * The argument checks of {@link #finish} every implementation applies.
   *
   * @param runId the run
   * @param status the final status
   * @param result the result, or null
   * @throws IllegalArgumentException when the status is not final or a result comes with
   *     another status than SUCCEEDED
   */
  static void requireFinish(UUID runId, JobStatus status, ObjectNode result) {
    Objects.requireNonNull(runId, "runId");
    if (!status.isFinal()) {
      throw new IllegalArgumentException("finish takes a final status, got " + status);
    }
    if (result != null && status != JobStatus.SUCCEEDED) {
      throw new IllegalArgumentException("only a SUCCEEDED run has a result, got " + status);
    }
  }

  /**
   * The argument check of {@link #enqueue} ({@code QUEUED}) and {@link #start} ({@code
   * RUNNING}).
   *
   * @param method the method checked, named in the message
   * @param run the run
   * @param expected the status it must have
   * @throws IllegalArgumentException when the run is not in {@code expected}
   */
  static void requireStatus(String method, JobRun run, JobStatus expected) {
    if (run.status() != expected) {
      throw new IllegalArgumentException(method + " takes a " + expected + " run, got "
          + run.status());
    }
  }

  /**
   * The argument check of {@link #recent}.
   *
   * @param limit the requested page size
   * @throws IllegalArgumentException when {@code limit} is not 1..{@value #MAX_LIMIT}
   */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }

  /**
   * An error text as stored: cut as {@link JobRun} cuts it, or null.
   *
   * @param error the error text, or null
   * @return the text cut to {@link JobRun#MAX_ERROR} characters, or null
   */
  static String clip(String error) {
    return error == null || error.length() <= JobRun.MAX_ERROR ? error
        : error.substring(0, JobRun.MAX_ERROR) + "…";
  }
}
