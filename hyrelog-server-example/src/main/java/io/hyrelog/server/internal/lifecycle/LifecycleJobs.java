package io.hyrelog.server.internal.lifecycle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.ExpiredPrefix;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.spi.TenantDirectory;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention and archival jobs: {@code retention.mark}, {@code archive.run}, {@code
 * archive.verify}, {@code archive.cold_mark} (only plans that may restore go cold: {@link
 * RestorePolicy#coldArchiveAfterDays}) and {@code archive.expire}, each over every company of a region's database
 * (or one, with input {@code companyId}), on the company's effective plan and the run's
 * {@code asOf}.
 */
public final class LifecycleJobs {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleJobs.class);
  private static final int MAX_REPORTED = 20;
  private static final JobInputSchema COMPANY = JobInputSchema.builder()
      .optional("companyId", JobInputSchema.PropertyType.STRING).build();

  private LifecycleJobs() {}

  /** The five jobs over the tenants and archival of each region (on its jobs' pool). */
  public static List<ServerJob> jobs(Regions regions) {
    return List.of(
        new ServerJob("retention.mark", "mark events recorded before each company's hot"
            + " retention window as archival candidates, by chain and seq range (deletes nothing)",
            COMPANY, JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMinutes(5))
                .withSchedule(JobSchedule.dailyUtc(LocalTime.of(1, 0))),
            r -> mark(regions.get(r).jobTenants(), regions.get(r).jobArchival())),
        new ServerJob("archive.run", "write each company's candidates as gzipped JSONL segments"
            + " to the archive store, verify every object by re-reading it, then purge the"
            + " verified hot rows",
            COMPANY, JobPolicy.of(3, Duration.ofHours(6)).withRetryDelay(Duration.ofMinutes(10))
                .withSchedule(JobSchedule.dailyUtc(LocalTime.of(2, 0))),
            r -> archive(regions.get(r).jobTenants(), regions.get(r).jobArchival())),
        new ServerJob("archive.verify", "re-read and re-verify every stored segment (an audit"
            + " of the archive); a failure marks the segment FAILED with a specific error",
            COMPANY, JobPolicy.of(2, Duration.ofHours(12)).withRetryDelay(Duration.ofMinutes(30))
                .withSchedule(JobSchedule.cron("0 0 4 * * SUN")),
            r -> audit(regions.get(r).jobTenants(), regions.get(r).jobArchival())),
        new ServerJob("archive.cold_mark", "mark verified segments older than each company's"
            + " cold-after days as cold (the bucket's lifecycle rules move the objects)",
            COMPANY, JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMinutes(5))
                .withSchedule(JobSchedule.cron("0 0 5 * * SUN")),
            r -> cold(regions.get(r).jobTenants(), regions.get(r).jobArchival())),
        new ServerJob("archive.expire", "delete each company's archive segments past its"
            + " plan's archive retention, oldest first and never before the object's Object Lock"
            + " retention ends, keeping each chain's boundary hash so verification goes on",
            COMPANY, JobPolicy.of(3, Duration.ofHours(6)).withRetryDelay(Duration.ofMinutes(30))
                .withSchedule(JobSchedule.dailyUtc(LocalTime.of(3, 30))),
            r -> expire(regions.get(r).jobTenants(), regions.get(r).jobArchival())));
  }

  static JobHandler expire(TenantDirectory tenants, Archival archival) {
    return ctx -> {
      int segments = 0;
      long events = 0;
      int deleted = 0;
      ArrayNode chains = JsonNodeFactory.instance.arrayNode();
      ArrayNode waiting = JsonNodeFactory.instance.arrayNode();
      ArrayNode errors = JsonNodeFactory.instance.arrayNode();
      List<Company> companies = companies(tenants, ctx);
      Function<Company, Plan> plans = plansInForce(tenants);
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped; the next run resumes where this one ended");
        }
        Archival.Expiry e = archival.expire(c.id(), plans.apply(c),
            ctx.asOf());
        segments += e.segmentsExpired();
        events += e.eventsExpired();
        deleted += e.objectsDeleted();
        for (ExpiredPrefix p : e.prefixes()) {
          if (chains.size() < MAX_REPORTED) {
            chains.addObject().put("company_id", c.id().toString())
                .put("workspace_id", p.workspaceId().toString())
                .put("expired_through_seq", p.throughSeq())
                .put("last_expired_hash", p.lastHash().hex())
                .put("first_retained_seq", p.firstRetainedSeq())
                .put("message", p.describe());
          }
        }
        e.retainedUntil().ifPresent(u -> waiting.addObject().put("company_id", c.id().toString())
            .put("retained_until", u.toString()));
        e.errors().stream().limit(Math.max(0, MAX_REPORTED - errors.size()))
            .forEach(m -> errors.add(c.id() + ": " + m));
      }
      ObjectNode out = summary(ctx, companies.size());
      out.put("segments_expired", segments);
      out.put("events_expired", events);
      out.put("objects_deleted", deleted);
      out.set("chains", chains);
      out.set("object_lock_waiting", waiting);
      out.set("errors", errors);
      return JobResult.of(out);
    };
  }

  /**
   * The plan in force for each company of a run: its tier's row of the region's {@code plans}
   * table, read once per run, with the company's overrides.
   */
  public static Function<Company, Plan> plansInForce(TenantDirectory tenants) {
    Map<PlanTier, Plan> tiers = new EnumMap<>(PlanTier.class);
    tenants.plans().forEach(p -> tiers.put(p.tier(), p));
    return c -> {
      Plan tier = tiers.get(c.planTier());
      if (tier == null) {
        throw new IllegalStateException("the plans table has no row for " + c.planTier());
      }
      return c.plan(tier);
    };
  }

  static JobHandler mark(TenantDirectory tenants, Archival archival) {
    return ctx -> {
      long marked = 0;
      List<Company> companies = companies(tenants, ctx);
      Function<Company, Plan> plans = plansInForce(tenants);
      for (Company c : companies) {
        marked += archival.markRetention(c.id(), plans.apply(c), ctx.asOf());
      }
      ObjectNode out = summary(ctx, companies.size());
      out.put("events_marked", marked);
      return JobResult.of(out);
    };
  }

  static JobHandler archive(TenantDirectory tenants, Archival archival) {
    return ctx -> {
      Archival.Outcome total = archival.resume();
      List<Company> companies = companies(tenants, ctx);
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped; the next run resumes where this one ended");
        }
        total = total.plus(archival.archive(c.id()));
      }
      return JobResult.of(outcome(ctx, companies.size(), total, "archive.run"));
    };
  }

  static JobHandler audit(TenantDirectory tenants, Archival archival) {
    return ctx -> {
      Archival.Outcome total = Archival.Outcome.NONE;
      List<Company> companies = companies(tenants, ctx);
      for (Company c : companies) {
        total = total.plus(archival.audit(c.id()));
      }
      return JobResult.of(outcome(ctx, companies.size(), total, "archive.verify"));
    };
  }

  static JobHandler cold(TenantDirectory tenants, Archival archival) {
    return cold(tenants, archival, RestorePolicy.defaults());
  }

  static JobHandler cold(TenantDirectory tenants, Archival archival, RestorePolicy restores) {
    return ctx -> {
      int marked = 0;
      List<Company> companies = companies(tenants, ctx);
      Function<Company, Plan> plans = plansInForce(tenants);
      for (Company c : companies) {
        marked += archival.markCold(c.id(), plans.apply(c), restores,
            ctx.asOf());
      }
      ObjectNode out = summary(ctx, companies.size());
      out.put("segments_marked_cold", marked);
      return JobResult.of(out);
    };
  }

  private static ObjectNode outcome(JobContext ctx, int companies, Archival.Outcome o,
      String job) {
    ObjectNode out = summary(ctx, companies);
    out.put("segments_written", o.segmentsWritten());
    out.put("events_archived", o.eventsArchived());
    out.put("segments_verified", o.segmentsVerified());
    out.put("segments_failed", o.segmentsFailed());
    out.put("rows_purged", o.rowsPurged());
    ArrayNode errors = out.putArray("errors");
    o.errors().stream().limit(MAX_REPORTED).forEach(errors::add);
    if (o.segmentsFailed() > 0) {
      // Retrying cannot mend a stored object: the run succeeds and says so loudly.
      LOG.warn("{} in {}: {} archive segment(s) failed verification; their hot rows are kept",
          job, ctx.partition(), o.segmentsFailed());
    }
    return out;
  }

  private static ObjectNode summary(JobContext ctx, int companies) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("region", ctx.partition());
    out.put("as_of", ctx.asOf().toString());
    out.put("companies", companies);
    return out;
  }

  /** The region's companies, or the one named by input {@code companyId}. */
  public static List<Company> companies(TenantDirectory tenants, JobContext ctx) {
    List<Company> companies = tenants.companies();
    String only = ctx.param("companyId").asText(null);
    if (only == null) {
      return companies;
    }
    UUID id;
    try {
      id = UUID.fromString(only);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("companyId must be a UUID");
    }
    List<Company> one = companies.stream().filter(c -> c.id().equals(id)).toList();
    if (one.isEmpty()) {
      throw new IllegalArgumentException("company " + id + " is not in region "
          + ctx.partition());
    }
    return one;
  }
}
