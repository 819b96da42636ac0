package io.hyrelog.server.internal.snapshots;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.HyrelogException;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.snapshot.SnapshotException;
import io.hyrelog.compliance.snapshot.SnapshotResult;
import io.hyrelog.compliance.snapshot.Snapshots;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.log.EventLog;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import io.hyrelog.spi.TenantDirectory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code audit.snapshot}: the library's {@link Snapshots} as a job. For each company of a region
 * (or input {@code companyId}), the events recorded in {@code [from, to)} are sealed in a signed
 * manifest stored write-once in the region's archive store, recorded, and announced by a {@code
 * snapshot.created} event on each sealed chain (see {@link Snapshots#take}); signed with the
 * server's active key, or, finishing a crashed run, with the stored signature of an accepted
 * key. A rerun of a recorded period returns the recorded snapshot and changes nothing. The run
 * result lists the snapshots (up to {@value #MAX_REPORTED}) with their sealed ranges.
 *
 * <p>Without {@code from} and {@code to} (the daily schedule) the period is the UTC day before
 * {@code asOf}.
 */
public final class SnapshotJob {
  public static final String TYPE = "audit.snapshot";
  private static final int MAX_REPORTED = 100;
  private static final JobInputSchema SCHEMA = JobInputSchema.builder()
      .optional("from", JobInputSchema.PropertyType.INSTANT)
      .optional("to", JobInputSchema.PropertyType.INSTANT)
      .optional("companyId", JobInputSchema.PropertyType.STRING).build();

  private SnapshotJob() {}

  /** The job over each region's database, archive store and event log. */
  public static ServerJob job(Regions regions, ServerSigning signing) {
    return new ServerJob(TYPE, "for a period of recorded time [from, to) (default: the previous"
        + " UTC day), build each company's manifest of chains, seq ranges, counts and Merkle"
        + " roots, sign it, store it write-once in the archive store, seal the ranges and"
        + " append a snapshot.created event to each sealed chain",
        SCHEMA, JobPolicy.of(3, Duration.ofHours(6)).withRetryDelay(Duration.ofMinutes(10))
            .withSchedule(JobSchedule.dailyUtc(LocalTime.of(0, 30))),
        r -> handler(regions.get(r).snapshots(), regions.get(r).jobExportJobs(),
            regions.get(r).jobTenants(), regions.get(r).jobArchival(), regions.get(r).objects(),
            regions.get(r).log(), signing, Snapshots.DEFAULT_BATCH));
  }

  static JobHandler handler(SnapshotCatalog catalog, ExportJobs heads,
      TenantDirectory tenants, Archival archival, ArchiveStore objects, EventLog log,
      ServerSigning signing, int batch) {
    return ctx -> {
      Instant[] period = period(ctx);
      SigningKeys keys = signing.keys().orElseThrow(() -> new HyrelogException(
          "signing is not configured: set HYRELOG_SIGNING_KEY_FILE (and"
              + " HYRELOG_SIGNING_KEY_NAME) to sign snapshots"));
      List<Company> companies = LifecycleJobs.companies(tenants, ctx);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("region", ctx.partition());
      out.put("as_of", ctx.asOf().toString());
      out.put("from", period[0].toString());
      out.put("to", period[1].toString());
      out.put("companies", companies.size());
      ArrayNode list = out.putArray("snapshots");
      long events = 0;
      int created = 0;
      Snapshots snapshots = Snapshots.builder(archival, heads, catalog, objects, log)
          .keys(keys).namespace(signing.namespace()).clock(ctx.clock()).batchSize(batch)
          .build();
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped; a rerun continues with the companies left");
        }
        SnapshotResult taken = take(snapshots, c, period[0], period[1]);
        Snapshot r = taken.snapshot();
        events += r.events();
        created += taken.created() ? 1 : 0;
        if (list.size() < MAX_REPORTED) {
          ObjectNode one = list.addObject().put("company_id", c.id().toString())
              .put("snapshot_id", r.id().toString()).put("created", taken.created())
              .put("manifest_key", r.manifestKey()).put("signature_key", r.signatureKey())
              .put("manifest_sha256", r.manifestSha256().hex()).put("chains", r.chains())
              .put("events", r.events()).put("signature_key_id", r.keyId())
              .put("signature_key_name", r.keyName());
          ArrayNode sealed = one.putArray("sealed");
          for (SealedRange g : snapshots.sealed(r.id())) {
            sealed.addObject().put("workspace_id", g.workspaceId().toString())
                .put("from_seq", g.fromSeq()).put("to_seq", g.toSeq());
          }
        }
        if (companies.size() == 1) {
          out.put("snapshot_id", r.id().toString());
          out.put("manifest_key", r.manifestKey());
          out.put("signature_key_id", r.keyId());
        }
      }
      out.put("snapshots_created", created);
      out.put("events", events);
      return JobResult.of(out);
    };
  }

  /** The library's snapshot, with this server's setting named when a stored key is refused. */
  private static SnapshotResult take(Snapshots snapshots, Company c, Instant from, Instant to) {
    try {
      return snapshots.take(c, from, to);
    } catch (SnapshotException e) {
      if (e.reason() != SnapshotException.Reason.UNACCEPTED_SIGNATURE) {
        throw e;
      }
      throw new HyrelogException(e.getMessage() + " This server does not accept that key: list"
          + " its public key in HYRELOG_VERIFICATION_KEY_FILES and rerun.", e);
    }
  }

  /** {@code [from, to)} from the input, or the UTC day before asOf. */
  static Instant[] period(JobContext ctx) {
    String f = ctx.param("from").asText(null);
    String t = ctx.param("to").asText(null);
    if ((f == null) != (t == null)) {
      throw new IllegalArgumentException("give both from and to, or neither (the UTC day"
          + " before asOf)");
    }
    Instant from;
    Instant to;
    if (f == null) {
      to = ctx.asOf().truncatedTo(ChronoUnit.DAYS);
      from = to.minus(Duration.ofDays(1));
    } else {
      from = instant("from", f);
      to = instant("to", t);
    }
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
    if (to.isAfter(ctx.asOf())) {
      throw new IllegalArgumentException("to (" + to + ") is after asOf (" + ctx.asOf()
          + "); a period can be sealed only once it has ended");
    }
    return new Instant[] {from, to};
  }

  private static Instant instant(String name, String value) {
    try {
      return java.time.OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an RFC 3339 date-time with an offset");
    }
  }

}
