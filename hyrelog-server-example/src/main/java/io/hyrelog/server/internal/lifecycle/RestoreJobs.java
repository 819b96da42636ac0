package io.hyrelog.server.internal.lifecycle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.archive.RestoreWorkflow;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

/**
 * The restore workers (the seed's cadence): {@code restore.initiate} every 5 minutes, {@code
 * restore.check} every 15 minutes, {@code restore.expire} daily, each one step of a region's
 * {@link RestoreWorkflow} at the run's {@code asOf}.
 */
public final class RestoreJobs {
  private static final int MAX_REPORTED = 20;
  private static final JobInputSchema NONE = JobInputSchema.builder().build();

  private RestoreJobs() {}

  /** The three jobs, each over the restore workflow of a region on its jobs' pool. */
  public static List<ServerJob> jobs(Regions regions) {
    return List.of(
        new ServerJob("restore.initiate", "ask the archive store to restore the segment of each"
            + " approved restore request (APPROVED -> INITIATING -> IN_PROGRESS, or FAILED)",
            NONE, JobPolicy.of(3, Duration.ofMinutes(4)).withRetryDelay(Duration.ofMinutes(1))
                .withSchedule(JobSchedule.every(Duration.ofMinutes(5))),
            r -> step(workflow(regions.get(r))::initiate, "initiated")),
        new ServerJob("restore.check", "complete in-progress restore requests whose restored"
            + " copy the store reports readable, and set the segment's restored-until time",
            NONE, JobPolicy.of(3, Duration.ofMinutes(10)).withRetryDelay(Duration.ofMinutes(2))
                .withSchedule(JobSchedule.every(Duration.ofMinutes(15))),
            r -> step(workflow(regions.get(r))::checkStatus, "completed")),
        new ServerJob("restore.expire", "expire completed restore requests whose restored copy"
            + " is no longer readable; their segments are cold again",
            NONE, JobPolicy.of(3, Duration.ofMinutes(30)).withRetryDelay(Duration.ofMinutes(5))
                .withSchedule(JobSchedule.dailyUtc(LocalTime.of(3, 0))),
            r -> step(workflow(regions.get(r))::expire, "expired")));
  }

  private static RestoreWorkflow workflow(Region r) {
    return new RestoreWorkflow(r.jobRestores(), r.jobArchival(), r.objects());
  }

  private static io.hyrelog.jobs.JobHandler step(
      java.util.function.Function<Instant, RestoreWorkflow.Summary> step, String advanced) {
    return ctx -> result(ctx, step, advanced);
  }

  private static JobResult result(JobContext ctx,
      java.util.function.Function<Instant, RestoreWorkflow.Summary> step, String advanced) {
    RestoreWorkflow.Summary s = step.apply(ctx.asOf());
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("region", ctx.partition());
    out.put("as_of", ctx.asOf().toString());
    out.put(advanced, s.advanced());
    out.put("failed", s.failed());
    out.put("in_progress", s.waiting());
    out.put("conflicts", s.conflicts());
    ArrayNode errors = out.putArray("errors");
    s.errors().stream().limit(MAX_REPORTED).forEach(errors::add);
    return JobResult.of(out);
  }
}
