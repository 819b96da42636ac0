package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.storage.postgres.PostgresTenants;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chains.verify}: re-verifies every chain of a region's database (or of one company)
 * from its stored events and reports the counts and the first failure of each broken chain.
 * A broken chain does not fail the run (retrying would not mend it); the summary says {@code
 * valid: false} and the server logs a warning.
 */
public final class ChainsVerifyJob {
  public static final String TYPE = "chains.verify";
  private static final Logger LOG = LoggerFactory.getLogger(ChainsVerifyJob.class);
  private static final int MAX_REPORTED = 20;

  private ChainsVerifyJob() {}

  /** The job, daily at 03:00 UTC, over the tenants and logs of each region. */
  public static ServerJob job(Map<DataRegion, PostgresTenants> tenants,
      Map<DataRegion, EventLog> logs) {
    return new ServerJob(TYPE, "re-verify the hash chain of every workspace in the region's"
        + " database and report counts and failures",
        JobInputSchema.builder().optional("companyId", JobInputSchema.PropertyType.STRING)
            .build(),
        JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMinutes(5))
            .withSchedule(JobSchedule.dailyUtc(LocalTime.of(3, 0))),
        r -> handler(tenants.get(r), logs.get(r)));
  }

  static JobHandler handler(PostgresTenants tenants, EventLog log) {
    return ctx -> {
      List<Company> companies = tenants.companies();
      String only = ctx.param("companyId").asText(null);
      if (only != null) {
        UUID id;
        try {
          id = UUID.fromString(only);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("companyId must be a UUID");
        }
        companies = companies.stream().filter(c -> c.id().equals(id)).toList();
        if (companies.isEmpty()) {
          throw new IllegalArgumentException("company " + id + " is not in region "
              + ctx.partition());
        }
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      ArrayNode failures = JsonNodeFactory.instance.arrayNode();
      long events = 0;
      long chains = 0;
      int broken = 0;
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped after " + chains + " chains");
        }
        VerificationReport r = log.verify(EventScope.company(c.id()), Optional.empty());
        events += r.events();
        chains += r.chains().size();
        if (!r.ok()) {
          broken++;
          if (failures.size() < MAX_REPORTED) {
            r.failure().ifPresent(f -> failures.addObject().put("companyId", c.id().toString())
                .put("seq", f.seq()).put("reason", f.reason().name()));
          }
        }
      }
      if (broken > 0) {
        LOG.warn("chains.verify in {}: {} of {} companies have a broken chain", ctx.partition(),
            broken, companies.size());
      }
      out.put("region", ctx.partition());
      out.put("as_of", ctx.asOf().toString());
      out.put("companies", companies.size());
      out.put("chains", chains);
      out.put("events", events);
      out.put("valid", broken == 0);
      out.put("broken_companies", broken);
      out.set("failures", failures);
      out.put("verified_at", ctx.clock().instant().toString());
      return JobResult.of(out);
    };
  }
}
