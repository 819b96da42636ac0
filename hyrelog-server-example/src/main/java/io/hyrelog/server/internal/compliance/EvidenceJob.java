package io.hyrelog.server.internal.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.compliance.evidence.EvidenceExporter;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobInputSchema.PropertyType;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.spi.TenantDirectory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code compliance_evidence_export}: an evidence bundle per company (or for input {@code
 * companyId}) of the events recorded in {@code [from, to)} — by default the previous UTC day
 * of the run's {@code asOf} — with the options of the HTTP export. Daily at 06:00 UTC. The run
 * result carries the runbook's fields ({@code bundle_id}, {@code package_path}, ...) for a single
 * bundle and a {@code bundles} array always; in strict mode an external failure fails the run.
 */
public final class EvidenceJob {
  public static final String TYPE = "compliance_evidence_export";

  private EvidenceJob() {}

  public static ServerJob job(Regions regions, Evidence evidence) {
    return new ServerJob(TYPE, "write a signed evidence bundle (events, manifest, report) per"
        + " company for a period, copy it to the vault with a WORM lock and a KMS envelope,"
        + " and deliver it to the external WORM/KMS endpoints when configured",
        JobInputSchema.builder()
            .optional("companyId", PropertyType.STRING)
            .optional("from", PropertyType.INSTANT)
            .optional("to", PropertyType.INSTANT)
            .optional("vault", PropertyType.BOOLEAN)
            .optional("envelope", PropertyType.BOOLEAN)
            .optional("external_worm", PropertyType.BOOLEAN)
            .optional("external_kms", PropertyType.BOOLEAN)
            .optional("external_require_success", PropertyType.BOOLEAN).build(),
        JobPolicy.of(2, Duration.ofHours(6)).withRetryDelay(Duration.ofMinutes(15))
            .withSchedule(JobSchedule.dailyUtc(LocalTime.of(6, 0))),
        r -> handler(regions.get(r).jobTenants(), evidence));
  }

  static JobHandler handler(TenantDirectory tenants, Evidence evidence) {
    return ctx -> {
      JsonNode fromIn = ctx.param("from");
      JsonNode toIn = ctx.param("to");
      if (fromIn.isMissingNode() != toIn.isMissingNode()) {
        throw new IllegalArgumentException("give both from and to, or neither (the previous"
            + " UTC day)");
      }
      Instant to = toIn.isMissingNode() ? ctx.asOf().atZone(ZoneOffset.UTC).toLocalDate()
          .atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(toIn.asText());
      Instant from = fromIn.isMissingNode() ? to.minus(1, ChronoUnit.DAYS)
          : Instant.parse(fromIn.asText());
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from must be before to");
      }
      EvidenceExporter.Options options = evidence.options(ctx.input());
      List<Company> companies = LifecycleJobs.companies(tenants, ctx);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("region", ctx.partition());
      out.put("from", from.toString());
      out.put("to", to.toString());
      out.put("companies", companies.size());
      ArrayNode bundles = out.putArray("bundles");
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped after " + bundles.size() + " bundles");
        }
        bundles.add(evidence.export(c, from, to, null, options));
      }
      if (bundles.size() == 1) {
        bundles.get(0).fields().forEachRemaining(f -> out.set(f.getKey(), f.getValue()));
      }
      return JobResult.of(out);
    };
  }
}
