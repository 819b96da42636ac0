package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.storage.postgres.PostgresTreeBackfill;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chains.backfill_tiles}: builds the stored Merkle tiles of chains whose tree is behind
 * their head (chains written before the store kept tiles), chain by chain in bounded batches
 * that each commit, so a stopped run resumes where it left off and appends go on meanwhile
 * ({@link PostgresTreeBackfill}). Every 10 minutes; a run with nothing behind does one query. A
 * chain whose old events were purged before tiles existed cannot be rebuilt from the database:
 * it is reported (at most 20 listed) and logged as a warning, and its checkpoints and proofs
 * keep streaming the chain through the archive.
 */
public final class TreeBackfillJob {
  public static final String TYPE = "chains.backfill_tiles";
  private static final Logger LOG = LoggerFactory.getLogger(TreeBackfillJob.class);
  private static final int MAX_REPORTED = 20;

  private TreeBackfillJob() {}

  /** The job over each region's database, on the jobs' pool. */
  public static ServerJob job(Regions regions) {
    return new ServerJob(TYPE, "build the stored Merkle tiles of chains written before the"
        + " store kept them, in bounded, resumable batches",
        JobInputSchema.builder().build(),
        JobPolicy.of(3, Duration.ofHours(6)).withRetryDelay(Duration.ofMinutes(5))
            .withSchedule(JobSchedule.every(Duration.ofMinutes(10))),
        r -> handler(PostgresTreeBackfill.builder(regions.get(r).pools().jobs()).build()));
  }

  static JobHandler handler(PostgresTreeBackfill backfill) {
    return ctx -> {
      PostgresTreeBackfill.Outcome o = backfill.run();
      if (o.interrupted()) {
        throw new InterruptedException("stopped after " + o.chainsCompleted() + " chains");
      }
      if (!o.blocked().isEmpty()) {
        LOG.warn("{} in {}: {} chain(s) cannot get a stored tree (events purged before tiles"
            + " existed)", TYPE, ctx.partition(), o.blocked().size());
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("region", ctx.partition());
      out.put("chains_completed", o.chainsCompleted());
      out.put("leaves_added", o.leavesAdded());
      out.put("blocked_chains", o.blocked().size());
      ArrayNode blocked = out.putArray("blocked");
      for (UUID id : o.blocked().subList(0, Math.min(MAX_REPORTED, o.blocked().size()))) {
        blocked.add(id.toString());
      }
      out.put("pending_chains", backfill.pendingChains());
      return JobResult.of(out);
    };
  }
}
