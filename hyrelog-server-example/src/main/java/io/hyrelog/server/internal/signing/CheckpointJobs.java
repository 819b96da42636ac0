package io.hyrelog.server.internal.signing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.EventScope;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.config.WitnessSettings.Witness;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.witness.Witnessing;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.CheckpointRecords;
import io.hyrelog.spi.CheckpointRecords.ChainSize;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two scheduled jobs of signed checkpoints, per region:
 *
 * <ul>
 *   <li>{@code checkpoints.witness} (every 5 minutes): each chain whose head is beyond the size a
 *       witness holds for it (and not refused at that head) gets its current checkpoint signed
 *       and submitted to that witness ({@link Witnessing#submit}); at most {@value
 *       #MAX_CHAINS_PER_RUN} chains per witness per run, and a witness that fails is not asked
 *       again in the same run.
 *   <li>{@code checkpoints.publish} (hourly): each chain whose head is beyond its last published
 *       size gets its current checkpoint signed, submitted to the witnesses, and written with the
 *       cosignatures collected to the region's archive store under {@code
 *       checkpoints/<companyId>/<workspaceId>/<size, 20 digits>.note}: write-once (an existing
 *       object is kept and counted as published; on S3 with Object Lock configured the object
 *       is locked like the archive segments), then recorded; at most {@value
 *       #MAX_CHAINS_PER_RUN} chains per run, the rest next run.
 * </ul>
 *
 * <p>Both are no-ops while signing is not configured; the witness job also without witnesses.
 * Cluster-safe through the job scheduler (one run per type and region at a time).
 */
public final class CheckpointJobs {
  public static final String WITNESS = "checkpoints.witness";
  public static final String PUBLISH = "checkpoints.publish";
  static final int MAX_CHAINS_PER_RUN = 500;
  private static final int PAGE = 50;
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointJobs.class);

  private CheckpointJobs() {}

  /** Both jobs over each region's database, archive store and event log. */
  public static List<ServerJob> jobs(Regions regions, ServerSigning signing,
      Checkpoints checkpoints, Witnessing witnessing, Clock clock) {
    return List.of(
        new ServerJob(WITNESS, "submit each chain's latest signed checkpoint to the configured"
            + " witnesses that have not cosigned it, with a consistency proof from the size"
            + " each holds; store and verify their cosignatures, record refusals",
            JobInputSchema.builder().build(),
            JobPolicy.of(3, Duration.ofMinutes(30)).withRetryDelay(Duration.ofMinutes(1))
                .withSchedule(JobSchedule.every(Duration.ofMinutes(5))),
            r -> witnessHandler(regions.get(r), signing, checkpoints, witnessing,
                MAX_CHAINS_PER_RUN)),
        new ServerJob(PUBLISH, "write each chain's latest signed checkpoint, with its witness"
            + " cosignatures, write-once to the archive store under checkpoints/<companyId>/"
            + "<workspaceId>/<size>.note, skipping sizes already published",
            JobInputSchema.builder().build(),
            JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMinutes(5))
                .withSchedule(JobSchedule.every(Duration.ofHours(1))),
            r -> publishHandler(regions.get(r), signing, checkpoints, witnessing, clock,
                MAX_CHAINS_PER_RUN)));
  }

  /** The archive key of a chain's published checkpoint of {@code size}. */
  public static String publicationKey(UUID companyId, UUID workspaceId, long size) {
    return String.format("checkpoints/%s/%s/%020d.note", companyId, workspaceId, size);
  }

  static JobHandler witnessHandler(Region region, ServerSigning signing,
      Checkpoints checkpoints, Witnessing witnessing, int maxChains) {
    return ctx -> {
      ObjectNode out = JsonNodeFactory.instance.objectNode().put("region", ctx.partition());
      if (signing.keys().isEmpty() || witnessing.witnesses().isEmpty()) {
        return JobResult.of(out.put("skipped", signing.keys().isEmpty()
            ? "signing is not configured" : "no witness is configured (HYRELOG_WITNESS_URLS)"));
      }
      Witnessing.Target target = new Witnessing.Target(region.log(),
          region.jobCheckpointRecords());
      ObjectNode byWitness = out.putObject("witnesses");
      for (Witness w : witnessing.witnesses()) {
        Map<Witnessing.Outcome, Integer> counts = new EnumMap<>(Witnessing.Outcome.class);
        int errors = 0;
        int asked = 0;
        UUID after = null;
        pages:
        while (asked < maxChains) {
          List<ChainSize> page = target.records().behindWitness(w.label(), after,
              Math.min(PAGE, maxChains - asked));
          if (page.isEmpty()) {
            break;
          }
          for (ChainSize c : page) {
            requireNotCancelled(ctx);
            after = c.workspaceId();
            asked++;
            EventScope chain = EventScope.workspace(c.companyId(), c.workspaceId());
            Witnessing.Outcome o;
            try {
              o = witnessing.submit(w, target, chain,
                  checkpoints.signedNote(region.log(), region.jobArchival(), chain));
            } catch (RuntimeException e) {
              errors++;
              LOG.warn("{}: chain {} could not be checkpointed for witness {}: {}", WITNESS,
                  c.workspaceId(), w.label(), e.getMessage());
              continue;
            }
            counts.merge(o, 1, Integer::sum);
            if (o == Witnessing.Outcome.FAILED) {
              break pages; // unreachable: the next run tries again
            }
          }
        }
        ObjectNode n = byWitness.putObject(w.label()).put("chains", asked).put("errors", errors);
        counts.forEach((o, k) -> n.put(o.name().toLowerCase(java.util.Locale.ROOT), k));
      }
      return JobResult.of(out);
    };
  }

  static JobHandler publishHandler(Region region, ServerSigning signing,
      Checkpoints checkpoints, Witnessing witnessing, Clock clock, int maxChains) {
    return ctx -> {
      ObjectNode out = JsonNodeFactory.instance.objectNode().put("region", ctx.partition());
      if (signing.keys().isEmpty()) {
        return JobResult.of(out.put("skipped", "signing is not configured"));
      }
      CheckpointRecords records = region.jobCheckpointRecords();
      Witnessing.Target target = new Witnessing.Target(region.log(), records);
      Set<String> unreachable = new HashSet<>();
      int published = 0;
      int existing = 0;
      int errors = 0;
      int seen = 0;
      UUID after = null;
      boolean more = true;
      while (more && seen < maxChains) {
        List<ChainSize> page = records.unpublished(after, Math.min(PAGE, maxChains - seen));
        more = !page.isEmpty();
        for (ChainSize c : page) {
          requireNotCancelled(ctx);
          after = c.workspaceId();
          seen++;
          EventScope chain = EventScope.workspace(c.companyId(), c.workspaceId());
          String note;
          try {
            note = witnessing.witnessNow(target, chain,
                checkpoints.signedNote(region.log(), region.jobArchival(), chain),
                unreachable);
          } catch (RuntimeException e) {
            errors++;
            LOG.warn("{}: chain {} could not be checkpointed: {}", PUBLISH, c.workspaceId(),
                e.getMessage());
            continue;
          }
          long size = Witnessing.checkpoint(note).size();
          String key = publicationKey(c.companyId(), c.workspaceId(), size);
          try {
            region.objects().put(key, new ByteArrayInputStream(
                note.getBytes(StandardCharsets.UTF_8)));
            published++;
          } catch (ArchiveObjectExistsException e) {
            existing++; // written by an earlier run that stopped before recording it
          }
          records.recordPublication(c.workspaceId(), size, key, clock.instant());
        }
      }
      out.put("published", published).put("already_stored", existing).put("errors", errors)
          .put("chains", seen).put("more", more && seen >= maxChains);
      if (!unreachable.isEmpty()) {
        out.put("unreachable_witnesses", unreachable.size());
      }
      return JobResult.of(out);
    };
  }

  private static void requireNotCancelled(JobContext ctx) throws InterruptedException {
    if (ctx.cancelled() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("cancelled");
    }
  }
}
