package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.JobRuns;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link JobRuns}: every adapter's test extends this class and supplies fresh,
 * empty {@link StoragePorts}. The racing tests check whichever interleaving the threads produce.
 */
public abstract class JobRunsContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");

  protected JobRuns runs;
  private int seq;

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpRuns() {
    runs = ports.jobRuns();
  }

  /** A new run id, the same in every run of the suite. */
  protected UUID id() {
    return UUID.nameUUIDFromBytes(("job-run-contract-" + ++seq).getBytes(StandardCharsets.UTF_8));
  }

  protected static JobRun running(UUID id, String type, JobTrigger trigger, int attempt,
      Instant at) {
    ObjectNode in = JsonNodeFactory.instance.objectNode().put("from", "2026-01-01T00:00:00Z");
    return new JobRun(id, type, "US", JobStatus.RUNNING, trigger, attempt, T0, in, at, at,
        null, null, null, "worker-a");
  }

  protected static JobRun queued(UUID id, String type) {
    return new JobRun(id, type, "EU", JobStatus.QUEUED, JobTrigger.MANUAL, 1, T0, null, T0,
        null, null, null, null, null);
  }

  /** A run round-trips every field through start and finish. */
  @Test
  public void start_finish_roundTripsEveryField() {
    UUID id = id();
    assertThat(runs.start(running(id, "chains.verify", JobTrigger.SCHEDULE, 1, T0), "e/1"))
        .isTrue();
    ObjectNode summary = JsonNodeFactory.instance.objectNode().put("bundle_id", "b-1")
        .put("chains", 3);
    summary.putArray("errors").add("none").add(1.5);
    assertThat(runs.finish(id, JobStatus.SUCCEEDED, T0.plusSeconds(5), summary, null)).isTrue();
    JobRun r = runs.find(id).orElseThrow();
    assertThat(r.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(r.trigger()).isEqualTo(JobTrigger.SCHEDULE);
    assertThat(r.attempt()).isEqualTo(1);
    assertThat(r.type()).isEqualTo("chains.verify");
    assertThat(r.asOf()).isEqualTo(T0);
    assertThat(r.queuedAt()).isEqualTo(T0);
    assertThat(r.startedAt()).isEqualTo(T0);
    assertThat(r.finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(r.result()).isEqualTo(summary);
    assertThat(r.input().path("from").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(r.worker()).isEqualTo("worker-a");
    assertThat(r.partition()).isEqualTo("US");
    assertThat(r.error()).isNull();
    assertThat(runs.find(id())).isEmpty();
  }

  /** A run finishes only once. */
  @Test
  public void finish_onlyOnce() {
    UUID id = id();
    runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "e/1");
    assertThat(runs.finish(id, JobStatus.FAILED, T0, null, "boom")).isTrue();
    assertThat(runs.finish(id, JobStatus.SUCCEEDED, T0, null, null)).isFalse();
    assertThat(runs.find(id).orElseThrow().error()).isEqualTo("boom");
    assertThat(runs.find(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(runs.finish(id(), JobStatus.FAILED, T0, null, "unknown")).isFalse();
  }

  /** Finish with bad arguments is refused before anything changes. */
  @Test
  public void finish_badArguments_refusedBeforeAnyChange() {
    UUID id = id();
    runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "e/1");
    assertThatThrownBy(() -> runs.finish(id, JobStatus.RUNNING, T0, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runs.finish(id, JobStatus.FAILED, T0,
        JsonNodeFactory.instance.objectNode(), "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(runs.find(id).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  /**
   * Of racing workers finishing one run exactly one wins.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void finish_racingWorkers_exactlyOneWins() throws Exception {
    UUID id = id();
    runs.start(running(id, "a.b", JobTrigger.SCHEDULE, 1, T0), "a.b/recurring");
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      JobStatus status = i % 2 == 0 ? JobStatus.FAILED : JobStatus.TIMED_OUT;
      String error = "worker " + i;
      racers.add(() -> runs.finish(id, status, T0.plusSeconds(9), null, error));
    }
    racers.add(() -> runs.markDead("a.b/recurring", T0.plusSeconds(9), "dead") == 1);
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(Outcome::result).hasSize(1);
    assertThat(runs.find(id).orElseThrow().status().isFinal()).isTrue();
  }

  /** An error longer than the limit is cut. */
  @Test
  public void finish_errorLongerThanTheLimit_cut() {
    UUID id = id();
    runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "e/1");
    runs.finish(id, JobStatus.FAILED, T0, null, "x".repeat(JobRun.MAX_ERROR + 500));
    assertThat(runs.find(id).orElseThrow().error())
        .isEqualTo("x".repeat(JobRun.MAX_ERROR) + "…");
  }

  /** Start turns a queued run into a running one, once. */
  @Test
  public void enqueue_thenStart_turnsTheQueuedRowIntoRunningOnce() {
    UUID id = id();
    runs.enqueue(queued(id, "a.b"), "hyrelog-job/" + id);
    assertThat(runs.find(id)).contains(queued(id, "a.b"));
    assertThat(runs.start(running(id, "a.b", JobTrigger.RETRY, 2, T0.plusSeconds(1)),
        "hyrelog-job/" + id)).isTrue();
    JobRun r = runs.find(id).orElseThrow();
    assertThat(r.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(r.queuedAt()).isEqualTo(T0);
    assertThat(r.partition()).isEqualTo("EU");
    assertThat(r.trigger()).isEqualTo(JobTrigger.RETRY);
    assertThat(r.attempt()).isEqualTo(2);
    assertThat(r.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(r.worker()).isEqualTo("worker-a");
    assertThat(runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "x")).isFalse();
    assertThat(runs.find(id)).contains(r);
  }

  /**
   * Of racing workers starting one queued run exactly one wins.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void start_racingWorkersOnOneQueuedRun_exactlyOneWins() throws Exception {
    UUID id = id();
    runs.enqueue(queued(id, "a.b"), "hyrelog-job/" + id);
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      JobRun attempt = new JobRun(id, "a.b", "EU", JobStatus.RUNNING, JobTrigger.MANUAL, 1, T0,
          null, T0, T0.plusSeconds(i), null, null, null, "worker-" + i);
      racers.add(() -> runs.start(attempt, "hyrelog-job/" + id));
    }
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(Outcome::result).hasSize(1);
    int winner = out.indexOf(out.stream().filter(Outcome::result).findFirst().orElseThrow());
    assertThat(runs.find(id).orElseThrow().worker()).isEqualTo("worker-" + winner);
  }

  /** Enqueueing a taken id is refused and nothing changes. */
  @Test
  public void enqueue_takenId_refusedAndNothingChanged() {
    UUID id = id();
    runs.enqueue(queued(id, "a.b"), "x/" + id);
    assertThatThrownBy(() -> runs.enqueue(queued(id, "c.d"), "y/" + id))
        .isInstanceOf(AlreadyStoredException.class).hasMessageContaining(id.toString());
    assertThat(runs.find(id)).contains(queued(id, "a.b"));
    assertThat(runs.ofExecution("y/" + id)).isEmpty();
  }

  /** Enqueue and start refuse a run in the wrong status. */
  @Test
  public void enqueueAndStart_wrongStatus_refused() {
    UUID id = id();
    assertThatThrownBy(() -> runs.enqueue(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runs.start(queued(id, "a.b"), "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(runs.find(id)).isEmpty();
  }

  /** Abandoning ends queued runs only. */
  @Test
  public void abandonQueued_endsOnlyQueuedRuns() {
    UUID id = id();
    runs.enqueue(queued(id, "a.b"), "x/" + id);
    assertThat(runs.abandonQueued(id, T0.plusSeconds(3), "dropped")).isTrue();
    assertThat(runs.abandonQueued(id, T0.plusSeconds(4), "dropped")).isFalse();
    JobRun r = runs.find(id).orElseThrow();
    assertThat(r.status()).isEqualTo(JobStatus.FAILED);
    assertThat(r.startedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(r.finishedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(r.error()).isEqualTo("dropped");
    UUID running = id();
    runs.start(running(running, "a.b", JobTrigger.MANUAL, 1, T0), "e/1");
    assertThat(runs.abandonQueued(running, T0, "dropped")).isFalse();
    assertThat(runs.abandonQueued(id(), T0, "dropped")).isFalse();
  }

  /** Marking dead marks only the running attempts of that execution. */
  @Test
  public void markDead_marksOnlyRunningAttemptsOfThatExecution() {
    UUID dead = id();
    UUID done = id();
    UUID other = id();
    runs.start(running(done, "a.b", JobTrigger.SCHEDULE, 1, T0), "a.b/recurring");
    runs.finish(done, JobStatus.FAILED, T0, null, "x");
    runs.start(running(dead, "a.b", JobTrigger.RETRY, 2, T0.plusSeconds(1)), "a.b/recurring");
    runs.start(running(other, "a.b", JobTrigger.MANUAL, 1, T0), "hyrelog-job/z");
    assertThat(runs.markDead("a.b/recurring", T0.plusSeconds(60), "worker stopped"))
        .isEqualTo(1);
    JobRun d = runs.find(dead).orElseThrow();
    assertThat(d.status()).isEqualTo(JobStatus.DEAD);
    assertThat(d.finishedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(d.error()).isEqualTo("worker stopped");
    assertThat(runs.find(done).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(runs.find(other).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(runs.ofExecution("a.b/recurring")).extracting(JobRun::runId)
        .containsExactly(done, dead);
    assertThat(runs.markDead("a.b/recurring", T0.plusSeconds(61), "again")).isZero();
    // A finished attempt of a dead worker cannot be reported afterwards.
    assertThat(runs.finish(dead, JobStatus.SUCCEEDED, T0, null, null)).isFalse();
  }

  /** Recent runs come newest first, per type. */
  @Test
  public void recent_newestFirst_perType() {
    for (int i = 0; i < 5; i++) {
      runs.start(running(id(), "a.b", JobTrigger.SCHEDULE, 1, T0.plusSeconds(i)), "e/" + i);
    }
    runs.start(running(id(), "a.b", JobTrigger.RETRY, 2, T0.plusSeconds(4)), "e/4");
    runs.start(running(id(), "c.d", JobTrigger.SCHEDULE, 1, T0.plusSeconds(9)), "e/x");
    assertThat(runs.recent("a.b", 4)).extracting(JobRun::queuedAt, JobRun::attempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(4), 2),
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(4), 1),
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(3), 1),
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(2), 1));
    assertThat(runs.recent("nope", 3)).isEmpty();
    assertThatThrownBy(() -> runs.recent("a.b", 0)).hasMessageContaining("limit");
    assertThatThrownBy(() -> runs.recent("a.b", JobRuns.MAX_LIMIT + 1))
        .hasMessageContaining("limit");
  }
}
