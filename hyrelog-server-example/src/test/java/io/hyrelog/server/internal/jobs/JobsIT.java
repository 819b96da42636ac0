package io.hyrelog.server.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.InvalidJobInputException;
import io.hyrelog.jobs.JobDefinition;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobRegistry;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
import io.hyrelog.testkit.MutableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The job runner on a real PostgreSQL: cluster safety of recurring runs, a killed worker's run
 * taken over, poison runs, timeouts and on-demand runs. Waits poll the database with a
 * deadline; nothing asserts on elapsed time.
 */
class JobsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(Long.getLong("jobs.deadline", 60));
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private final List<AutoCloseable> open = new ArrayList<>();
  private JobsDatabase db;

  @BeforeEach
  void setUp() {
    db = JobsDatabase.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    db.close();
  }

  private static JobSettings fast(String worker) {
    return new JobSettings(true, Duration.ofMillis(50), Duration.ofMillis(100), 4, 2, worker);
  }

  private RegionScheduler scheduler(String worker, Clock clock, JobDefinition... defs) {
    JobRegistry.Builder b = JobRegistry.builder();
    for (JobDefinition d : defs) {
      b.add(d);
    }
    RegionScheduler s = new RegionScheduler("US", db.dataSource(), b.build(), fast(worker),
        clock);
    open.add(s);
    return s;
  }

  private static JobDefinition def(String type, JobPolicy policy, JobHandler h) {
    return new JobDefinition(type, "test", JobInputSchema.none(), policy, h);
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what + "; scheduled_tasks: "
            + tasks());
      }
      Thread.sleep(20);
    }
  }

  private long pending(String taskName) {
    return count("SELECT count(*) FROM hyrelog.scheduled_tasks WHERE task_name = ? AND picked",
        taskName);
  }

  private String tasks() {
    StringBuilder b = new StringBuilder();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT task_name, task_instance,"
            + " execution_time, picked, picked_by, last_heartbeat, convert_from(task_data,"
            + " 'UTF8') FROM hyrelog.scheduled_tasks");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        b.append("\n  ");
        for (int i = 1; i <= 7; i++) {
          b.append(rs.getString(i)).append(' ');
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return b.toString();
  }

  private long rows(String taskName) {
    return count("SELECT count(*) FROM hyrelog.scheduled_tasks WHERE task_name = ?", taskName);
  }

  private long count(String sql, String taskName) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, taskName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }


  private static long count(List<JobRun> runs, JobStatus s) {
    return runs.stream().filter(r -> r.status() == s).count();
  }

  @Test
  void recurring_twoSchedulersOnOneDatabase_eachScheduledRunHappensOnce() throws Exception {
    MutableClock clock = new MutableClock(T0);
    List<Instant> seen = Collections.synchronizedList(new ArrayList<>());
    JobPolicy every = JobPolicy.of(1, Duration.ofMinutes(1))
        .withSchedule(JobSchedule.every(Duration.ofMinutes(10)));
    JobHandler h = ctx -> {
      seen.add(ctx.asOf());
      Thread.sleep(30); // long enough for the other scheduler to poll meanwhile
      return JobResult.empty();
    };
    RegionScheduler a = scheduler("worker-a", clock, def("test.tick", every, h));
    RegionScheduler b = scheduler("worker-b", clock, def("test.tick", every, h));
    a.start();
    b.start();
    int rounds = 6;
    await("the first run is scheduled", () -> a.nextRun("test.tick").isPresent());
    for (int i = 1; i <= rounds; i++) {
      // An interval schedule first runs one interval after the start.
      assertThat(a.nextRun("test.tick")).contains(clock.instant().plus(Duration.ofMinutes(10)));
      assertThat(b.nextRun("test.tick")).isEqualTo(a.nextRun("test.tick"));
      clock.advance(Duration.ofMinutes(10));
      int expected = i;
      await(i + " runs succeeded", () -> count(a.runs().recent("test.tick", 100),
          JobStatus.SUCCEEDED) >= expected && pending("test.tick") == 0
          && a.nextRun("test.tick").orElseThrow().isAfter(clock.instant()));
    }
    // Both schedulers kept polling while the clock stood still: nothing more may run.
    Thread.sleep(300);
    List<JobRun> runs = a.runs().recent("test.tick", 100);
    assertThat(runs).hasSize(rounds);
    assertThat(runs).allMatch(r -> r.status() == JobStatus.SUCCEEDED
        && r.trigger() == JobTrigger.SCHEDULE && r.attempt() == 1);
    assertThat(seen).hasSize(rounds).doesNotHaveDuplicates();
    assertThat(runs).extracting(JobRun::asOf).doesNotHaveDuplicates()
        .contains(T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(60)));
    assertThat(rows("test.tick")).isEqualTo(1);
  }

  @Test
  @Tag("process")
  void killedWorker_runIsTakenOverAndCompleted() throws Exception {
    AtomicInteger rescued = new AtomicInteger();
    RegionScheduler rescuer = scheduler("rescuer", Clock.systemUTC(),
        def(JobWorkerMain.TYPE, JobWorkerMain.policy(), ctx -> {
          rescued.incrementAndGet();
          ObjectNode n = JsonNodeFactory.instance.objectNode()
              .put("trigger", ctx.trigger().name()).put("attempt", ctx.attempt());
          return JobResult.of(n);
        }));
    Instant asOf = Instant.parse("2026-02-01T00:00:00Z");
    JobRun queued = rescuer.enqueue(JobWorkerMain.TYPE, asOf, null); // rescuer not started yet
    String execution = RegionScheduler.ONCE + "/" + queued.runId();
    Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx192m", "-XX:+UseSerialGC", "-cp", classpath(),
        JobWorkerMain.class.getName(), db.url(), "victim").redirectErrorStream(true).start();
    StringBuffer log = new StringBuffer();
    CompletableFuture<Void> blocking = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(victim.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.append(line).append('\n');
          if (line.startsWith("BLOCKING ")) {
            blocking.complete(null);
          }
        }
      } catch (java.io.IOException ignored) {
        // the process was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      try {
        blocking.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the worker never ran the job; its output:\n" + log);
      }
      JobRun running = rescuer.runs().find(queued.runId()).orElseThrow();
      assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
      assertThat(running.worker()).isEqualTo("victim");
    } finally {
      victim.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      victim.waitFor(30, TimeUnit.SECONDS);
    }
    rescuer.start();
    await("the run is taken over and succeeds", () -> count(rescuer.runs()
        .ofExecution(execution), JobStatus.SUCCEEDED) == 1 && rows(RegionScheduler.ONCE) == 0);
    List<JobRun> history = rescuer.runs().ofExecution(execution);
    assertThat(history).hasSize(2);
    JobRun dead = history.get(0);
    JobRun recovery = history.get(1);
    assertThat(dead.runId()).isEqualTo(queued.runId());
    assertThat(dead.status()).isEqualTo(JobStatus.DEAD);
    assertThat(dead.worker()).isEqualTo("victim");
    assertThat(dead.error()).contains("victim").contains("stopped heartbeating");
    assertThat(recovery.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(recovery.trigger()).isEqualTo(JobTrigger.RECOVERY);
    assertThat(recovery.attempt()).isEqualTo(2);
    assertThat(recovery.worker()).isEqualTo("rescuer");
    assertThat(recovery.asOf()).isEqualTo(asOf);
    assertThat(recovery.result().path("trigger").asText()).isEqualTo("RECOVERY");
    assertThat(rescued.get()).isEqualTo(1);
  }

  @Test
  void poisonRun_stopsAfterMaxAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    JobPolicy p = JobPolicy.of(3, Duration.ofSeconds(30)).withRetryDelay(Duration.ofMillis(50));
    RegionScheduler s = scheduler("w", Clock.systemUTC(), def("test.poison", p, ctx -> {
      calls.incrementAndGet();
      throw new IllegalStateException("bad row " + ctx.attempt());
    }));
    s.start();
    JobRun queued = s.enqueue("test.poison", null, null);
    String execution = RegionScheduler.ONCE + "/" + queued.runId();
    await("three attempts failed and the execution is gone", () ->
        count(s.runs().ofExecution(execution), JobStatus.FAILED) == 3
            && rows(RegionScheduler.ONCE) == 0);
    Thread.sleep(300); // the scheduler keeps polling; no fourth attempt may come
    List<JobRun> history = s.runs().ofExecution(execution);
    assertThat(history).extracting(JobRun::status).containsOnly(JobStatus.FAILED).hasSize(3);
    assertThat(history).extracting(JobRun::attempt).containsExactly(1, 2, 3);
    assertThat(history).extracting(JobRun::trigger).containsExactly(JobTrigger.MANUAL,
        JobTrigger.RETRY, JobTrigger.RETRY);
    assertThat(history).extracting(JobRun::error).containsExactly("bad row 1", "bad row 2",
        "bad row 3");
    assertThat(history.get(0).runId()).isEqualTo(queued.runId());
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void recurringPoisonRun_givesUpUntilTheNextScheduledTime() throws Exception {
    MutableClock clock = new MutableClock(T0);
    AtomicInteger calls = new AtomicInteger();
    JobPolicy p = JobPolicy.of(2, Duration.ofSeconds(30)).withRetryDelay(Duration.ofMinutes(1))
        .withSchedule(JobSchedule.every(Duration.ofHours(1)));
    RegionScheduler s = scheduler("w", clock, def("test.flaky", p, ctx -> {
      calls.incrementAndGet();
      throw new IllegalStateException("always");
    }));
    s.start();
    await("the first run is scheduled", () -> s.nextRun("test.flaky").isPresent());
    Instant due = T0.plus(Duration.ofHours(1));
    assertThat(s.nextRun("test.flaky")).contains(due);
    clock.set(due);
    await("first attempt failed", () -> count(s.runs().recent("test.flaky", 10),
        JobStatus.FAILED) == 1 && pending("test.flaky") == 0
        && s.nextRun("test.flaky").orElseThrow().isAfter(due));
    assertThat(s.nextRun("test.flaky")).contains(due.plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(1));
    await("second attempt failed", () -> count(s.runs().recent("test.flaky", 10),
        JobStatus.FAILED) == 2 && pending("test.flaky") == 0
        && s.nextRun("test.flaky").orElseThrow().isAfter(clock.instant()));
    // Given up: the execution waits for the next scheduled time, not for a third attempt.
    assertThat(s.nextRun("test.flaky")).contains(due.plus(Duration.ofMinutes(61)));
    List<JobRun> runs = s.runs().recent("test.flaky", 10);
    assertThat(runs).extracting(JobRun::asOf).containsOnly(due);
    assertThat(runs).extracting(JobRun::trigger).containsExactlyInAnyOrder(JobTrigger.SCHEDULE,
        JobTrigger.RETRY);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void timeout_interruptsTheHandlerAndRecordsTimedOut() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    RegionScheduler s = scheduler("w", Clock.systemUTC(), def("test.slow",
        JobPolicy.of(1, Duration.ofMillis(200)), ctx -> {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          } finally {
            ended.complete(null);
          }
          return JobResult.empty();
        }));
    JobRun r = s.runNow("test.slow", null, null);
    assertThat(r.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(r.error()).contains("timeout of PT0.2S");
    assertThat(r.result()).isNull();
    ended.get(30, TimeUnit.SECONDS);
    assertThat(interrupted).isTrue();
  }

  @Test
  void onDemand_passesAsOfAndInput_andValidatesFirst() throws Exception {
    JobInputSchema window = JobInputSchema.builder()
        .required("from", JobInputSchema.PropertyType.INSTANT)
        .required("to", JobInputSchema.PropertyType.INSTANT).build();
    MutableClock clock = new MutableClock(T0);
    JobHandler echo = ctx -> JobResult.of(JsonNodeFactory.instance.objectNode()
        .put("as_of", ctx.asOf().toString()).put("from", ctx.param("from").asText())
        .put("trigger", ctx.trigger().name()).put("partition", ctx.partition())
        .put("now", ctx.clock().instant().toString()));
    RegionScheduler s = scheduler("w", clock, new JobDefinition("test.echo", "echo", window,
        JobPolicy.of(1, Duration.ofSeconds(30)), echo));
    Instant asOf = Instant.parse("2025-12-31T23:59:59Z");
    ObjectNode in = JsonNodeFactory.instance.objectNode().put("from", "2025-12-01T00:00:00Z")
        .put("to", "2025-12-31T00:00:00Z");
    JobRun r = s.runNow("test.echo", asOf, in);
    assertThat(r.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(r.trigger()).isEqualTo(JobTrigger.MANUAL);
    assertThat(r.asOf()).isEqualTo(asOf);
    assertThat(r.startedAt()).isEqualTo(T0);
    assertThat(r.result().path("as_of").asText()).isEqualTo(asOf.toString());
    assertThat(r.result().path("from").asText()).isEqualTo("2025-12-01T00:00:00Z");
    assertThat(r.result().path("partition").asText()).isEqualTo("US");
    assertThat(r.result().path("now").asText()).isEqualTo(T0.toString());
    // Without asOf: the injected clock's now.
    assertThat(s.runNow("test.echo", null, in).asOf()).isEqualTo(T0);

    // Enqueued: runs once somewhere, with the same asOf.
    s.start();
    JobRun q = s.enqueue("test.echo", asOf, in);
    assertThat(q.status()).isEqualTo(JobStatus.QUEUED);
    await("the queued run succeeded", () -> s.runs().find(q.runId()).orElseThrow().status()
        == JobStatus.SUCCEEDED);
    JobRun done = s.runs().find(q.runId()).orElseThrow();
    assertThat(done.asOf()).isEqualTo(asOf);
    assertThat(done.result().path("as_of").asText()).isEqualTo(asOf.toString());
    assertThat(done.input()).isEqualTo(in);

    int before = s.runs().recent("test.echo", 100).size();
    assertThatThrownBy(() -> s.runNow("test.echo", asOf, JsonNodeFactory.instance.objectNode()
        .put("from", "yesterday")))
        .isInstanceOfSatisfying(InvalidJobInputException.class, e -> assertThat(
            e.violations()).extracting(JobInputSchema.Violation::pointer)
            .containsExactly("/from", "/to"));
    assertThatThrownBy(() -> s.enqueue("test.echo", asOf, null))
        .isInstanceOf(InvalidJobInputException.class);
    assertThatThrownBy(() -> s.runNow("test.none", asOf, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.runs().recent("test.echo", 100)).hasSize(before);
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

}
