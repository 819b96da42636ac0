package io.hyrelog.archive;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.Plan;
import io.hyrelog.archive.ArchiveIntegrityException.Problem;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.internal.LazyStreams;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.IdSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;

/**
 * Retention and archival for one event store: marks archival candidates, writes them as
 * gzipped JSONL segments (the core export format, so each verifies offline), verifies every
 * stored object by re-reading and re-hashing it, purges hot rows only under verified segments,
 * and marks old segments cold. Every step is idempotent and resumable: a crash at any point
 * leaves a state the next run finishes (a PENDING segment is uploaded again under the same key,
 * or adopted when its object was stored before the crash; an UPLOADED one is verified).
 *
 * <p>Time comes only from the {@code asOf} arguments and the injected clock.
 */
public final class Archival {
  private final EventStore events;
  private final ArchiveCatalog catalog;
  private final ArchiveStore objects;
  private final IdSource ids;
  private final Clock clock;

  private Archival(EventStore events, ArchiveCatalog catalog, ArchiveStore objects, IdSource ids,
      Clock clock) {
    this.events = events;
    this.catalog = catalog;
    this.objects = objects;
    this.ids = ids;
    this.clock = clock;
  }

  /** Archival of {@code events}' chains into {@code objects}, recorded in {@code catalog}. */
  public static Archival create(EventStore events, ArchiveCatalog catalog, ArchiveStore objects,
      Clock clock) {
    return create(events, catalog, objects, IdSource.secure(clock), clock);
  }

  /** As {@link #create(EventStore, ArchiveCatalog, ArchiveStore, Clock)}, with segment ids from {@code ids}. */
  public static Archival create(EventStore events, ArchiveCatalog catalog, ArchiveStore objects,
      IdSource ids, Clock clock) {
    return new Archival(Objects.requireNonNull(events, "events"),
        Objects.requireNonNull(catalog, "catalog"), Objects.requireNonNull(objects, "objects"),
        Objects.requireNonNull(ids, "ids"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The retention cutoff of a plan at {@code asOf}: the start of the UTC day {@code
   * hotRetentionDays} before it. Events recorded before it are archival candidates; whole UTC
   * days become candidates together.
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
   * @return how many events were newly marked
   */
  public long markRetention(UUID companyId, Plan plan, Instant asOf) {
    return catalog.markCandidates(companyId, cutoff(plan, asOf), clock.instant());
  }

  /** What one archival pass did. */
  public record Outcome(int segmentsWritten, long eventsArchived, int segmentsVerified,
      int segmentsFailed, long rowsPurged, List<String> errors) {
    public Outcome {
      errors = List.copyOf(errors);
    }

    /** Both outcomes added up. */
    public Outcome plus(Outcome o) {
      List<String> all = new java.util.ArrayList<>(errors);
      all.addAll(o.errors);
      return new Outcome(segmentsWritten + o.segmentsWritten, eventsArchived + o.eventsArchived,
          segmentsVerified + o.segmentsVerified, segmentsFailed + o.segmentsFailed,
          rowsPurged + o.rowsPurged, all);
    }

    /** Nothing done. */
    public static final Outcome NONE = new Outcome(0, 0, 0, 0, 0, List.of());

    /** Only rows purged. */
    public static Outcome purged(long rows) {
      return new Outcome(0, 0, 0, 0, rows, List.of());
    }
  }

  /**
   * Archives the company's candidates, one segment per UTC day, then verifies and purges each.
   * Finishes what a crashed run left first: the company's unfinished segments, and the hot rows
   * of segments verified but not yet purged.
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

  /** Finishes every PENDING or UPLOADED segment of any company (after a crash). */
  public Outcome resume() {
    Outcome out = Outcome.NONE;
    for (ArchiveSegment s : catalog.segments(List.of(Status.PENDING, Status.UPLOADED))) {
      out = out.plus(finish(s));
    }
    return out;
  }

  /** Purges the hot rows of every verified segment whose rows are still hot. */
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
   * Cold marking: the company's verified segments stored more than the plan's cold-after days
   * before {@code asOf} move to the cold tier (a catalog state; the bucket's lifecycle rules
   * move the objects themselves).
   *
   * @return how many segments became cold; 0 when the plan has no cold tier
   */
  public int markCold(UUID companyId, Plan plan, Instant asOf) {
    if (plan.coldArchiveAfterDays().isEmpty()) {
      return 0;
    }
    Instant before = asOf.minus(Duration.ofDays(plan.coldArchiveAfterDays().getAsInt()));
    return catalog.markCold(companyId, before, clock.instant());
  }

  /** The company's segments in (day, creation) order, whatever their status. */
  public List<ArchiveSegment> segments(UUID companyId) {
    return catalog.segments(companyId);
  }

  /** One segment, or empty. */
  public Optional<ArchiveSegment> segment(UUID segmentId) {
    return catalog.segment(segmentId);
  }

  /** The key of a new segment: {@code archives/{companyId}/{YYYY}/{MM}/{DD}/{segmentId}.jsonl.gz}. */
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
        stored = write(seg);
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

  /** Streams the segment's events from the hot store through gzip into the archive store. */
  private ArchiveObject write(ArchiveSegment seg) {
    PipedInputStream in = new PipedInputStream(1 << 16);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer;
    try {
      PipedOutputStream pipe = new PipedOutputStream(in);
      producer = new Thread(() -> {
        try {
          writeEvents(seg, pipe);
          pipe.close();
        } catch (Throwable t) {
          failure.set(t);
          try {
            // Makes the reading side fail instead of seeing a clean (truncated) end.
            in.close();
          } catch (IOException ignored) {
            // closing a pipe end does not fail
          }
        }
      }, "hyrelog-archive-writer");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    producer.setDaemon(true);
    producer.start();
    ArchiveObject stored;
    try (InputStream content = new FailingAtEnd(in, failure)) {
      // Closing the content (also when put fails early) unblocks a producer waiting for space.
      stored = objects.put(seg.key(), content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write segment " + seg.key(), e);
    } finally {
      try {
        producer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // put returned normally: the producer closed the pipe after the last event, or the store
    // would have seen its failure instead of a clean end.
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("cannot read the events of segment " + seg.key(), t);
    }
    return stored;
  }

  private void writeEvents(ArchiveSegment seg, OutputStream pipe) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(pipe, 1 << 16);
    JsonlEventWriter w = new JsonlEventWriter(gz);
    for (Range r : seg.ranges()) {
      long expected = r.fromSeq();
      try (Stream<AuditEvent> s = events.read(EventScope.workspace(seg.companyId(),
          r.workspaceId()), r.fromSeq(), r.toSeq())) {
        Iterator<AuditEvent> it = s.iterator();
        while (it.hasNext()) {
          AuditEvent e = it.next();
          if (e.seq() != expected) {
            throw new IllegalStateException("chain " + r.workspaceId() + " has no hot event "
                + expected + " (found " + e.seq() + "); segment " + seg.key() + " cannot be written");
          }
          w.write(e);
          expected++;
        }
      }
      if (expected != r.toSeq() + 1) {
        throw new IllegalStateException("chain " + r.workspaceId() + " ends at seq "
            + (expected - 1) + " in the hot store, segment " + seg.key() + " needs " + r.toSeq());
      }
    }
    w.close(); // finishes gzip and closes the pipe
  }

  /**
   * Checks a stored segment: the object exists, has the recorded size and SHA-256, and holds
   * exactly the recorded chain ranges, every event verifying and linking from the recorded first
   * prevHash to the recorded last hash.
   *
   * @throws ArchiveIntegrityException naming the first problem
   */
  public void verify(ArchiveSegment seg) {
    try (Stream<AuditEvent> s = read(seg)) {
      s.forEach(e -> { });
    }
  }

  /**
   * The events of one chain with {@code fromSeq <= seq <= toSeq}, in seq order, across the
   * hot/archive boundary: seqs whose hot rows were purged come from their verified segments
   * (each event verified as it is read), the rest from the hot store. Reading a purged seq from
   * a cold segment that is not restored fails with {@link ArchiveIntegrityException}'s sibling
   * {@link ColdSegmentException}. The caller closes the stream.
   */
  public Stream<AuditEvent> readChain(EventScope chain, long fromSeq, long toSeq) {
    EventStore.requireRange(chain, fromSeq, toSeq);
    UUID ws = chain.workspaceId();
    long purgedThrough = 0;
    List<ArchiveSegment> sources = new ArrayList<>();
    for (ArchiveSegment s : catalog.segments(chain.companyId())) {
      if (s.purgedAt().isEmpty()) {
        continue;
      }
      for (Range r : s.ranges()) {
        if (r.workspaceId().equals(ws)) {
          purgedThrough = Math.max(purgedThrough, r.toSeq());
          if (r.fromSeq() <= toSeq && r.toSeq() >= fromSeq) {
            sources.add(s);
          }
        }
      }
    }
    Instant now = clock.instant();
    List<UUID> cold = sources.stream().filter(s -> s.coldAndNotRestoredAt(now))
        .map(ArchiveSegment::id).toList();
    if (!cold.isEmpty()) {
      throw new ColdSegmentException(cold);
    }
    // Opened one after the other as they are used up (flatMap would buffer a whole part).
    List<Supplier<Stream<AuditEvent>>> parts = new ArrayList<>();
    for (ArchiveSegment s : sources) {
      parts.add(() -> read(s).filter(e -> e.workspaceId().equals(ws) && e.seq() >= fromSeq
          && e.seq() <= toSeq));
    }
    long hotFrom = Math.max(fromSeq, purgedThrough + 1);
    if (hotFrom <= toSeq) {
      parts.add(() -> events.read(chain, hotFrom, toSeq));
    }
    return LazyStreams.concat(parts);
  }

  /**
   * Verifies one chain up to its head. With {@code rereadArchive}, from seq 1: purged seqs are
   * read back from their segments (which must be readable: {@link ColdSegmentException}
   * otherwise). Without, only the hot events are read, and the first must follow the last
   * purged segment's recorded seq and hash exactly (the archive itself is checked by {@link
   * #audit}). Either way the events must end at the chain's head seq and hash.
   */
  public VerificationReport verifyChain(EventScope chain, boolean rereadArchive) {
    UUID ws = chain.requireWorkspace().workspaceId();
    Optional<ChainHead> head = events.head(chain);
    long headSeq = head.map(ChainHead::seq).orElse(0L);
    long boundary = 0;
    Digest boundaryHash = Digest.ZERO;
    if (!rereadArchive) {
      for (ArchiveSegment s : catalog.segments(chain.companyId())) {
        for (Range r : s.ranges()) {
          if (s.purgedAt().isPresent() && r.workspaceId().equals(ws) && r.toSeq() > boundary) {
            boundary = r.toSeq();
            boundaryHash = r.lastHash();
          }
        }
      }
    }
    ChainVerifier.Builder b = ChainVerifier.builder().expectChains(List.of(ws));
    if (boundary == 0) {
      b.requireCompleteChains();
    }
    ChainVerifier v = b.build();
    IntegrityFailure extra = null;
    if (headSeq > 0) {
      try {
        extra = verifyEvents(chain, rereadArchive, headSeq, boundary, boundaryHash, v);
      } catch (ArchiveIntegrityException e) {
        extra = new IntegrityFailure(ws, -1, -1,
            FailureReason.ARCHIVE_MISMATCH, e.getMessage());
      }
    }
    VerificationReport r = v.finish();
    if (extra == null && r.ok()) {
      long last = r.chains().isEmpty() ? boundary : r.chains().get(0).lastSeq();
      Digest lastHash = r.chains().isEmpty() ? boundaryHash : r.chains().get(0).headHash();
      if (last != headSeq || (headSeq > 0 && !lastHash.equals(head.get().hash()))) {
        extra = new IntegrityFailure(ws, last + 1, 0,
            FailureReason.GAP, "the stored events end at seq " + last
                + (last == headSeq ? " with another hash than" : " but") + " the chain head (seq "
                + headSeq + ")");
      }
    }
    return extra == null ? r : new VerificationReport(r.events(), r.chains(),
        r.checkpointsChecked(), Optional.of(extra));
  }

  private IntegrityFailure verifyEvents(EventScope chain,
      boolean rereadArchive, long headSeq, long boundary, Digest boundaryHash,
      ChainVerifier v) {
    UUID ws = chain.workspaceId();
    long from = boundary + 1;
    try (Stream<AuditEvent> s = rereadArchive ? readChain(chain, 1, headSeq)
        : from > headSeq ? Stream.empty() : events.read(chain, from, headSeq)) {
      boolean first = true;
      for (Iterator<AuditEvent> it = s.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        if (first && boundary > 0 && (e.seq() != from || !e.prevHash().equals(boundaryHash))) {
          return new IntegrityFailure(ws, from, 0,
              FailureReason.BROKEN_LINK, "the first hot event (seq "
                  + e.seq() + ") does not follow the archived seq " + boundary + " and its hash");
        }
        first = false;
        if (!v.accept(e)) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Re-verifies every stored segment of the company (an audit of the archive) and records each
   * result. Cold segments without a readable restored copy are skipped (reading them needs a
   * restore); the next audit after a restore covers them.
   */
  public Outcome audit(UUID companyId) {
    int ok = 0;
    int bad = 0;
    List<String> errors = new ArrayList<>();
    Instant now = clock.instant();
    for (ArchiveSegment s : catalog.segments(companyId)) {
      if (s.status() == Status.PENDING || s.coldAndNotRestoredAt(now)) {
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
   */
  public Stream<AuditEvent> read(ArchiveSegment seg) {
    ArchiveObject recorded = seg.object().orElseThrow(() -> new IllegalStateException(
        "segment " + seg.id() + " was never uploaded"));
    InputStream raw;
    try {
      raw = objects.open(seg.key());
    } catch (ArchiveObjectNotFoundException e) {
      throw new ArchiveIntegrityException(Problem.OBJECT_MISSING,
          "archive object " + seg.key() + " does not exist");
    } catch (IOException | RuntimeException e) {
      throw new ArchiveIntegrityException(Problem.UNREADABLE,
          "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
    }
    MessageDigest sha = Digest.newSha256();
    long[] size = {0};
    InputStream hashing = new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          sha.update((byte) b);
          size[0]++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          sha.update(b, off, n);
          size[0] += n;
        }
        return n;
      }
    };
    JsonlEventReader reader = new JsonlEventReader(hashing);
    ChainVerifier verifier = ChainVerifier.builder()
        .expectChains(seg.ranges().stream().map(Range::workspaceId).toList()).build();
    Iterator<JsonlEventReader.Line> lines;
    try {
      lines = reader.iterator(); // reads the first line
    } catch (UncheckedIOException e) {
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ArchiveIntegrityException(Problem.UNREADABLE,
          "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
    }
    Iterator<AuditEvent> it = new Iterator<>() {
      private AuditEvent next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        if (done) {
          return false;
        }
        boolean more;
        try {
          more = lines.hasNext();
        } catch (UncheckedIOException e) {
          throw new ArchiveIntegrityException(Problem.UNREADABLE,
              "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
        }
        if (!more) {
          done = true;
          finish(seg, recorded, verifier.finish(), Digest.finish(sha), size[0]);
          return false;
        }
        JsonlEventReader.Line line;
        try {
          line = lines.next();
        } catch (UncheckedIOException e) {
          throw new ArchiveIntegrityException(Problem.UNREADABLE,
              "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
        }
        boolean ok = line.error() != null ? verifier.malformed(line.number(), line.error())
            : verifier.accept(line.tree(), line.number());
        if (!ok) {
          VerificationReport r = verifier.finish();
          throw new ArchiveIntegrityException(Problem.CHAIN_INVALID, "archive object "
              + seg.key() + ": " + r.failure().map(Object::toString).orElse("invalid"));
        }
        next = line.event();
        return true;
      }

      @Override
      public AuditEvent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        AuditEvent e = next;
        next = null;
        return e;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(() -> {
          try {
            reader.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static void finish(ArchiveSegment seg, ArchiveObject recorded, VerificationReport report,
      Digest sha, long size) {
    if (size != recorded.size()) {
      throw new ArchiveIntegrityException(Problem.SIZE_MISMATCH, "archive object " + seg.key()
          + " has " + size + " bytes, recorded " + recorded.size());
    }
    if (!sha.equals(recorded.sha256())) {
      throw new ArchiveIntegrityException(Problem.SHA256_MISMATCH, "archive object " + seg.key()
          + " hashes to " + sha.hex() + ", recorded " + recorded.sha256().hex());
    }
    if (!report.ok()) {
      throw new ArchiveIntegrityException(Problem.CHAIN_INVALID, "archive object " + seg.key()
          + ": " + report.failure().orElseThrow());
    }
    Map<UUID, ChainRange> seen = new HashMap<>();
    report.chains().forEach(c -> seen.put(c.chainId(), c));
    for (Range r : seg.ranges()) {
      ChainRange c = seen.remove(r.workspaceId());
      if (c == null || c.firstSeq() != r.fromSeq() || c.lastSeq() != r.toSeq()) {
        throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
            + " holds " + (c == null ? "no events" : "seqs " + c.firstSeq() + ".." + c.lastSeq())
            + " of chain " + r.workspaceId() + ", recorded " + r.fromSeq() + ".." + r.toSeq());
      }
      if (!c.firstPrevHash().equals(r.firstPrevHash()) || !c.headHash().equals(r.lastHash())) {
        throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
            + ": chain " + r.workspaceId() + " does not link to the recorded boundary hashes");
      }
    }
    if (!seen.isEmpty()) {
      throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
          + " holds chains the record does not name: " + seen.keySet());
    }
  }

  /** Rethrows the producer's failure to the store instead of a clean end of stream. */
  private static final class FailingAtEnd extends FilterInputStream {
    private final AtomicReference<Throwable> failure;

    FailingAtEnd(InputStream in, AtomicReference<Throwable> failure) {
      super(in);
      this.failure = failure;
    }

    @Override
    public int read() throws IOException {
      return guarded(() -> super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return guarded(() -> super.read(b, off, len));
    }

    private int guarded(IoRead r) throws IOException {
      int n;
      try {
        n = r.read();
      } catch (IOException e) {
        throw failed(e);
      }
      if (n < 0 && failure.get() != null) {
        throw failed(null);
      }
      return n;
    }

    private IOException failed(IOException cause) {
      Throwable t = failure.get();
      if (t == null) {
        return cause;
      }
      return t instanceof InterruptedIOException io ? io
          : new IOException("the segment's events could not be read: " + t.getMessage(), t);
    }

    private interface IoRead {
      int read() throws IOException;
    }
  }
}
