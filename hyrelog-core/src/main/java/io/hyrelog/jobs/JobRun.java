package io.hyrelog.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The record of one attempt of a job (or of a queued run not yet attempted).
 *
 * @param runId its id
 * @param type the job type
 * @param partition the partition (region) it ran for
 * @param status where it is
 * @param trigger why it ran
 * @param attempt 1, 2, … within the run it belongs to
 * @param asOf the instant the run is for
 * @param input its input; copied
 * @param queuedAt when it was enqueued or started, whichever came first
 * @param startedAt when an attempt started; null while {@link JobStatus#QUEUED}
 * @param finishedAt when it ended; null while not {@link JobStatus#isFinal() final}
 * @param result the handler's summary once {@link JobStatus#SUCCEEDED}, else null; copied
 * @param error why it failed (an exception message, never a stack trace), else null
 * @param worker the process that ran it, null while queued
 */
public record JobRun(UUID runId, String type, String partition, JobStatus status,
    JobTrigger trigger, int attempt, Instant asOf, ObjectNode input, Instant queuedAt,
    Instant startedAt, Instant finishedAt, ObjectNode result, String error, String worker) {
  /** The longest error message kept. */
  public static final int MAX_ERROR = 2000;

  /**
   * Validates the run and copies its JSON.
   *
   * @param runId its id
   * @param type the job type
   * @param partition the partition (region) it ran for
   * @param status where it is
   * @param trigger why it ran
   * @param attempt 1, 2, … within the run it belongs to
   * @param asOf the instant the run is for
   * @param input its input; copied
   * @param queuedAt when it was enqueued or started, whichever came first
   * @param startedAt when an attempt started; null while {@link JobStatus#QUEUED}
   * @param finishedAt when it ended; null while not {@link JobStatus#isFinal() final}
   * @param result the handler's summary once {@link JobStatus#SUCCEEDED}, else null; copied
   * @param error why it failed (an exception message, never a stack trace), else null
   * @param worker the process that ran it, null while queued
   */
  public JobRun {
    Objects.requireNonNull(runId, "runId");
    JobDefinition.requireType(type);
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(trigger, "trigger");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    Objects.requireNonNull(asOf, "asOf");
    input = input == null ? JsonNodeFactory.instance.objectNode() : input.deepCopy();
    Objects.requireNonNull(queuedAt, "queuedAt");
    if ((status != JobStatus.QUEUED) != (startedAt != null)) {
      throw new IllegalArgumentException("startedAt is set exactly when the run is not QUEUED"
          + " (status " + status + ")");
    }
    if (status.isFinal() != (finishedAt != null)) {
      throw new IllegalArgumentException("finishedAt is set exactly when the run is final"
          + " (status " + status + ")");
    }
    if (result != null && status != JobStatus.SUCCEEDED) {
      throw new IllegalArgumentException("only a SUCCEEDED run has a result (status " + status
          + ")");
    }
    result = result == null ? null : result.deepCopy();
    if (error != null && error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR) + "…";
    }
  }

  /**
   * The run's input, as a copy.
   *
   * @return a deep copy of the input
   */
  @Override
  public ObjectNode input() {
    return input.deepCopy();
  }

  /**
   * The result of a succeeded run, as a copy; null otherwise.
   *
   * @return a deep copy of the result, or null
   */
  @Override
  public ObjectNode result() {
    return result == null ? null : result.deepCopy();
  }
}
