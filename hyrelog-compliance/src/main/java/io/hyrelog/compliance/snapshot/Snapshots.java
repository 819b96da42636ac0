package io.hyrelog.compliance.snapshot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
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
import io.hyrelog.compliance.snapshot.SnapshotException.Reason;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed snapshots of a company's events: {@link #take} seals the events recorded in a period
 * {@code [from, to)}, chain by chain, in a signed manifest stored write-once in the archive
 * store, and records it; {@link #sealed} lists what a snapshot seals.
 *
 * <p>Taking a snapshot:
 * <ol>
 *   <li>per chain of the company (its {@linkplain ExportJobs#heads heads}), the period's seq
 *       range comes from the {@link SnapshotCatalog} (or, where purging after archival removed
 *       hot rows of the period, from a scan of the chain across the hot/archive boundary); its
 *       events are streamed through {@link Archival#readChain} in batches, in constant memory,
 *       into a {@link ChainSeal} (range, count, Merkle root, head);
 *   <li>the {@link SnapshotManifest} is stored at {@code snapshots/{companyId}/{from}_{to}/
 *       manifest.json} and the {@link SnapshotStatement} signed by the active key at {@code
 *       manifest.sig} beside it, both write-once;
 *   <li>one {@code system}/{@code snapshot.created} event is appended to each sealed chain
 *       (idempotency key {@code snapshot:<id>}), so every sealed chain carries the proof of its
 *       own sealing;
 *   <li>the snapshot and its sealed ranges are recorded in the catalog.
 * </ol>
 * An empty period records a signed manifest without chains and appends nothing. The snapshot id
 * is derived from the company and period, so every step can be repeated: a call that finds the
 * snapshot recorded returns it and changes nothing; a call after a crash between steps 2 and 4
 * accepts the objects stored before (the same manifest bytes; a signature over the same
 * statement by any accepted key, which is then the one recorded) and replays the events'
 * appends (their idempotency keys make that a no-op). Of several processes taking the same
 * snapshot, one records it and the others return what it recorded.
 *
 * <p>Immutable and thread-safe.
 */
public final class Snapshots {
  /** The actor id of the {@code snapshot.created} events. */
  public static final String ACTOR_ID = "hyrelog:audit.snapshot";
  /** Events read per batch unless the builder says otherwise. */
  public static final int DEFAULT_BATCH = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final Archival archival;
  private final ExportJobs heads;
  private final SnapshotCatalog catalog;
  private final ArchiveStore objects;
  private final EventLog log;
  private final SigningKeys keys;
  private final String namespace;
  private final Clock clock;
  private final int batch;

  private Snapshots(Builder b) {
    this.archival = b.archival;
    this.heads = b.heads;
    this.catalog = b.catalog;
    this.objects = b.objects;
    this.log = b.log;
    this.keys = b.keys;
    this.namespace = b.namespace;
    this.clock = b.clock;
    this.batch = b.batch;
  }

  /**
   * A builder over one storage (one region): its chains' heads, its snapshot catalog, the
   * archival workflow that reads chains across the hot/archive boundary, the archive store the
   * signed manifests go to, and the event log that appends the {@code snapshot.created} events.
   *
   * @param archival the archival workflow that reads the chains
   * @param heads the chains' heads of a company
   * @param catalog the snapshot catalog: periods' seq ranges, recorded snapshots
   * @param objects the archive store the manifests and signatures are written to, write-once
   * @param log the event log appending the {@code snapshot.created} events
   * @return a new builder
   * @throws NullPointerException when an argument is null
   */
  public static Builder builder(Archival archival, ExportJobs heads, SnapshotCatalog catalog,
      ArchiveStore objects, EventLog log) {
    return new Builder(archival, heads, catalog, objects, log);
  }

  /**
   * The archive key prefix of a company's snapshot of a period: {@code
   * snapshots/{companyId}/{from}_{to}/}, each instant as {@code yyyyMMdd'T'HHmmss} with
   * microseconds when it has any, and {@code Z}.
   *
   * @param companyId the company
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the key prefix, ending in {@code /}
   */
  public static String keyPrefix(UUID companyId, Instant from, Instant to) {
    return "snapshots/" + companyId + "/" + keyTime(from) + "_" + keyTime(to) + "/";
  }

  private static String keyTime(Instant t) {
    String s = KEY_TIME.format(t);
    int micros = t.getNano() / 1000;
    return micros == 0 ? s + "Z" : s + "." + String.format("%06d", micros) + "Z";
  }

  /**
   * The id of a company's snapshot of a period: a name-based UUID of both.
   *
   * @param companyId the company
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the same id for the same company and period
   */
  public static UUID snapshotId(UUID companyId, Instant from, Instant to) {
    return UUID.nameUUIDFromBytes(("hyrelog-snapshot\n" + companyId + "\n" + from + "\n" + to)
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Takes the snapshot of the company's events recorded in {@code [from, to)}, or returns the one
   * recorded already.
   *
   * @param company the company (its id, and its region for the {@code snapshot.created} appends)
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the recorded snapshot, and whether this call took it
   * @throws IllegalArgumentException when {@code from} is not before {@code to}, or {@code to}
   *     is after the clock's now (a period is sealed only once it has ended)
   * @throws SnapshotException when the period overlaps a recorded snapshot, the archive store
   *     holds different objects at the snapshot's keys, or a chain's events are missing;
   *     nothing is recorded
   */
  public SnapshotResult take(Company company, Instant from, Instant to) {
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
    Instant now = clock.instant();
    if (to.isAfter(now)) {
      throw new IllegalArgumentException("to (" + to + ") is after now (" + now + "); a period"
          + " can be sealed only once it has ended");
    }
    Optional<Snapshot> existing = catalog.find(company.id(), from, to);
    if (existing.isPresent()) {
      return new SnapshotResult(existing.get(), false);
    }
    Optional<Snapshot> overlap = catalog.overlapping(company.id(), from, to);
    if (overlap.isPresent()) {
      throw new SnapshotException(Reason.OVERLAPPING_PERIOD, "the period " + from + " .. " + to
          + " of company " + company.id() + " overlaps snapshot " + overlap.get().id() + " ("
          + overlap.get().from() + " .. " + overlap.get().to() + "); snapshot periods of a"
          + " company do not overlap");
    }
    UUID id = snapshotId(company.id(), from, to);
    List<ChainSeal> seals = new ArrayList<>();
    List<SealedRange> ranges = new ArrayList<>();
    for (Map.Entry<UUID, Long> c : heads.heads(company.id(), null).entrySet()) {
      UUID ws = c.getKey();
      long head = c.getValue();
      EventScope chain = EventScope.workspace(company.id(), ws);
      OptionalLong scan = catalog.purgedScanStart(ws, from);
      if (scan.isPresent()) {
        // A period whose events expired seals only what was kept of it (often nothing).
        long start = Math.max(scan.getAsLong(), archival.firstRetainedSeq(chain));
        scanSeal(chain, start, head, from, to).ifPresent(s -> {
          seals.add(s);
          ranges.add(new SealedRange(ws, s.firstSeq(), s.lastSeq()));
        });
        continue;
      }
      Optional<SealedRange> range = catalog.periodRange(ws, from, to);
      if (range.isPresent()) {
        seals.add(seal(chain, range.get()));
        ranges.add(range.get());
      }
    }
    SnapshotManifest manifest = new SnapshotManifest(id, company.id(), from, to, seals);
    String prefix = keyPrefix(company.id(), from, to);
    putOnce(prefix + "manifest.json", manifest.toBytes());
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
      // Another process recorded it first: report what is recorded.
      return new SnapshotResult(catalog.find(company.id(), from, to).orElseThrow(), false);
    }
    LOG.info("snapshot {} of company {} for {} .. {}: {} events in {} chains, signed by {}+{}",
        id, company.id(), from, to, manifest.events(), seals.size(), row.keyName(),
        row.keyId());
    return new SnapshotResult(row, true);
  }

  /**
   * The ranges a recorded snapshot seals, by workspace id, then seq; empty for an unknown
   * snapshot.
   *
   * @param snapshotId the snapshot
   * @return the sealed ranges
   */
  public List<SealedRange> sealed(UUID snapshotId) {
    return catalog.sealed(Objects.requireNonNull(snapshotId, "snapshotId"));
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
        throw new SnapshotException(Reason.INCOMPLETE_CHAIN, "chain " + chain.workspaceId()
            + " returned " + b.count() + " events for seqs " + range.fromSeq() + ".." + end
            + "; verify the chain");
      }
    }
    return b.build();
  }

  /**
   * The seal of a period some of whose events were purged: reads the chain from {@code start}
   * (across the hot/archive boundary, streaming) and keeps the events whose running maximum of
   * recorded time lies in {@code [from, to)} ({@link PeriodEvents}: the rule of {@link
   * SnapshotCatalog#periodRange}), stopping at the first one past the period.
   */
  private Optional<ChainSeal> scanSeal(EventScope chain, long start, long head, Instant from,
      Instant to) {
    if (start > head) {
      return Optional.empty();
    }
    ChainSeal.Builder b = new ChainSeal.Builder(chain.workspaceId());
    try (PeriodEvents events = PeriodEvents.ofChains(from, to, List.of(new PeriodEvents.Chain(
        start, () -> archival.readChain(chain, start, head))))) {
      events.forEachRemaining(b::add);
    }
    return b.count() == 0 ? Optional.empty() : Optional.of(b.build());
  }

  private static NewEvent event(SnapshotManifest m, ChainSeal seal, String prefix, Digest sha,
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
        .actor(Actor.ofId(ACTOR_ID))
        .resource(new Resource("snapshot", m.snapshotId().toString()))
        .metadata(Metadata.of(meta))
        .idempotencyKey("snapshot:" + m.snapshotId())
        .build();
  }

  /**
   * Stores the statement signed by the active key at {@code key} and returns that key; or, when
   * an earlier try stored it (a run that crashed before recording the snapshot), accepts the
   * stored signature if it is a signed note over this very statement that verifies with an
   * accepted key (the active one, or a retired one after a rotation) and returns the key that
   * signed it, so the record and the snapshot.created events name the signature stored.
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
        throw new SnapshotException(Reason.STORED_OBJECT_DIFFERS, different + ", which is not a"
            + " signed note: investigate before removing it", x);
      }
      if (!note.text().equals(statement.body())) {
        throw new SnapshotException(Reason.STORED_OBJECT_DIFFERS, different + ", signed over"
            + " another statement than this snapshot's: the stored snapshot no longer matches"
            + " the events; investigate before removing it", e);
      }
      try {
        NoteVerifier signer = keys.verify(note).get(0);
        LOG.info("{} was stored by an earlier run, signed by {}+{} (active key: {}+{});"
            + " adopting that signature", key, signer.name(), SigningKeys.keyIdHex(signer),
            keys.active().name(), SigningKeys.keyIdHex(keys.active().verifier()));
        return signer;
      } catch (InvalidSignatureException x) {
        throw new SnapshotException(Reason.UNACCEPTED_SIGNATURE, different + " whose signature"
            + " the signing keys do not accept (" + SignatureFailure.describe(x) + "; accepted keys: "
            + labels() + "). If an earlier run signed it with a key rotated out since, accept"
            + " that key's public key as a retired key and take the snapshot again; otherwise"
            + " investigate before removing it.", x);
      }
    }
  }

  private byte[] read(String key, ArchiveObjectExistsException cause) {
    try (InputStream in = objects.open(key)) {
      return in.readNBytes(SignedNote.MAX_NOTE_BYTES + 1);
    } catch (IOException x) {
      SnapshotException failure = new SnapshotException(Reason.STORED_OBJECT_DIFFERS,
          "the archive store already holds " + key + " but reading it failed: "
              + x.getMessage(), x);
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
        throw new SnapshotException(Reason.STORED_OBJECT_DIFFERS, "the archive store already"
            + " holds a different " + key + " (SHA-256 " + stored.sha256().hex() + "); the"
            + " stored snapshot no longer matches the events: investigate before removing it",
            e);
      }
    }
  }

  /**
   * Builds {@link Snapshots}; {@link #keys} and {@link #namespace} are required, the clock
   * defaults to the system UTC clock and the batch to {@value Snapshots#DEFAULT_BATCH}. Not
   * thread-safe.
   */
  public static final class Builder {
    private final Archival archival;
    private final ExportJobs heads;
    private final SnapshotCatalog catalog;
    private final ArchiveStore objects;
    private final EventLog log;
    private SigningKeys keys;
    private String namespace;
    private Clock clock = Clock.systemUTC();
    private int batch = DEFAULT_BATCH;

    private Builder(Archival archival, ExportJobs heads, SnapshotCatalog catalog,
        ArchiveStore objects, EventLog log) {
      this.archival = Objects.requireNonNull(archival, "archival");
      this.heads = Objects.requireNonNull(heads, "heads");
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      this.objects = Objects.requireNonNull(objects, "objects");
      this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The keys: the active one signs new snapshots; a signature stored by a crashed earlier try
     * is kept when any of them verifies it.
     *
     * @param keys the signing keys (required)
     * @return this builder
     */
    public Builder keys(SigningKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * The log namespace the signed statements name (the checkpoints' origin prefix; required).
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalArgumentException when {@code namespace} is blank
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank()) {
        throw new IllegalArgumentException("namespace must not be blank");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The clock of the records' creation time and of "has the period ended".
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Events read per query when a chain's range is streamed, 1..100,000.
     *
     * @param batch the events per query
     * @return this builder
     * @throws IllegalArgumentException when {@code batch} is outside 1..100,000
     */
    public Builder batchSize(int batch) {
      if (batch < 1 || batch > 100_000) {
        throw new IllegalArgumentException("batchSize must be 1..100000, got " + batch);
      }
      this.batch = batch;
      return this;
    }

    /**
     * Builds the snapshots workflow.
     *
     * @return the workflow
     * @throws IllegalStateException when the keys or the namespace are missing
     */
    public Snapshots build() {
      if (keys == null) {
        throw new IllegalStateException("keys are required: Snapshots.builder(...).keys(...)");
      }
      if (namespace == null) {
        throw new IllegalStateException("namespace is required:"
            + " Snapshots.builder(...).namespace(...)");
      }
      return new Snapshots(this);
    }
  }
}
