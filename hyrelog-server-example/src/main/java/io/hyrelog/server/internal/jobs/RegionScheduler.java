package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import io.hyrelog.HyrelogException;
import io.hyrelog.jobs.InvalidJobInputException;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobDefinition;
import io.hyrelog.ProblemList;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobRegistry;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.jobs.JobStatus;
import io.hyrelog.jobs.JobTrigger;
import io.hyrelog.spi.JobRuns;
import io.hyrelog.storage.postgres.PostgresJobRuns;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs of one database (one region): a db-scheduler {@link Scheduler} on the {@code
 * scheduled_tasks} table of that database's HyreLog schema ({@link
 * PostgresJobRuns#schedulerTable()}), with one recurring task per scheduled job type and one
 * one-time task for enqueued runs, and the {@code job_runs} history.
 *
 * <p>db-scheduler makes each execution happen once across every process on the database (a
 * due row is picked under optimistic locking), heartbeats running executions, and hands an
 * execution whose heartbeat went stale to the dead-execution handler here, which marks the
 * abandoned attempt DEAD and runs it again as a RECOVERY attempt. Retries are this class's:
 * every attempt ends in a completion handler that reschedules with the next attempt number
 * (after the policy's backoff) or gives up after the last attempt; db-scheduler's own
 * failure counters are not used. Thread-safe.
 */
public final class RegionScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegionScheduler.class);
  /** The one-time task of enqueued runs; its instance id is the run id. */
  static final String ONCE = "hyrelog-job";
  /** The instance id of a recurring job's execution. */
  static final String RECURRING = "recurring";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String partition;
  private final JobRegistry registry;
  private final JobSettings settings;
  private final Clock clock;
  private final PostgresJobRuns runs;
  private final Map<String, Schedule> schedules = new HashMap<>();
  private final CustomTask<String> once;
  private final Scheduler scheduler;
  private final ExecutorService workers;
  private volatile boolean started;

  /**
   * A scheduler for {@code dataSource}'s database (not yet started).
   *
   * @param partition the region name handlers see in {@link JobContext#partition()}
   * @param registry the job types with their handlers for this database
   */
  public RegionScheduler(String partition, DataSource dataSource, JobRegistry registry,
      JobSettings settings, Clock clock) {
    this.partition = Objects.requireNonNull(partition, "partition");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.runs = PostgresJobRuns.create(dataSource);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hyrelog-job-" + partition + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Task<?>> known = new ArrayList<>();
    List<CustomTask<String>> recurring = new ArrayList<>();
    for (JobDefinition d : registry.scheduled()) {
      Schedule s = toSchedule(d.type(), d.policy().schedule().orElseThrow());
      schedules.put(d.type(), s);
      CustomTask<String> t = Tasks.custom(d.type(), String.class)
          .scheduleOnStartup(RECURRING, "{}", s)
          .onDeadExecution(this::dead)
          .execute(this::execute);
      recurring.add(t); // startTasks() registers it as a known task too
    }
    this.once = Tasks.custom(ONCE, String.class).onDeadExecution(this::dead)
        .execute(this::execute);
    known.add(once);
    this.scheduler = Scheduler.create(dataSource, known)
        .tableName(runs.schedulerTable())
        .startTasks(recurring)
        .schedulerName(new SchedulerName.Fixed(settings.workerName()))
        .pollingInterval(settings.pollInterval())
        .heartbeatInterval(settings.heartbeatInterval())
        .missedHeartbeatsLimit(settings.missedHeartbeats())
        .threads(settings.threads())
        .serializer(new Utf8Serializer())
        .clock(clock::instant)
        .shutdownMaxWait(Duration.ofSeconds(5))
        .enableImmediateExecution()
        .build();
  }

  /** Starts polling (and schedules each recurring job's first execution if none exists). */
  public synchronized void start() {
    if (!started) {
      scheduler.start();
      started = true;
    }
  }

  public String partition() {
    return partition;
  }

  public JobRegistry registry() {
    return registry;
  }

  public JobRuns runs() {
    return runs;
  }

  /** When the recurring job {@code type} runs next here, if it is scheduled. */
  public Optional<Instant> nextRun(String type) {
    if (!schedules.containsKey(type)) {
      return Optional.empty();
    }
    return scheduler.getScheduledExecution(TaskInstanceId.of(type, RECURRING))
        .map(e -> e.getExecutionTime());
  }

  /**
   * Runs {@code type} now, in this thread's process, once (no retries), and records it as a
   * MANUAL run.
   *
   * @param asOf the instant the run is for; null for now
   * @throws InvalidJobInputException when the schema rejects {@code input}; nothing ran
   * @throws IllegalArgumentException when the type is not registered
   */
  public JobRun runNow(String type, Instant asOf, ObjectNode input) {
    JobDefinition d = definition(type);
    ObjectNode in = validated(d, input);
    UUID runId = UUID.randomUUID();
    Instant at = asOf == null ? clock.instant() : asOf;
    attempt(d, runId, JobTrigger.MANUAL, 1, at, in, "manual/" + runId);
    return runs.find(runId).orElseThrow();
  }

  /**
   * Enqueues a run of {@code type}: it runs once, on whichever process of the cluster picks
   * it first, with retries by the policy.
   *
   * @return the QUEUED run (its id is the first attempt's)
   * @throws InvalidJobInputException when the schema rejects {@code input}; nothing was queued
   */
  public JobRun enqueue(String type, Instant asOf, ObjectNode input) {
    JobDefinition d = definition(type);
    ObjectNode in = validated(d, input);
    UUID runId = UUID.randomUUID();
    Instant now = clock.instant();
    Instant at = asOf == null ? now : asOf;
    JobRun queued = new JobRun(runId, type, partition, JobStatus.QUEUED, JobTrigger.MANUAL, 1, at,
        in, now, null, null, null, null, null);
    runs.enqueue(queued, ONCE + "/" + runId);
    Data data = new Data(type, runId, JobTrigger.MANUAL, 1, at, in);
    try {
      scheduler.schedule(once.instance(runId.toString(), data.json()), now);
    } catch (RuntimeException e) {
      runs.abandonQueued(runId, now, "could not be queued");
      throw new HyrelogException("cannot enqueue job " + type + " (" + e.getMessage() + ")", e);
    }
    return queued;
  }

  private JobDefinition definition(String type) {
    return registry.find(type).orElseThrow(() -> new IllegalArgumentException(
        "job type " + type + " is not registered"));
  }

  private static ObjectNode validated(JobDefinition d, ObjectNode input) {
    ProblemList<JobInputSchema.Violation> v = d.schema().validate(input);
    if (!v.isEmpty()) {
      throw new InvalidJobInputException(d.type(), v);
    }
    return input == null ? JSON.createObjectNode() : input.deepCopy();
  }

  // ---- execution -------------------------------------------------------------------------

  private CompletionHandler<String> execute(TaskInstance<String> ti, ExecutionContext ec) {
    Execution ex = ec.getExecution();
    String key = ti.getTaskName() + "/" + ti.getId();
    boolean recurring = !ti.getTaskName().equals(ONCE);
    Data d = Data.parse(ti.getData(), recurring ? ti.getTaskName() : null);
    Optional<JobDefinition> def = d.type == null ? Optional.empty() : registry.find(d.type);
    if (def.isEmpty()) {
      LOG.warn("dropping execution {}: job type {} is not registered in this process", key,
          d.type);
      if (d.queuedRunId != null) {
        runs.abandonQueued(d.queuedRunId, clock.instant(), "job type is not registered");
      }
      return (c, ops) -> ops.remove();
    }
    JobDefinition job = def.get();
    Instant asOf = d.asOf != null ? d.asOf : ex.executionTime;
    UUID runId = d.attempt == 1 && d.queuedRunId != null ? d.queuedRunId : UUID.randomUUID();
    JobStatus status = attempt(job, runId, d.trigger, d.attempt, asOf, d.input, key);
    if (status == JobStatus.SUCCEEDED) {
      return finished(recurring);
    }
    return retryOrGiveUp(job, d.withAsOf(asOf), recurring, key);
  }

  private CompletionHandler<String> finished(boolean recurring) {
    if (!recurring) {
      return (c, ops) -> ops.remove();
    }
    return (c, ops) -> {
      Schedule s = schedules.get(c.getExecution().taskInstance.getTaskName());
      ops.reschedule(c, s.getNextExecutionTime(c), "{}");
    };
  }

  private CompletionHandler<String> retryOrGiveUp(JobDefinition job, Data d, boolean recurring,
      String key) {
    int next = d.attempt + 1;
    if (next > job.policy().maxAttempts()) {
      LOG.warn("job {} in {} failed {} attempt{}; giving up this run ({})", job.type(),
          partition, d.attempt, d.attempt == 1 ? "" : "s", key);
      return finished(recurring);
    }
    Instant at = clock.instant().plus(job.policy().backoff(next));
    String data = d.next(JobTrigger.RETRY).json();
    return (c, ops) -> ops.reschedule(c, at, data);
  }

  private void dead(ExecutionComplete complete, ExecutionOperations<String> ops) {
    Execution ex = complete.getExecution();
    String task = ex.taskInstance.getTaskName();
    String key = task + "/" + ex.taskInstance.getId();
    boolean recurring = !task.equals(ONCE);
    Instant now = clock.instant();
    int marked = runs.markDead(key, now, "the worker " + ex.pickedBy + " stopped heartbeating"
        + " during this attempt");
    Data d;
    try {
      d = Data.parse((String) ex.taskInstance.getData(), recurring ? task : null);
    } catch (RuntimeException e) {
      LOG.warn("dropping dead execution {}: its data is unreadable", key);
      ops.remove();
      return;
    }
    Optional<JobDefinition> def = d.type == null ? Optional.empty() : registry.find(d.type);
    LOG.warn("execution {} of worker {} is dead ({} attempt{} marked DEAD); running it again",
        key, ex.pickedBy, marked, marked == 1 ? "" : "s");
    if (def.isEmpty()) {
      ops.remove();
      return;
    }
    Data revived = d.withAsOf(d.asOf != null ? d.asOf : ex.executionTime)
        .next(JobTrigger.RECOVERY);
    if (revived.attempt > def.get().policy().maxAttempts()) {
      LOG.warn("job {} in {} used all {} attempts; giving up this run ({})", d.type, partition,
          def.get().policy().maxAttempts(), key);
      if (recurring) {
        ops.reschedule(complete, schedules.get(task).getNextExecutionTime(complete), "{}");
      } else {
        ops.remove();
      }
      return;
    }
    ops.reschedule(complete, now, revived.json());
  }

  /** One attempt: records it RUNNING, runs the handler under the timeout, records the end. */
  private JobStatus attempt(JobDefinition job, UUID runId, JobTrigger trigger, int attempt,
      Instant asOf, ObjectNode input, String execution) {
    Instant started = clock.instant();
    JobRun run = new JobRun(runId, job.type(), partition, JobStatus.RUNNING, trigger, attempt,
        asOf, input, started, started, null, null, null, settings.workerName());
    if (!runs.start(run, execution)) {
      LOG.warn("run {} of job {} was already started; not running it again", runId, job.type());
      return JobStatus.SUCCEEDED;
    }
    JobContext ctx = new JobContext(runId, job.type(), input, asOf, trigger, attempt, clock,
        partition);
    Future<JobResult> f = workers.submit(() -> job.handler().run(ctx));
    Duration timeout = job.policy().timeout();
    JobStatus status;
    ObjectNode result = null;
    String error = null;
    try {
      JobResult r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      status = JobStatus.SUCCEEDED;
      result = r == null ? JSON.createObjectNode() : r.summary();
    } catch (TimeoutException e) {
      f.cancel(true);
      status = JobStatus.TIMED_OUT;
      error = "ran longer than its timeout of " + timeout + " and was interrupted";
    } catch (ExecutionException e) {
      status = JobStatus.FAILED;
      error = message(e.getCause());
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      status = JobStatus.FAILED;
      error = "the worker stopped during the run";
    }
    if (status != JobStatus.SUCCEEDED) {
      LOG.warn("job {} in {} attempt {} {}: {}", job.type(), partition, attempt, status, error);
    }
    if (!runs.finish(runId, status, clock.instant(), result, error)) {
      LOG.warn("run {} of job {} ended {} but was no longer RUNNING (marked dead meanwhile?)",
          runId, job.type(), status);
    }
    return status;
  }

  static String message(Throwable t) {
    if (t == null) {
      return "failed without a cause";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static Schedule toSchedule(String type, JobSchedule s) {
    try {
      if (s instanceof JobSchedule.Daily d) {
        return Schedules.daily(ZoneOffset.UTC, d.utcTime());
      }
      if (s instanceof JobSchedule.Every e) {
        return Schedules.fixedDelay(e.interval());
      }
      return Schedules.cron(((JobSchedule.Cron) s).expression(), ZoneOffset.UTC);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("job " + type + " has an unusable schedule ("
          + s.describe() + "): " + e.getMessage(), e);
    }
  }

  /** Stops polling (running executions get a few seconds, then are interrupted). */
  @Override
  public synchronized void close() {
    if (started) {
      scheduler.stop();
      started = false;
    }
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return "RegionScheduler[" + partition + ", " + registry + "]";
  }

  /**
   * What an execution carries in {@code task_data}, as JSON: the job type (one-time task
   * only), the attempt it is at and why, the asOf and input, and for a queued run the id its
   * first attempt takes.
   */
  record Data(String type, UUID queuedRunId, JobTrigger trigger, int attempt, Instant asOf,
      ObjectNode input) {

    static Data parse(String json, String recurringType) {
      JsonNode n;
      try {
        n = json == null || json.isEmpty() ? JSON.createObjectNode() : JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new HyrelogException("unreadable task data", e);
      }
      String type = recurringType != null ? recurringType : n.path("type").asText(null);
      UUID queued = n.hasNonNull("queuedRunId") ? UUID.fromString(n.get("queuedRunId").asText())
          : null;
      JobTrigger trigger = n.hasNonNull("trigger") ? JobTrigger.valueOf(n.get("trigger").asText())
          : recurringType != null ? JobTrigger.SCHEDULE : JobTrigger.MANUAL;
      int attempt = Math.max(1, n.path("attempt").asInt(1));
      Instant asOf = n.hasNonNull("asOf") ? Instant.parse(n.get("asOf").asText()) : null;
      ObjectNode input = n.path("input").isObject() ? (ObjectNode) n.get("input")
          : JSON.createObjectNode();
      return new Data(type, queued, trigger, attempt, asOf, input);
    }

    Data withAsOf(Instant t) {
      return new Data(type, queuedRunId, trigger, attempt, t, input);
    }

    /** The data of the next attempt. */
    Data next(JobTrigger why) {
      return new Data(type, null, why, attempt + 1, asOf, input);
    }

    String json() {
      ObjectNode n = JSON.createObjectNode();
      if (type != null) {
        n.put("type", type);
      }
      if (queuedRunId != null) {
        n.put("queuedRunId", queuedRunId.toString());
      }
      n.put("trigger", trigger.name());
      n.put("attempt", attempt);
      if (asOf != null) {
        n.put("asOf", asOf.toString());
      }
      n.set("input", input);
      return n.toString();
    }
  }

  /** Task data as UTF-8 JSON text: readable in the table, no Java serialization. */
  private static final class Utf8Serializer implements Serializer {
    @Override
    public byte[] serialize(Object data) {
      return data == null ? null : data.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T deserialize(Class<T> clazz, byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      if (clazz != String.class && clazz != Object.class) {
        throw new IllegalArgumentException("task data is JSON text, not " + clazz.getName());
      }
      return clazz.cast(new String(bytes, StandardCharsets.UTF_8));
    }
  }
}
