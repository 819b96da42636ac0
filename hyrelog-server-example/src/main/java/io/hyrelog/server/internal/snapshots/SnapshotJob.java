package io.hyrelog.server.internal.snapshots;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.Resource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.ChainSeal;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.SnapshotManifest;
import io.hyrelog.compliance.SnapshotStatement;
import io.hyrelog.compliance.evidence.PeriodEvents;
import io.hyrelog.Digest;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.jobs.JobContext;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import io.hyrelog.spi.TenantDirectory;
import io.hyrelog.storage.postgres.PostgresEventStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit.snapshot}: for each company of a region (or input {@code companyId}), the events
 * recorded in {@code [from, to)} are streamed chain by chain in batches (constant memory), a
 * manifest ({@link SnapshotManifest}: per chain the seq range, count, Merkle root of the range
 * and head at the period's end; totals) is built and signed ({@link SnapshotStatement}) with
 * the server's active key (or, finishing a crashed run, the stored signature of an accepted
 * key is kept: see {@code putSignature}), both are stored write-once in the region's archive
 * store under {@code snapshots/{companyId}/{from}_{to}/manifest.json} and {@code
 * manifest.sig}, the
 * snapshot and its sealed ranges ({@code lifecycle_ranges} SEALED rows) are recorded, and one
 * {@code system}/{@code snapshot.created} event is appended to each chain the snapshot sealed
 * (so every sealed chain carries the proof of its own sealing; idempotency key {@code
 * snapshot:<id>}). An empty period records a signed manifest without chains and appends
 * nothing. A rerun of a recorded period returns the recorded snapshot and changes nothing.
 *
 * <p>Without {@code from} and {@code to} (the daily schedule) the period is the UTC day before
 * {@code asOf}.
 */
public final class SnapshotJob {
  public static final String TYPE = "audit.snapshot";
  static final int DEFAULT_BATCH = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotJob.class);
  private static final int MAX_REPORTED = 100;
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
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
        r -> handler(regions.get(r).snapshots(), regions.get(r).store(),
            regions.get(r).jobTenants(), regions.get(r).jobArchival(), regions.get(r).objects(),
            regions.get(r).log(), signing, DEFAULT_BATCH));
  }

  static JobHandler handler(SnapshotCatalog catalog, PostgresEventStore store,
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
      Snapshotter s = new Snapshotter(catalog, store, archival, objects, log, keys,
          signing.namespace(), batch);
      for (Company c : companies) {
        if (ctx.cancelled()) {
          throw new InterruptedException("stopped; a rerun continues with the companies left");
        }
        Snapshotter.Result r = s.snapshot(c, period[0], period[1], ctx.clock().instant());
        events += r.events();
        created += r.created() ? 1 : 0;
        if (list.size() < MAX_REPORTED) {
          ObjectNode one = list.addObject().put("company_id", c.id().toString())
              .put("snapshot_id", r.id().toString()).put("created", r.created())
              .put("manifest_key", r.manifestKey()).put("signature_key", r.signatureKey())
              .put("manifest_sha256", r.manifestSha256()).put("chains", r.chains())
              .put("events", r.events()).put("signature_key_id", r.keyId())
              .put("signature_key_name", r.keyName());
          ArrayNode sealed = one.putArray("sealed");
          for (SealedRange g : catalog.sealed(r.id())) {
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

  /** The key prefix of a company's snapshot of a period. */
  static String prefix(UUID companyId, Instant from, Instant to) {
    return "snapshots/" + companyId + "/" + keyTime(from) + "_" + keyTime(to) + "/";
  }

  private static String keyTime(Instant t) {
    String s = KEY_TIME.format(t);
    int micros = t.getNano() / 1000;
    return micros == 0 ? s + "Z" : s + "." + String.format("%06d", micros) + "Z";
  }

  /** The snapshot of one company and period. */
  static final class Snapshotter {
    private final SnapshotCatalog catalog;
    private final PostgresEventStore store;
    private final Archival archival;
    private final ArchiveStore objects;
    private final EventLog log;
    private final SigningKeys keys;
    private final String namespace;
    private final int batch;

    Snapshotter(SnapshotCatalog catalog, PostgresEventStore store, Archival archival,
        ArchiveStore objects, EventLog log, SigningKeys keys, String namespace, int batch) {
      this.catalog = catalog;
      this.store = store;
      this.archival = archival;
      this.objects = objects;
      this.log = log;
      this.keys = keys;
      this.namespace = namespace;
      this.batch = batch;
    }

    record Result(UUID id, boolean created, String manifestKey, String signatureKey,
        String manifestSha256, int chains, long events, String keyName, String keyId) {
      static Result of(Snapshot r, boolean created) {
        return new Result(r.id(), created, r.manifestKey(), r.signatureKey(),
            r.manifestSha256().hex(), r.chains(), r.events(), r.keyName(), r.keyId());
      }
    }

    Result snapshot(Company company, Instant from, Instant to, Instant now) {
      var existing = catalog.find(company.id(), from, to);
      if (existing.isPresent()) {
        return Result.of(existing.get(), false);
      }
      var overlap = catalog.overlapping(company.id(), from, to);
      if (overlap.isPresent()) {
        throw new IllegalArgumentException("the period " + from + " .. " + to + " of company "
            + company.id() + " overlaps snapshot " + overlap.get().id() + " ("
            + overlap.get().from() + " .. " + overlap.get().to() + "); snapshot periods of a"
            + " company do not overlap");
      }
      UUID id = UUID.nameUUIDFromBytes(("hyrelog-snapshot\n" + company.id() + "\n" + from
          + "\n" + to).getBytes(StandardCharsets.UTF_8));
      List<ChainSeal> seals = new ArrayList<>();
      List<SealedRange> ranges = new ArrayList<>();
      for (PostgresEventStore.Chain c : store.chains(Optional.of(company.id()))) {
        if (c.headSeq() == 0) {
          continue;
        }
        UUID ws = c.workspaceId();
        EventScope chain = c.scope();
        OptionalLong scan = catalog.purgedScanStart(ws, from);
        if (scan.isPresent()) {
          scanSeal(chain, scan.getAsLong(), c.headSeq(), from, to).ifPresent(s -> {
            seals.add(s);
            ranges.add(new SealedRange(ws, s.firstSeq(), s.lastSeq()));
          });
          continue;
        }
        var range = catalog.periodRange(ws, from, to);
        if (range.isEmpty()) {
          continue;
        }
        seals.add(seal(chain, range.get()));
        ranges.add(range.get());
      }
      SnapshotManifest manifest = new SnapshotManifest(id, company.id(), from, to, seals);
      byte[] bytes = manifest.toBytes();
      String prefix = prefix(company.id(), from, to);
      putOnce(prefix + "manifest.json", bytes);
      NoteVerifier signer = putSignature(prefix + "manifest.sig",
          SnapshotStatement.of(namespace, manifest));
      Digest sha = manifest.sha256();
      for (ChainSeal seal : seals) {
        log.append(new WorkspaceRef(company.id(), seal.workspaceId(), company.region()),
            event(manifest, seal, prefix, sha, signer));
      }
      Snapshot row = new Snapshot(id, company.id(), from, to, sha, prefix + "manifest.json",
          prefix + "manifest.sig", signer.name(), SigningKeys.keyIdHex(signer), seals.size(),
          manifest.events(), now);
      if (!catalog.record(row, ranges)) {
        // Another worker recorded it first: report what is recorded.
        return Result.of(catalog.find(company.id(), from, to).orElseThrow(), false);
      }
      LOG.info("snapshot {} of company {} for {} .. {}: {} events in {} chains, signed by"
          + " {}+{}", id, company.id(), from, to, manifest.events(), seals.size(),
          row.keyName(), row.keyId());
      return Result.of(row, true);
    }

    private ChainSeal seal(EventScope chain, SealedRange range) {
      ChainSeal.Builder b = new ChainSeal.Builder(chain.workspaceId());
      for (long at = range.fromSeq(); at <= range.toSeq(); at += batch) {
        long end = Math.min(range.toSeq(), at + batch - 1);
        try (Stream<AuditEvent> events = archival.readChain(chain, at, end)) {
          for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
            b.add(it.next());
          }
        }
        if (b.count() != end - range.fromSeq() + 1) {
          throw new HyrelogException("chain " + chain.workspaceId() + " returned "
              + b.count() + " events for seqs " + range.fromSeq() + ".." + end
              + "; verify the chain");
        }
      }
      return b.build();
    }

    /**
     * The seal of a period some of whose events were purged: reads the chain from {@code start}
     * (across the hot/archive boundary, streaming) and keeps the events whose running maximum
     * of recorded time lies in {@code [from, to)} ({@link PeriodEvents}: the rule of {@link
     * SnapshotCatalog#periodRange}), stopping at the first one past the period.
     */
    private Optional<ChainSeal> scanSeal(EventScope chain, long start, long head, Instant from,
        Instant to) {
      ChainSeal.Builder b = new ChainSeal.Builder(chain.workspaceId());
      try (PeriodEvents events = PeriodEvents.ofChains(from, to, List.of(new PeriodEvents.Chain(
          start, () -> archival.readChain(chain, start, head))))) {
        events.forEachRemaining(b::add);
      }
      return b.count() == 0 ? Optional.empty() : Optional.of(b.build());
    }

    private NewEvent event(SnapshotManifest m, ChainSeal seal, String prefix, Digest sha,
        NoteVerifier signer) {
      ObjectNode meta = JsonNodeFactory.instance.objectNode();
      meta.put("snapshotId", m.snapshotId().toString());
      meta.put("periodFrom", m.from().toString());
      meta.put("periodTo", m.to().toString());
      meta.put("manifestSha256", sha.hex());
      meta.put("manifestKey", prefix + "manifest.json");
      meta.put("eventCount", m.events());
      meta.put("chainEventCount", seal.count());
      meta.put("sealedFromSeq", seal.firstSeq());
      meta.put("sealedToSeq", seal.lastSeq());
      meta.put("signatureKeyId", SigningKeys.keyIdHex(signer));
      return NewEvent.builder("system", "snapshot.created")
          .actor(Actor.ofId("hyrelog:" + TYPE))
          .resource(new Resource("snapshot", m.snapshotId().toString()))
          .metadata(Metadata.of(meta))
          .idempotencyKey("snapshot:" + m.snapshotId())
          .build();
    }

    /**
     * Stores the statement signed by the active key at {@code key} and returns that key; or,
     * when an earlier try stored it (a run that crashed before recording the snapshot), accepts
     * the stored signature if it is a signed note over this very statement that verifies with
     * an accepted key (the active one, or a retired one after a rotation) and returns the key
     * that signed it, so the record and the snapshot.created events name the signature stored.
     */
    private NoteVerifier putSignature(String key, SnapshotStatement statement) {
      byte[] bytes = statement.sign(keys.active()).getBytes(StandardCharsets.UTF_8);
      try {
        objects.put(key, new ByteArrayInputStream(bytes));
        return keys.active().verifier();
      } catch (ArchiveObjectExistsException e) {
        byte[] stored = read(key, e);
        if (Arrays.equals(stored, bytes)) {
          return keys.active().verifier();
        }
        String different = "the archive store already holds a different " + key + " (SHA-256 "
            + Digest.sha256(stored).hex() + ")";
        SignedNote note;
        try {
          note = SignedNote.parse(StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(stored)).toString());
        } catch (CharacterCodingException | MalformedNoteException x) {
          throw new HyrelogException(different + ", which is not a signed note: investigate"
              + " before removing it", x);
        }
        if (!note.text().equals(statement.body())) {
          throw new HyrelogException(different + ", signed over another statement than this"
              + " snapshot's: the stored snapshot no longer matches the events; investigate"
              + " before removing it", e);
        }
        try {
          NoteVerifier signer = keys.verify(note).get(0);
          LOG.info("{} was stored by an earlier run, signed by {}+{} (active key: {}+{});"
              + " adopting that signature", key, signer.name(), SigningKeys.keyIdHex(signer),
              keys.active().name(), SigningKeys.keyIdHex(keys.active().verifier()));
          return signer;
        } catch (InvalidSignatureException x) {
          throw new HyrelogException(different + " whose signature this server does not accept"
              + " (" + x.getMessage() + "; accepted keys: " + labels() + "). If an earlier"
              + " run signed it with a key rotated out since, list that key's public key in"
              + " HYRELOG_VERIFICATION_KEY_FILES and rerun; otherwise investigate before"
              + " removing it", x);
        }
      }
    }

    private byte[] read(String key, ArchiveObjectExistsException cause) {
      try (InputStream in = objects.open(key)) {
        return in.readNBytes(SignedNote.MAX_NOTE_BYTES + 1);
      } catch (IOException x) {
        HyrelogException failure = new HyrelogException("the archive store already holds " + key
            + " but reading it failed: " + x.getMessage(), x);
        failure.addSuppressed(cause);
        throw failure;
      }
    }

    private String labels() {
      StringJoiner out = new StringJoiner(", ");
      keys.verifiers().forEach(v -> out.add(v.name() + "+" + SigningKeys.keyIdHex(v)));
      return out.toString();
    }

    /** Stores {@code bytes} at {@code key}, or accepts the same bytes stored by an earlier try. */
    private void putOnce(String key, byte[] bytes) {
      try {
        objects.put(key, new ByteArrayInputStream(bytes));
      } catch (ArchiveObjectExistsException e) {
        ArchiveObject stored = objects.head(key).orElseThrow(() -> e);
        if (!stored.sha256().equals(Digest.sha256(bytes))) {
          throw new HyrelogException("the archive store already holds a different " + key
              + " (SHA-256 " + stored.sha256().hex() + "); the stored snapshot no longer"
              + " matches the events: investigate before removing it", e);
        }
      }
    }
  }
}
