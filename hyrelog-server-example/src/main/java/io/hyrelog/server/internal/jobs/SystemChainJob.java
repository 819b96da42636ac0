package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.SystemChain;
import io.hyrelog.spi.ChangeLog;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value SystemChain#DRAIN_JOB} (every minute, in each region): appends the system chain
 * records that requests left in the region's change log (their append failed, or the process
 * died after the commit), company by company, in commit order. Cluster-safe: drains of one
 * company wait for each other, and a record appended twice is a replay of its idempotency key.
 * A company whose append fails is retried with the job; the others go on.
 */
public final class SystemChainJob {
  private static final Logger LOG = LoggerFactory.getLogger(SystemChainJob.class);

  private SystemChainJob() {}

  /** The job over each region's change log (the jobs' pool). */
  public static ServerJob job(SystemChain systemChain, Regions regions) {
    return new ServerJob(SystemChain.DRAIN_JOB, "append the system chain records that requests"
        + " could not append", JobInputSchema.builder().build(),
        JobPolicy.of(3, Duration.ofMinutes(5)).withRetryDelay(Duration.ofMinutes(1))
            .withSchedule(JobSchedule.every(Duration.ofMinutes(1))),
        r -> ctx -> {
          Region region = regions.get(r);
          ChangeLog changes = region.jobChanges();
          int appended = 0;
          int failed = 0;
          for (UUID company : changes.pending(ChangeLog.MAX_LIMIT)) {
            if (ctx.cancelled()) {
              break;
            }
            try {
              appended += systemChain.drain(region, changes, company);
            } catch (RuntimeException e) {
              failed++;
              LOG.warn("system chain of company {}: appending its records failed ({})", company,
                  e.getClass().getSimpleName());
            }
          }
          if (failed > 0) {
            throw new HyrelogException("the system chains of " + failed + " companies could"
                + " not be appended to (" + appended + " records appended); retried");
          }
          ObjectNode out = JsonNodeFactory.instance.objectNode();
          out.put("region", ctx.partition());
          out.put("appended", appended);
          return JobResult.of(out);
        });
  }
}
