package io.hyrelog.server.internal.gdpr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.EventScope;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.personal.worker.GdprWorker;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.compliance.Evidence;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.signing.Checkpoints;
import io.hyrelog.spi.SubjectKeys;
import io.hyrelog.storage.postgres.PostgresSubjectTraces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code gdpr.erase} job: runs {@link GdprWorker} over a region's personal-data requests
 * every minute. Cluster-safe: the scheduler runs one execution at a time across processes, and
 * the worker's claims and progress are conditional, so even two concurrent runs complete a
 * request once with one proof event per chain.
 */
public final class GdprJob {
  /** The most evidence bundles or compliance exports listed in one result. */
  static final int MAX_ARTEFACTS = 1000;
  private static final Pattern EXPORT_NAME = Pattern.compile(
      "([0-9]{8}T[0-9]{6}Z)-[a-z][a-z0-9_]{0,63}\\.(jsonl|csv)\\.enc");
  private static final DateTimeFormatter EXPORT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private GdprJob() {}

  /**
   * The job.
   *
   * @param regions the served regions
   * @param checkpoints signs the checkpoint after each proof event
   * @param evidence the evidence bundles, listed in a result
   * @param complianceDirectory where compliance exports are written ({@code
   *     compliance-exports/<company>/})
   * @param subjectKeys the archive subject keys of a region
   * @param access fulfils access requests of a region, or empty (they then wait, APPROVED)
   * @param clock the clock
   * @return the job
   */
  public static ServerJob job(Regions regions, Checkpoints checkpoints, Evidence evidence,
      Path complianceDirectory, Function<Region, SubjectKeys> subjectKeys,
      Function<Region, Optional<SubjectAccess>> access, Clock clock) {
    return new ServerJob("gdpr.erase", "execute approved personal-data requests: erase a data"
        + " subject's hot values, destroy its archive keys, append a gdpr.erasure event to each"
        + " affected chain and sign a checkpoint after it; export an access request's events",
        JobInputSchema.none(), JobPolicy.of(3, Duration.ofHours(1))
            .withRetryDelay(Duration.ofMinutes(1))
            .withSchedule(JobSchedule.every(Duration.ofMinutes(1))),
        r -> handler(regions.get(r), checkpoints, evidence, complianceDirectory,
            subjectKeys, access, clock));
  }

  static JobHandler handler(Region region, Checkpoints checkpoints, Evidence evidence,
      Path complianceDirectory, Function<Region, SubjectKeys> subjectKeys,
      Function<Region, Optional<SubjectAccess>> access, Clock clock) {
    GdprWorker.Builder b = GdprWorker.builder(region.jobGdprRequests(), region.log(),
        region.id()).subjectKeys(subjectKeys.apply(region))
        .traces(PostgresSubjectTraces.create(region.pools().jobs())).clock(clock)
        .proofs(new GdprWorker.Proofs() {
          @Override
          public String signedCheckpoint(EventScope chain, long size) {
            return checkpoints.signedNoteAt(region.log(), region.jobArchival(), chain, size);
          }

          @Override
          public List<ObjectNode> earlierArtefacts(UUID companyId, Instant before) {
            return artefacts(region, evidence, complianceDirectory, companyId, before);
          }
        });
    access.apply(region).ifPresent(b::access);
    GdprWorker worker = b.build();
    return ctx -> {
      GdprWorker.Summary s = worker.run();
      ObjectNode out = Json.object();
      out.put("claimed", s.claimed());
      out.put("completed", s.completed());
      out.put("waiting", s.waiting());
      out.put("failed", s.failed());
      out.put("retried", s.retried());
      return JobResult.of(out);
    };
  }

  /** Evidence bundles (ids are UUIDv7: their time) and compliance exports before {@code t}. */
  static List<ObjectNode> artefacts(Region region, Evidence evidence, Path complianceDirectory,
      UUID companyId, Instant before) {
    List<ObjectNode> out = new ArrayList<>();
    Optional<Company> company = region.jobTenants().company(companyId);
    if (company.isPresent()) {
      for (UUID id : evidence.bundleIds(company.get(), null, MAX_ARTEFACTS)) {
        Instant created = Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
        if (created.isBefore(before)) {
          out.add(Json.object().put("kind", "evidence_bundle").put("id", id.toString())
              .put("created_at", created.toString()));
        }
      }
    }
    Path dir = complianceDirectory.resolve("compliance-exports").resolve(companyId.toString());
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> files = Files.list(dir)) {
        files.map(f -> f.getFileName().toString()).sorted().limit(MAX_ARTEFACTS * 2L)
            .forEach(name -> {
              Matcher m = EXPORT_NAME.matcher(name);
              if (m.matches()) {
                try {
                  Instant created = Instant.from(EXPORT_TIME.parse(m.group(1)));
                  if (created.isBefore(before)) {
                    out.add(Json.object().put("kind", "compliance_export").put("id", name)
                        .put("created_at", created.toString()));
                  }
                } catch (DateTimeParseException e) {
                  // not an export's name after all
                }
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the compliance exports of company "
            + companyId, e);
      }
    }
    return out;
  }
}
