package io.hyrelog.server.internal.jobs;

import io.hyrelog.DataRegion;
import io.hyrelog.jobs.JobDefinition;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import java.util.Objects;
import java.util.function.Function;

/**
 * A job the server runs: its definition, with a handler made for each region's database (the
 * server runs one scheduler per region). The composition root lists these.
 *
 * @param type the job type, e.g. {@code retention.mark}
 * @param description one sentence for operators
 * @param schema the input it accepts
 * @param policy attempts, timeout, retry delay, schedule
 * @param handlers makes the handler of a region (called once per region at start)
 */
public record ServerJob(String type, String description, JobInputSchema schema,
    JobPolicy policy, Function<DataRegion, JobHandler> handlers) {
  public ServerJob {
    JobDefinition.requireType(type);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(handlers, "handlers");
  }

  /** The definition bound to {@code region}'s handler. */
  public JobDefinition definition(DataRegion region) {
    JobHandler h = Objects.requireNonNull(handlers.apply(region), "handler of " + type + " in "
        + region);
    return new JobDefinition(type, description, schema, policy, h);
  }
}
