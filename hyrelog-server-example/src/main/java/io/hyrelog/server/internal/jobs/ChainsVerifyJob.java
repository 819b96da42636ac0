package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.archive.Archival;
import io.hyrelog.EventScope;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.spi.TenantDirectory;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.server.internal.Regions;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chains.verify}: re-verifies every workspace chain of a region's database (or of one
 * company) from its stored events and reports the counts and the first failure of each broken
 * chain (at most 20).
 * A broken chain does not fail the run (retrying would not mend it); the summary says {@code
 * valid: false} and the server logs a warning.
 */
public final class ChainsVerifyJob {
  public static final String TYPE = "chains.verify";
  private static final Logger LOG = LoggerFactory.getLogger(ChainsVerifyJob.class);
  private static final int MAX_REPORTED = 20;

  private ChainsVerifyJob() {}

  /** The job, daily at 03:00 UTC, over the chains of each region's database. */
  public static ServerJob job(Regions regions) {
    return new ServerJob(TYPE, "re-verify the hash chain of every workspace in the region's"
        + " database and report counts and failures",
        JobInputSchema.builder().optional("companyId", JobInputSchema.PropertyType.STRING)
            .build(),
        JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMinutes(5))
            .withSchedule(JobSchedule.dailyUtc(LocalTime.of(3, 0))),
        r -> handler(regions.get(r).store(), regions.get(r).jobTenants(),
            regions.get(r).jobArchival()));
  }

  static JobHandler handler(PostgresEventStore store, TenantDirectory tenants,
      Archival archival) {
    return ctx -> {
      UUID only = null;
      String given = ctx.param("companyId").asText(null);
      if (given != null) {
        try {
          only = UUID.fromString(given);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("companyId must be a UUID");
        }
        if (tenants.company(only).isEmpty()) {
          throw new IllegalArgumentException("company " + only + " is not in region "
              + ctx.partition());
        }
      }
      List<EventScope> chains = store.chains(Optional.ofNullable(only)).stream()
          .map(PostgresEventStore.Chain::scope).toList();
      ArrayNode failures = JsonNodeFactory.instance.arrayNode();
      Set<UUID> companies = new HashSet<>();
      long events = 0;
      int broken = 0;
      for (EventScope chain : chains) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped after " + companies.size() + " companies");
        }
        companies.add(chain.companyId());
        // Hot events, linked to the last purged segment's recorded boundary; the archive
        // itself is re-read by archive.verify.
        VerificationReport r = archival.verifyChain(chain, false);
        events += r.events();
        if (!r.ok()) {
          broken++;
          if (failures.size() < MAX_REPORTED) {
            r.failure().ifPresent(f -> failures.addObject()
                .put("companyId", chain.companyId().toString())
                .put("workspaceId", chain.workspaceId().toString())
                .put("seq", f.seq()).put("reason", f.reason().name()));
          }
        }
      }
      if (broken > 0) {
        LOG.warn("chains.verify in {}: {} of {} chains are broken", ctx.partition(), broken,
            chains.size());
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("region", ctx.partition());
      out.put("as_of", ctx.asOf().toString());
      out.put("companies", only != null ? 1 : companies.size());
      out.put("chains", chains.size());
      out.put("events", events);
      out.put("valid", broken == 0);
      out.put("broken_chains", broken);
      out.set("failures", failures);
      out.put("verified_at", ctx.clock().instant().toString());
      return JobResult.of(out);
    };
  }
}
