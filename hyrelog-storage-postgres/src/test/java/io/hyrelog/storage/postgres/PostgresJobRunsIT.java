package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresJobRunsIT {
  private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
  private PostgresFixture.Database db;
  private PostgresJobRuns runs;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    runs = PostgresJobRuns.create(db.app());
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private static JobRun running(UUID id, String type, JobTrigger trigger, int attempt,
      Instant at) {
    ObjectNode in = JsonNodeFactory.instance.objectNode().put("from", "2026-01-01T00:00:00Z");
    return new JobRun(id, type, "US", JobStatus.RUNNING, trigger, attempt, T0, in, at, at,
        null, null, null, "worker-a");
  }

  @Test
  void start_finish_roundTripsEveryField() {
    UUID id = UUID.randomUUID();
    assertThat(runs.start(running(id, "chains.verify", JobTrigger.SCHEDULE, 1, T0), "e/1"))
        .isTrue();
    ObjectNode summary = JsonNodeFactory.instance.objectNode().put("bundle_id", "b-1")
        .put("chains", 3);
    assertThat(runs.finish(id, JobStatus.SUCCEEDED, T0.plusSeconds(5), summary, null)).isTrue();
    JobRun r = runs.find(id).orElseThrow();
    assertThat(r.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(r.trigger()).isEqualTo(JobTrigger.SCHEDULE);
    assertThat(r.asOf()).isEqualTo(T0);
    assertThat(r.startedAt()).isEqualTo(T0);
    assertThat(r.finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(r.result()).isEqualTo(summary);
    assertThat(r.input().path("from").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(r.worker()).isEqualTo("worker-a");
    assertThat(r.partition()).isEqualTo("US");
    assertThat(r.error()).isNull();
  }

  @Test
  void finish_onlyOnce() {
    UUID id = UUID.randomUUID();
    runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "e/1");
    assertThat(runs.finish(id, JobStatus.FAILED, T0, null, "boom")).isTrue();
    assertThat(runs.finish(id, JobStatus.SUCCEEDED, T0, null, null)).isFalse();
    assertThat(runs.find(id).orElseThrow().error()).isEqualTo("boom");
    assertThatThrownBy(() -> runs.finish(id, JobStatus.RUNNING, T0, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void enqueue_thenStart_turnsTheQueuedRowIntoRunningOnce() {
    UUID id = UUID.randomUUID();
    runs.enqueue(new JobRun(id, "a.b", "EU", JobStatus.QUEUED, JobTrigger.MANUAL, 1, T0, null,
        T0, null, null, null, null, null), "hyrelog-job/" + id);
    assertThat(runs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0.plusSeconds(1)),
        "hyrelog-job/" + id)).isTrue();
    JobRun r = runs.find(id).orElseThrow();
    assertThat(r.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(r.queuedAt()).isEqualTo(T0);
    assertThat(r.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(runs.start(running(id, "a.b", JobTrigger.MANUAL, 1, T0), "x")).isFalse();
  }

  @Test
  void abandonQueued_endsOnlyQueuedRuns() {
    UUID id = UUID.randomUUID();
    runs.enqueue(new JobRun(id, "a.b", "EU", JobStatus.QUEUED, JobTrigger.MANUAL, 1, T0, null,
        T0, null, null, null, null, null), "x/" + id);
    assertThat(runs.abandonQueued(id, T0, "dropped")).isTrue();
    assertThat(runs.abandonQueued(id, T0, "dropped")).isFalse();
    assertThat(runs.find(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void markDead_marksOnlyRunningAttemptsOfThatExecution() {
    UUID dead = UUID.randomUUID();
    UUID done = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    runs.start(running(done, "a.b", JobTrigger.SCHEDULE, 1, T0), "a.b/recurring");
    runs.finish(done, JobStatus.FAILED, T0, null, "x");
    runs.start(running(dead, "a.b", JobTrigger.RETRY, 2, T0.plusSeconds(1)), "a.b/recurring");
    runs.start(running(other, "a.b", JobTrigger.MANUAL, 1, T0), "hyrelog-job/z");
    assertThat(runs.markDead("a.b/recurring", T0.plusSeconds(60), "worker stopped")).isEqualTo(1);
    assertThat(runs.find(dead).orElseThrow().status()).isEqualTo(JobStatus.DEAD);
    assertThat(runs.find(done).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(runs.find(other).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(runs.ofExecution("a.b/recurring")).extracting(JobRun::runId)
        .containsExactly(done, dead);
    // A finished attempt of a dead worker cannot be reported afterwards.
    assertThat(runs.finish(dead, JobStatus.SUCCEEDED, T0, null, null)).isFalse();
  }

  @Test
  void recent_newestFirst_perType() {
    for (int i = 0; i < 5; i++) {
      runs.start(running(UUID.randomUUID(), "a.b", JobTrigger.SCHEDULE, 1,
          T0.plusSeconds(i)), "e/" + i);
    }
    runs.start(running(UUID.randomUUID(), "c.d", JobTrigger.SCHEDULE, 1, T0), "e/x");
    assertThat(runs.recent("a.b", 3)).extracting(JobRun::queuedAt)
        .containsExactly(T0.plusSeconds(4), T0.plusSeconds(3), T0.plusSeconds(2));
    assertThat(runs.recent("nope", 3)).isEmpty();
    assertThat(runs.find(UUID.randomUUID())).isEmpty();
    assertThatThrownBy(() -> runs.recent("a.b", 0)).hasMessageContaining("limit");
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
}
