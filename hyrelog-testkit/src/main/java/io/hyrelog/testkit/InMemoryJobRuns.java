package io.hyrelog.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.JobRuns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link JobRuns} history in memory: it passes {@code JobRunsContract} like the PostgreSQL
 * adapter (moves conditional on the status they start from, so racing workers get one winner;
 * final records never change; errors cut; microsecond instants), and nothing survives the JVM.
 * Thread-safe (one lock).
 */
public final class InMemoryJobRuns implements JobRuns {
  private static final Comparator<JobRun> OLDEST_FIRST = Comparator.comparing(JobRun::queuedAt)
      .thenComparingInt(JobRun::attempt);

  private record Row(JobRun run, String execution) {}

  private final Map<UUID, Row> rows = new LinkedHashMap<>();

  @Override
  public synchronized void enqueue(JobRun run, String execution) {
    JobRuns.requireStatus("enqueue", run, JobStatus.QUEUED);
    Objects.requireNonNull(execution, "execution");
    if (rows.containsKey(run.runId())) {
      throw new AlreadyStoredException("job run " + run.runId() + " is already stored");
    }
    rows.put(run.runId(), new Row(fresh(run), execution));
  }

  @Override
  public synchronized boolean start(JobRun run, String execution) {
    JobRuns.requireStatus("start", run, JobStatus.RUNNING);
    Objects.requireNonNull(execution, "execution");
    Row row = rows.get(run.runId());
    if (row == null) {
      rows.put(run.runId(), new Row(fresh(run), execution));
      return true;
    }
    if (row.run().status() != JobStatus.QUEUED) {
      return false;
    }
    JobRun q = row.run();
    rows.put(run.runId(), new Row(new JobRun(q.runId(), q.type(), q.partition(),
        JobStatus.RUNNING, run.trigger(), run.attempt(), q.asOf(), q.input(), q.queuedAt(),
        StoredValues.instant(run.startedAt()), null, null, null, run.worker()), execution));
    return true;
  }

  @Override
  public synchronized boolean finish(UUID runId, JobStatus status, Instant at,
      ObjectNode result, String error) {
    JobRuns.requireFinish(runId, status, result);
    return move(runId, JobStatus.RUNNING, r -> ended(r, status, r.startedAt(), at, result,
        error)) == 1;
  }

  @Override
  public synchronized int markDead(String execution, Instant at, String error) {
    Objects.requireNonNull(execution, "execution");
    int n = 0;
    for (Row row : List.copyOf(rows.values())) {
      if (row.execution().equals(execution)) {
        n += move(row.run().runId(), JobStatus.RUNNING, r -> ended(r, JobStatus.DEAD,
            r.startedAt(), at, null, error));
      }
    }
    return n;
  }

  @Override
  public synchronized boolean abandonQueued(UUID runId, Instant at, String error) {
    return move(runId, JobStatus.QUEUED, r -> ended(r, JobStatus.FAILED, at, at, null,
        error)) == 1;
  }

  @Override
  public synchronized Optional<JobRun> find(UUID runId) {
    return Optional.ofNullable(rows.get(runId)).map(Row::run);
  }

  @Override
  public synchronized List<JobRun> recent(String type, int limit) {
    JobRuns.requireLimit(limit);
    List<JobRun> out = select(r -> r.run().type().equals(type));
    out.sort(OLDEST_FIRST.reversed());
    return List.copyOf(out.subList(0, Math.min(limit, out.size())));
  }

  @Override
  public synchronized List<JobRun> ofExecution(String execution) {
    List<JobRun> out = select(r -> r.execution().equals(execution));
    out.sort(OLDEST_FIRST);
    return out;
  }

  private List<JobRun> select(Predicate<Row> p) {
    List<JobRun> out = new ArrayList<>();
    for (Row r : rows.values()) {
      if (p.test(r)) {
        out.add(r.run());
      }
    }
    return out;
  }

  /** Replaces the run with {@code next(run)} if it is in {@code from}; 1 if it was moved. */
  private int move(UUID runId, JobStatus from, UnaryOperator<JobRun> next) {
    Row row = rows.get(runId);
    if (row == null || row.run().status() != from) {
      return 0;
    }
    rows.put(runId, new Row(next.apply(row.run()), row.execution()));
    return 1;
  }

  private static JobRun ended(JobRun r, JobStatus status, Instant startedAt, Instant at,
      ObjectNode result, String error) {
    return new JobRun(r.runId(), r.type(), r.partition(), status, r.trigger(), r.attempt(),
        r.asOf(), r.input(), r.queuedAt(), StoredValues.instant(startedAt),
        StoredValues.instant(at), result, JobRuns.clip(error), r.worker());
  }

  /** A new record as stored: no end, result or error yet, instants at microseconds. */
  private static JobRun fresh(JobRun r) {
    return new JobRun(r.runId(), r.type(), r.partition(), r.status(), r.trigger(), r.attempt(),
        StoredValues.instant(r.asOf()), r.input(), StoredValues.instant(r.queuedAt()),
        StoredValues.instant(r.startedAt()), null, null, null, r.worker());
  }
}
