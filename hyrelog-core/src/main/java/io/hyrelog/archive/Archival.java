package io.hyrelog.archive;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventScope;
import io.hyrelog.Plan;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.IdSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Retention and archival for one event store: marks archival candidates, writes them as
 * gzipped JSONL segments (the core export format, so each verifies offline), verifies every
 * stored object by re-reading and re-hashing it, purges hot rows only under verified segments,
 * and marks old segments cold. Every step is idempotent and resumable: a crash at any point
 * leaves a state the next run finishes (a PENDING segment is uploaded again under the same key,
 * or adopted when its object was stored before the crash; an UPLOADED one is verified).
 *
 * <p>Time comes only from the {@code asOf} arguments and the injected clock.
 *
 * <p>This class is the façade and the lifecycle (what to do next with each segment); package
 * private helpers do the rest: {@code SegmentWriter} streams a segment into the store, {@code
 * SegmentReader} reads one back verifying it, {@code ChainReader} reads and verifies a chain
 * across the hot/archive boundary.
 */
public final class Archival {
  private final ArchiveCatalog catalog;
  private final ArchiveStore objects;
  private final IdSource ids;
  private final Clock clock;
  private final SegmentWriter writer;
  private final SegmentReader segments;
  private final ChainReader chains;
  private final EventStore events;
  private final SubjectKeyring keys;

  private Archival(EventStore events, ArchiveCatalog catalog, ArchiveStore objects, IdSource ids,
      Clock clock, SubjectKeyring keys) {
    this.events = events;
    this.catalog = catalog;
    this.objects = objects;
    this.ids = ids;
    this.clock = clock;
    this.keys = keys;
    this.writer = new SegmentWriter(events, objects, keys);
    this.segments = new SegmentReader(objects, keys);
    this.chains = new ChainReader(events, catalog, segments, clock);
  }

  /**
   * This archival with crypto-shredding of personal values ({@code docs/format.md} §11): segments
   * it writes from now on hold each disclosed personal value sealed under the keys of all the
   * event's data subjects (an event recorded before one of its subjects' keys was destroyed is
   * written with its personal values erased), and its reads ({@link #readChain}, {@link #read})
   * open sealed values where the keys exist and show them as erased where one was destroyed.
   * Verification ({@link #verify}, {@link #audit}, {@link #verifyChain}) needs no key. Without
   * it, segments hold personal values disclosed, and sealed values always read as erased.
   *
   * @param subjectKeys the subject keys
   * @return a new archival over the same stores
   */
  public Archival withSubjectKeys(SubjectKeyring subjectKeys) {
    return new Archival(events, catalog, objects, ids, clock,
        Objects.requireNonNull(subjectKeys, "subjectKeys"));
  }

  /**
   * Archival of {@code events}' chains into {@code objects}, recorded in {@code catalog}.
   *
   * @param events the hot event store
   * @param catalog the archive catalog
   * @param objects where segment objects are stored
   * @param clock the clock of planning, verification and purge times
   * @return the archival
   */
  public static Archival create(EventStore events, ArchiveCatalog catalog, ArchiveStore objects,
      Clock clock) {
    return create(events, catalog, objects, IdSource.secure(clock), clock);
  }

  /**
   * As {@link #create(EventStore, ArchiveCatalog, ArchiveStore, Clock)}, with segment ids from
   * {@code ids}.
   *
   * @param events the hot event store
   * @param catalog the archive catalog
   * @param objects where segment objects are stored
   * @param ids the source of segment ids
   * @param clock the clock of planning, verification and purge times
   * @return the archival
   */
  public static Archival create(EventStore events, ArchiveCatalog catalog, ArchiveStore objects,
      IdSource ids, Clock clock) {
    return new Archival(Objects.requireNonNull(events, "events"),
        Objects.requireNonNull(catalog, "catalog"), Objects.requireNonNull(objects, "objects"),
        Objects.requireNonNull(ids, "ids"), Objects.requireNonNull(clock, "clock"), null);
  }

  /**
   * The retention cutoff of a plan at {@code asOf}: the start of the UTC day {@code
   * hotRetentionDays} before it. Events recorded before it are archival candidates; whole UTC
   * days become candidates together.
   *
   * @param plan the company's plan
   * @param asOf the instant of the pass
   * @return the cutoff, at a UTC midnight
   */
  public static Instant cutoff(Plan plan, Instant asOf) {
    LocalDate day = asOf.atOffset(ZoneOffset.UTC).toLocalDate()
        .minusDays(plan.hotRetentionDays());
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * Retention marking for one company: events recorded before {@link #cutoff} become archival
   * candidates. Nothing is deleted.
   *
   * @param companyId the company
   * @param plan the company's plan
   * @param asOf the instant of the pass
   * @return how many events were newly marked
   */
  public long markRetention(UUID companyId, Plan plan, Instant asOf) {
    return catalog.markCandidates(companyId, cutoff(plan, asOf), clock.instant());
  }

  /**
   * What one archival pass did.
   *
   * @param segmentsWritten segments uploaded
   * @param eventsArchived events in those segments
   * @param segmentsVerified segments that verified
   * @param segmentsFailed segments that failed verification
   * @param rowsPurged hot rows removed
   * @param errors what failed, one line each (no payloads)
   */
  public record Outcome(int segmentsWritten, long eventsArchived, int segmentsVerified,
      int segmentsFailed, long rowsPurged, List<String> errors) {
    /**
     * Copies the errors.
     *
     * @param segmentsWritten segments uploaded
     * @param eventsArchived events in those segments
     * @param segmentsVerified segments that verified
     * @param segmentsFailed segments that failed verification
     * @param rowsPurged hot rows removed
     * @param errors what failed, one line each (no payloads)
     */
    public Outcome {
      errors = List.copyOf(errors);
    }

    /**
     * Both outcomes added up.
     *
     * @param o another outcome
     * @return the sum
     */
    public Outcome plus(Outcome o) {
      List<String> all = new ArrayList<>(errors);
      all.addAll(o.errors);
      return new Outcome(segmentsWritten + o.segmentsWritten, eventsArchived + o.eventsArchived,
          segmentsVerified + o.segmentsVerified, segmentsFailed + o.segmentsFailed,
          rowsPurged + o.rowsPurged, all);
    }

    /** Nothing done. */
    public static final Outcome NONE = new Outcome(0, 0, 0, 0, 0, List.of());

    /**
     * Only rows purged.
     *
     * @param rows the number of purged rows
     * @return the outcome
     */
    public static Outcome purged(long rows) {
      return new Outcome(0, 0, 0, 0, rows, List.of());
    }
  }

  /**
   * Archives the company's candidates, one segment per UTC day, then verifies and purges each.
   * Finishes what a crashed run left first: the company's unfinished segments, and the hot rows
   * of segments verified but not yet purged.
   *
   * @param companyId the company
   * @return what the pass did
   */
  public Outcome archive(UUID companyId) {
    Outcome out = Outcome.NONE;
    for (ArchiveSegment s : catalog.segments(List.of(Status.PENDING, Status.UPLOADED))) {
      if (s.companyId().equals(companyId)) {
        out = out.plus(finish(s));
      }
    }
    out = out.plus(Outcome.purged(purgeVerified(companyId)));
    for (LocalDate day : catalog.candidateDays(companyId)) {
      UUID id = ids.newEventId();
      Optional<ArchiveSegment> planned = catalog.plan(companyId, day, id, key(companyId, day, id),
          clock.instant());
      if (planned.isPresent()) {
        out = out.plus(finish(planned.get()));
      }
    }
    return out;
  }

  /**
   * Finishes every PENDING or UPLOADED segment of any company (after a crash).
   *
   * @return what the pass did
   */
  public Outcome resume() {
    Outcome out = Outcome.NONE;
    for (ArchiveSegment s : catalog.segments(List.of(Status.PENDING, Status.UPLOADED))) {
      out = out.plus(finish(s));
    }
    return out;
  }

  /**
   * Purges the hot rows of every verified segment whose rows are still hot.
   *
   * @param companyId the company
   * @return how many rows were purged
   */
  public long purgeVerified(UUID companyId) {
    long n = 0;
    for (ArchiveSegment s : catalog.segments(companyId)) {
      if (s.status() == Status.VERIFIED && s.purgedAt().isEmpty()) {
        n += catalog.purge(s.id(), clock.instant());
      }
    }
    return n;
  }

  /**
   * Cold marking under the default restore rules ({@link RestorePolicy#defaults()}): see {@link
   * #markCold(UUID, Plan, RestorePolicy, Instant)}.
   *
   * @param companyId the company
   * @param plan the company's plan
   * @param asOf the instant of the pass
   * @return how many segments became cold; 0 when the plan has no cold tier
   */
  public int markCold(UUID companyId, Plan plan, Instant asOf) {
    return markCold(companyId, plan, RestorePolicy.defaults(), asOf);
  }

  /**
   * Cold marking: the company's verified segments stored more than the plan's cold-after days
   * before {@code asOf} move to the cold tier (a catalog state; the bucket's lifecycle rules
   * move the objects themselves). Only plans that may restore go cold ({@link
   * RestorePolicy#coldArchiveAfterDays}): any other plan's segments stay readable for the whole
   * archive retention.
   *
   * @param companyId the company
   * @param plan the company's plan
   * @param restores the restore rules (which plans may restore)
   * @param asOf the instant of the pass
   * @return how many segments became cold; 0 when the plan has no cold tier
   */
  public int markCold(UUID companyId, Plan plan, RestorePolicy restores, Instant asOf) {
    OptionalInt days = restores.coldArchiveAfterDays(plan);
    if (days.isEmpty()) {
      return 0;
    }
    Instant before = asOf.minus(Duration.ofDays(days.getAsInt()));
    return catalog.markCold(companyId, before, clock.instant());
  }

  /**
   * What one expiry pass did.
   *
   * @param segmentsExpired segments this pass recorded EXPIRED
   * @param eventsExpired events in those segments
   * @param objectsDeleted objects deleted from the store (also those of segments a crashed pass
   *     had recorded EXPIRED)
   * @param prefixes the expired prefix of every chain this pass advanced, after the pass
   * @param retainedUntil when the first segment past the plan's retention is still under the
   *     store's retention (Object Lock): the instant it ends; the pass stopped there
   * @param errors what failed or blocked, one line each (no payloads)
   */
  public record Expiry(int segmentsExpired, long eventsExpired, int objectsDeleted,
      List<ExpiredPrefix> prefixes, Optional<Instant> retainedUntil, List<String> errors) {
    /**
     * Copies the lists.
     *
     * @param segmentsExpired segments this pass recorded EXPIRED
     * @param eventsExpired events in those segments
     * @param objectsDeleted objects deleted from the store
     * @param prefixes the expired prefix of every chain this pass advanced
     * @param retainedUntil the end of the retention the pass stopped at, if any
     * @param errors what failed or blocked
     */
    public Expiry {
      prefixes = List.copyOf(prefixes);
      Objects.requireNonNull(retainedUntil, "retainedUntil");
      errors = List.copyOf(errors);
    }
  }

  /**
   * Archive expiry for one company: deletes the segments whose archive retention ended, oldest
   * first. A segment expires when its object was stored at least the plan's {@code
   * archiveRetentionDays} before {@code asOf}, it is VERIFIED and purged, each of its chain
   * ranges starts right after that chain's expired prefix (so every chain loses only a prefix,
   * {@code 1..N}), and the store's retention of its object ({@link ArchiveStore#retainedUntil},
   * S3 Object Lock) has ended at {@code asOf}. The pass stops at the first segment that does not
   * qualify: nothing after it expires before it.
   *
   * <p>Each segment is first recorded EXPIRED (its record and ranges stay: the boundary hashes),
   * then its object is deleted; a crash in between leaves an EXPIRED segment whose object the
   * next pass deletes. Reruns are idempotent. A plan without archive retention (empty) keeps
   * its archive: nothing expires.
   *
   * @param companyId the company
   * @param plan the company's effective plan
   * @param asOf the instant of the pass
   * @return what the pass did
   */
  public Expiry expire(UUID companyId, Plan plan, Instant asOf) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(asOf, "asOf");
    List<ArchiveSegment> all = catalog.segments(companyId);
    int deleted = 0;
    List<String> errors = new ArrayList<>();
    // A crashed pass recorded these EXPIRED but may not have deleted their objects.
    for (ArchiveSegment s : all) {
      if (s.status() == Status.EXPIRED) {
        try {
          deleted += objects.delete(s.key()) ? 1 : 0;
        } catch (RuntimeException e) {
          errors.add(s.key() + ": delete failed: " + e.getMessage());
        }
      }
    }
    if (plan.archiveRetentionDays().isEmpty()) {
      return new Expiry(0, 0, deleted, List.of(), Optional.empty(), errors);
    }
    Duration keep = Duration.ofDays(plan.archiveRetentionDays().getAsInt());
    Map<UUID, ExpiredPrefix> prefixes = ChainReader.expiredPrefixes(all);
    Set<UUID> advanced = new LinkedHashSet<>();
    int expired = 0;
    long events = 0;
    Optional<Instant> retained = Optional.empty();
    for (ArchiveSegment s : all) {
      if (s.status() == Status.EXPIRED) {
        continue;
      }
      if (s.status() != Status.VERIFIED || s.purgedAt().isEmpty()) {
        // Unfinished or failed: its events are not safely archived, nor can later ones go.
        if (s.object().map(o -> !o.storedAt().plus(keep).isAfter(asOf)).orElse(false)) {
          errors.add(s.key() + ": past retention but " + s.status()
              + (s.purgedAt().isEmpty() ? " and not purged" : "") + "; expiry stops here");
        }
        break;
      }
      if (s.object().orElseThrow().storedAt().plus(keep).isAfter(asOf)) {
        break;
      }
      Optional<String> gap = s.ranges().stream()
          .filter(r -> r.fromSeq() != Optional.ofNullable(prefixes.get(r.workspaceId()))
              .map(ExpiredPrefix::throughSeq).orElse(0L) + 1)
          .findFirst().map(r -> "chain " + r.workspaceId() + " range " + r.fromSeq() + ".."
              + r.toSeq() + " does not follow its expired prefix");
      if (gap.isPresent()) {
        errors.add(s.key() + ": " + gap.get() + "; expiry stops here");
        break;
      }
      Optional<Instant> until;
      try {
        until = objects.retainedUntil(s.key());
      } catch (ArchiveObjectNotFoundException e) {
        until = Optional.empty(); // nothing left to retain
      }
      if (until.isPresent() && until.get().isAfter(asOf)) {
        retained = until;
        break;
      }
      catalog.expire(s.id(), clock.instant());
      expired++;
      events += s.events();
      for (ArchiveSegment.Range r : s.ranges()) {
        prefixes.put(r.workspaceId(), new ExpiredPrefix(r.workspaceId(), r.toSeq(),
            r.lastHash()));
        advanced.add(r.workspaceId());
      }
      try {
        deleted += objects.delete(s.key()) ? 1 : 0;
      } catch (RuntimeException e) {
        // Recorded EXPIRED already: the next pass deletes it.
        errors.add(s.key() + ": delete failed: " + e.getMessage());
      }
    }
    return new Expiry(expired, events, deleted,
        advanced.stream().map(prefixes::get).toList(), retained, errors);
  }

  /**
   * What archive expiry removed from a chain: seqs {@code 1..N} and the hash of N, or empty
   * when nothing of it expired. Reads ({@link #readChain}) start after it; verification
   * ({@link #verifyChain}) checks that seq N+1 links to that hash.
   *
   * @param chain a workspace scope
   * @return the expired prefix, or empty
   */
  public Optional<ExpiredPrefix> expiredPrefix(EventScope chain) {
    return chains.expiredPrefix(chain);
  }

  /**
   * The first seq of a chain that archive expiry kept: 1, or N+1 after an expired prefix
   * {@code 1..N}. Readers that start at a seq of their own (a period's first seq from the
   * archival ranges) start at least here.
   *
   * @param chain a workspace scope
   * @return the first retained seq
   */
  public long firstRetainedSeq(EventScope chain) {
    return expiredPrefix(chain).map(ExpiredPrefix::firstRetainedSeq).orElse(1L);
  }

  /**
   * The company's segments in (day, creation) order, whatever their status.
   *
   * @param companyId the company
   * @return the segments
   */
  public List<ArchiveSegment> segments(UUID companyId) {
    return catalog.segments(companyId);
  }

  /**
   * One segment, or empty.
   *
   * @param segmentId the segment's id
   * @return the segment, or empty
   */
  public Optional<ArchiveSegment> segment(UUID segmentId) {
    return catalog.segment(segmentId);
  }

  /**
   * The key of a new segment: {@code archives/{companyId}/{YYYY}/{MM}/{DD}/{segmentId}.jsonl.gz}.
   *
   * @param companyId the company
   * @param day the segment's UTC day
   * @param segmentId the segment's id
   * @return the archive key
   */
  public static String key(UUID companyId, LocalDate day, UUID segmentId) {
    return String.format("archives/%s/%04d/%02d/%02d/%s.jsonl.gz", companyId, day.getYear(),
        day.getMonthValue(), day.getDayOfMonth(), segmentId);
  }

  private Outcome finish(ArchiveSegment s) {
    ArchiveSegment seg = s;
    int written = 0;
    if (seg.status() == Status.PENDING) {
      ArchiveObject stored;
      try {
        stored = writer.write(seg);
        written = 1;
      } catch (ArchiveObjectExistsException e) {
        // Stored by a run that died before recording it: adopt it; verification decides.
        stored = objects.head(seg.key()).orElseThrow(() -> e);
      }
      catalog.uploaded(seg.id(), stored, clock.instant());
      seg = catalog.segment(seg.id()).orElseThrow();
    }
    try {
      verify(seg);
      catalog.verified(seg.id(), clock.instant());
    } catch (ArchiveIntegrityException e) {
      catalog.failed(seg.id(), e.getMessage(), clock.instant());
      return new Outcome(written, written == 1 ? seg.events() : 0, 0, 1, 0,
          List.of(seg.key() + ": " + e.getMessage()));
    }
    long purged = catalog.purge(seg.id(), clock.instant());
    return new Outcome(written, written == 1 ? seg.events() : 0, 1, 0, purged, List.of());
  }

  /**
   * Checks a stored segment: the object exists, has the recorded size and SHA-256, and holds
   * exactly the recorded chain ranges, every event verifying and linking from the recorded first
   * prevHash to the recorded last hash.
   *
   * @param seg the segment
   * @throws ArchiveIntegrityException naming the first problem
   */
  public void verify(ArchiveSegment seg) {
    try (Stream<AuditEvent> s = segments.read(seg, false)) {
      s.forEach(e -> { });
    }
  }

  /**
   * The events of one chain with {@code fromSeq <= seq <= toSeq}, in seq order, across the
   * hot/archive boundary: seqs whose hot rows were purged come from their verified segments
   * (each event verified as it is read), the rest from the hot store. Reading a purged seq from
   * a cold segment that is not restored fails with {@link ArchiveIntegrityException}'s sibling
   * {@link ColdSegmentException}. Seqs of the chain's {@link #expiredPrefix expired prefix} are
   * gone: the stream starts after them. The caller closes the stream.
   *
   * @param chain a workspace scope
   * @param fromSeq the first seq, at least 1
   * @param toSeq the last seq
   * @return the events; close the stream
   */
  public Stream<AuditEvent> readChain(EventScope chain, long fromSeq, long toSeq) {
    return chains.readChain(chain, fromSeq, toSeq);
  }

  /**
   * Verifies one chain up to its head. With {@code rereadArchive}, from seq 1: purged seqs are
   * read back from their segments (which must be readable: {@link ColdSegmentException}
   * otherwise). Without, only the hot events are read, and the first must follow the last
   * purged segment's recorded seq and hash exactly (the archive itself is checked by {@link
   * #audit}). Either way the events must end at the chain's head seq and hash. After archive
   * expiry, reading from seq 1 starts at the first retained seq, which must link to the hash of
   * the last expired one ({@link #expiredPrefix}).
   *
   * @param chain a workspace scope
   * @param rereadArchive whether to read the purged seqs back from the archive
   * @return the report
   */
  public VerificationReport verifyChain(EventScope chain, boolean rereadArchive) {
    return chains.verifyChain(chain, rereadArchive);
  }

  /**
   * Re-verifies every stored segment of the company (an audit of the archive) and records each
   * result. Cold segments without a readable restored copy are skipped (reading them needs a
   * restore); the next audit after a restore covers them.
   *
   * @param companyId the company
   * @return what the audit found
   */
  public Outcome audit(UUID companyId) {
    int ok = 0;
    int bad = 0;
    List<String> errors = new ArrayList<>();
    Instant now = clock.instant();
    for (ArchiveSegment s : catalog.segments(companyId)) {
      if (s.status() == Status.PENDING || s.status() == Status.EXPIRED
          || s.coldAndNotRestoredAt(now)) {
        continue;
      }
      try {
        verify(s);
        catalog.verified(s.id(), clock.instant());
        ok++;
      } catch (ArchiveIntegrityException e) {
        catalog.failed(s.id(), e.getMessage(), clock.instant());
        errors.add(s.key() + ": " + e.getMessage());
        bad++;
      }
    }
    return new Outcome(0, 0, ok, bad, 0, errors);
  }

  /**
   * The segment's events in file order, each verified before it is returned; the stream fails
   * with {@link ArchiveIntegrityException} at the first problem, and at its end when the object's
   * size, SHA-256 or ranges do not match the record. Memory is independent of the segment's size.
   * The caller closes the stream.
   *
   * @param seg the segment
   * @return the events; close the stream
   */
  public Stream<AuditEvent> read(ArchiveSegment seg) {
    return segments.read(seg, true);
  }
}
