package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.ArchiveIntegrityException;
import io.hyrelog.archive.ColdSegmentException;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.EventStore;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention and archival end to end: the core {@link Archival} workflow on an event store and
 * the {@link io.hyrelog.spi.ArchiveCatalog} beside it ({@link #createPorts()}) and a real archive
 * store ({@link #newStore}): mark, archive, verify, purge, read across the hot/archive boundary;
 * tampering (a flipped byte, a deleted object, an object replaced by another valid segment)
 * found with a specific error; crashes at each step (failures injected into the store and the
 * catalog; the process keeps nothing in memory between runs, each rerun builds a new {@link
 * Archival}) leave one object per key, nothing purged unverified, nothing lost.
 *
 * <p>The testkit runs it on the in-memory twins and the local directory store; the PostgreSQL
 * adapter runs it on PostgreSQL with the local directory and an S3-protocol server.
 */
public abstract class ArchivalScenarios extends StorageContract {
  private static final Instant START = Instant.parse("2026-01-10T22:00:00Z");

  private final Plan plan = Plan.defaults(PlanTier.GROWTH);
  private final UUID company = UUID.nameUUIDFromBytes(new byte[] {'c'});
  private final WorkspaceRef a = new WorkspaceRef(company,
      UUID.nameUUIDFromBytes(new byte[] {'a'}), DataRegion.US);
  private final WorkspaceRef b = new WorkspaceRef(company,
      UUID.nameUUIDFromBytes(new byte[] {'b'}), DataRegion.US);
  private EventStore store;
  private ArchiveCatalog catalog;
  private ArchiveStore objects;
  private final List<AuditEvent> appended = new ArrayList<>();
  private int instances;

  @Override
  protected Instant start() {
    return START;
  }

  @BeforeEach
  void setUpScenario() throws Exception {
    store = ports.events();
    catalog = ports.archive();
    objects = newStore(clock);
    SampleEvents samples = new SampleEvents(17);
    // Three days, two chains; many events share one client timestamp.
    Instant shared = Instant.parse("2026-01-10T12:00:00Z");
    for (int day = 0; day < 3; day++) {
      for (int i = 0; i < 40; i++) {
        WorkspaceRef ws = i % 3 == 0 ? b : a;
        appended.add(log.append(ws, samples.next(shared)).event());
        clock.advance(Duration.ofMinutes(7));
      }
      clock.set(START.plus(Duration.ofDays(day + 1)));
    }
  }

  @AfterEach
  void tearDownScenario() throws Exception {
    if (objects instanceof AutoCloseable c) {
      c.close();
    }
  }

  /** A fresh, empty archive store on {@code clock}. */
  protected abstract ArchiveStore newStore(Clock clock) throws Exception;

  /**
   * A fresh, empty archive store on {@code clock} that retains every object for {@code days}
   * days after it is stored (S3 Object Lock, or the local store's simulation of it).
   */
  protected abstract ArchiveStore newLockedStore(Clock clock, int days) throws Exception;

  /** The stored bytes of {@code key}, read around the store. */
  protected abstract byte[] bytes(String key) throws Exception;

  /** Replaces the bytes of {@code key} behind the store's back (as an attacker would). */
  protected abstract void overwrite(String key, byte[] bytes) throws Exception;

  /** Deletes {@code key} behind the store's back. */
  protected abstract void delete(String key) throws Exception;

  private Archival archival() {
    return archival(catalog, objects);
  }

  private Archival archival(ArchiveCatalog cat, ArchiveStore obj) {
    // A new seed per instance: each stands for a new process.
    return Archival.create(store, cat, obj, IdSource.seeded(clock, ++instances), clock);
  }

  /** As of 92 days after the first event: the first two UTC days are past GROWTH's 90 days. */
  private Instant asOf() {
    return START.plus(Duration.ofDays(92));
  }

  /**
   * After marking, archiving, verifying and purging, a chain read across the hot/archive boundary
   * returns every event exactly once.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void markArchiveVerifyPurge_thenReadAcrossTheBoundary_returnsEveryEventOnce()
      throws Exception {
    clock.set(asOf());
    Archival archival = archival();
    long marked = archival.markRetention(company, plan, asOf());
    assertThat(marked).isPositive().isLessThan(appended.size());
    Archival.Outcome out = archival.archive(company);
    assertThat(out.errors()).isEmpty();
    assertThat(out.segmentsVerified()).isEqualTo(out.segmentsWritten()).isPositive();
    assertThat(out.rowsPurged()).isEqualTo(marked).isEqualTo(out.eventsArchived());

    List<ArchiveSegment> segments = catalog.segments(company);
    assertThat(segments).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(Status.VERIFIED);
      assertThat(s.purgedAt()).isPresent();
      assertThat(s.key())
          .matches("archives/" + company + "/2026/01/1[0-2]/[0-9a-f-]{36}\\.jsonl\\.gz");
    });
    // One object per segment, each verifying offline on its own.
    try (Stream<ArchiveObject> listed = objects.list("archives/")) {
      assertThat(listed.map(ArchiveObject::key).toList())
          .containsExactlyInAnyOrderElementsOf(segments.stream().map(ArchiveSegment::key).toList());
    }
    for (ArchiveSegment s : segments) {
      ChainVerifier v = ChainVerifier.create();
      try (JsonlEventReader r = new JsonlEventReader(
          new ByteArrayInputStream(bytes(s.key())))) {
        for (JsonlEventReader.Line line : r) {
          assertThat(v.accept(line.tree(), line.number())).isTrue();
        }
      }
      assertThat(v.finish().ok()).isTrue();
    }
    // Across the boundary: every appended event exactly once, and each chain verifies from
    // seq 1 to its head.
    for (WorkspaceRef ws : List.of(a, b)) {
      EventScope chain = EventScope.of(ws);
      ChainHead head = store.head(chain).orElseThrow();
      ChainVerifier v = ChainVerifier.builder().requireCompleteChains()
          .expectChains(List.of(ws.workspaceId())).build();
      List<UUID> ids = new ArrayList<>();
      try (Stream<AuditEvent> s = archival.readChain(chain, 1, Long.MAX_VALUE)) {
        s.forEach(e -> {
          assertThat(v.accept(e)).isTrue();
          ids.add(e.id());
        });
      }
      VerificationReport r = v.finish();
      assertThat(r.ok()).isTrue();
      assertThat(r.chains().get(0).headHash()).isEqualTo(head.hash());
      assertThat(ids).containsExactlyElementsOf(appended.stream()
          .filter(e -> e.workspaceId().equals(ws.workspaceId())).map(AuditEvent::id).toList());
    }
    // A rerun finds nothing to do and writes nothing.
    assertThat(archival().markRetention(company, plan, asOf())).isZero();
    Archival.Outcome again = archival().archive(company);
    assertThat(again.segmentsWritten()).isZero();
    assertThat(again.rowsPurged()).isZero();
  }

  private List<ArchiveSegment> archiveAll() {
    clock.set(asOf());
    Archival archival = archival();
    archival.markRetention(company, plan, asOf());
    assertThat(archival.archive(company).errors()).isEmpty();
    return catalog.segments(company);
  }


  /**
   * A flipped byte in a segment object fails the audit: the segment becomes FAILED, named
   * {@code SHA256_MISMATCH}, {@code CHAIN_INVALID} or {@code UNREADABLE}.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void tampering_flippedByte_isFoundWithShaMismatch() throws Exception {
    ArchiveSegment s = archiveAll().get(0);
    byte[] bytes = bytes(s.key());
    bytes[bytes.length / 2] ^= 0x01;
    overwrite(s.key(), bytes);
    Archival.Outcome audit = archival().audit(company);
    assertThat(audit.segmentsFailed()).isEqualTo(1);
    ArchiveSegment failed = catalog.segment(s.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    // A flipped byte inside gzip either breaks the stream or the hash check; both are named.
    assertThat(failed.verificationError().orElseThrow())
        .matches("(SHA256_MISMATCH|CHAIN_INVALID|UNREADABLE): .*");
  }

  /**
   * A gzip header followed by a reserved deflate block type: the first read already fails.
   *
   * @throws Exception when the ports under test fail unexpectedly
   */
  @Test
  public void tampering_brokenGzipFromTheFirstByte_isUnreadable() throws Exception {
    ArchiveSegment s = archiveAll().get(0);
    byte[] bytes = new byte[64];
    Arrays.fill(bytes, (byte) 0xFF);
    System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, bytes,
        0, 10);
    overwrite(s.key(), bytes);
    Archival.Outcome audit = archival().audit(company);
    assertThat(audit.segmentsFailed()).isEqualTo(1);
    assertThat(catalog.segment(s.id()).orElseThrow().verificationError().orElseThrow())
        .startsWith("UNREADABLE: ");
  }

  /**
   * A deleted segment object is found as {@code OBJECT_MISSING}.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void tampering_deletedObject_isFoundAsMissing() throws Exception {
    ArchiveSegment s = archiveAll().get(0);
    delete(s.key());
    archival().audit(company);
    assertThat(catalog.segment(s.id()).orElseThrow().verificationError().orElseThrow())
        .startsWith("OBJECT_MISSING: ");
  }

  /**
   * A segment object replaced by another, valid segment fails the audit ({@code SIZE_MISMATCH},
   * naming the key) and reading across the boundary refuses it.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void tampering_replacedWithAnotherValidSegment_isFoundAsShaMismatch() throws Exception {
    List<ArchiveSegment> segments = archiveAll();
    assertThat(segments).hasSizeGreaterThanOrEqualTo(2);
    // An older, perfectly valid segment put in the place of a newer one.
    overwrite(segments.get(1).key(), bytes(segments.get(0).key()));
    archival().audit(company);
    assertThat(catalog.segment(segments.get(1).id()).orElseThrow().verificationError()
        .orElseThrow()).startsWith("SIZE_MISMATCH: ").contains(segments.get(1).key());
    assertThat(catalog.segment(segments.get(0).id()).orElseThrow().status())
        .isEqualTo(Status.VERIFIED);
    // Reading across the boundary refuses the tampered segment.
    assertThatThrownBy(() -> {
      try (Stream<AuditEvent> s = archival().readChain(EventScope.of(a), 1, Long.MAX_VALUE)) {
        s.forEach(e -> { });
      }
    }).isInstanceOf(ArchiveIntegrityException.class);
  }

  /**
   * A crash in the middle of an upload: the rerun writes the same key once, and nothing is purged
   * before that.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void crashMidUpload_rerunWritesTheSameKeyOnce_nothingPurgedBefore() throws IOException {
    clock.set(asOf());
    long marked = archival().markRetention(company, plan, asOf());
    ArchiveStore failing = new ForwardingArchiveStore(objects) {
      @Override
      public ArchiveObject put(String key, InputStream content) {
        return objects.put(key, new FilterInputStream(content) {
          long read;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (read > 100) {
              throw new IOException("simulated crash mid-upload");
            }
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
          }
        });
      }
    };
    assertThatThrownBy(() -> archival(catalog, failing).archive(company))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(catalog.segments(company)).singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(Status.PENDING));
    assertThat(hotCount()).isEqualTo(appended.size());
    try (Stream<ArchiveObject> listed = objects.list("archives/")) {
      assertThat(listed).isEmpty();
    }
    Archival.Outcome out = archival().archive(company);
    assertThat(out.errors()).isEmpty();
    assertThat(out.rowsPurged()).isEqualTo(marked);
    assertOneObjectPerSegmentAndNothingLost();
  }

  /**
   * A crash after the upload but before recording it: the rerun adopts the stored object.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void crashAfterUploadBeforeRecording_rerunAdoptsTheObject() throws IOException {
    clock.set(asOf());
    archival().markRetention(company, plan, asOf());
    ArchiveStore dying = new ForwardingArchiveStore(objects) {
      @Override
      public ArchiveObject put(String key, InputStream content) {
        objects.put(key, content);
        throw new IllegalStateException("simulated crash after the object was stored");
      }
    };
    assertThatThrownBy(() -> archival(catalog, dying).archive(company))
        .hasMessageContaining("simulated crash");
    assertThat(hotCount()).isEqualTo(appended.size());
    Archival.Outcome out = archival().archive(company);
    assertThat(out.errors()).isEmpty();
    assertThat(out.segmentsVerified()).isPositive();
    assertOneObjectPerSegmentAndNothingLost();
  }

  /**
   * A crash after verification but before the purge: the rerun purges.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void crashAfterVerificationBeforePurge_rerunPurges() throws IOException {
    clock.set(asOf());
    long marked = archival().markRetention(company, plan, asOf());
    ArchiveCatalog noPurge = new ForwardingArchiveCatalog(catalog) {
      @Override
      public long purge(UUID segmentId, Instant at) {
        throw new IllegalStateException("simulated crash before the purge");
      }
    };
    assertThatThrownBy(() -> archival(noPurge, objects).archive(company))
        .hasMessageContaining("simulated crash");
    assertThat(hotCount()).isEqualTo(appended.size());
    // The rerun finishes the purge the crash skipped.
    assertThat(archival().archive(company).rowsPurged()).isEqualTo(marked);
    assertOneObjectPerSegmentAndNothingLost();
  }

  /** Once segments are marked cold, reading their purged events needs a restore. */
  @Test
  public void coldMarking_thenReadNeedsRestore() {
    archiveAll();
    Archival archival = archival();
    Instant later = asOf().plus(Duration.ofDays(plan.coldArchiveAfterDays().getAsInt() + 1));
    clock.set(later);
    assertThat(archival.markCold(company, plan, later)).isEqualTo(catalog.segments(company).size());
    assertThat(archival.markCold(company, Plan.defaults(PlanTier.FREE), later)).isZero();
    assertThatThrownBy(() -> archival.readChain(EventScope.of(a), 1, 5))
        .isInstanceOf(ColdSegmentException.class)
        .hasMessageContaining("restore");
    // Hot seqs stay readable without a restore.
    long head = store.head(EventScope.of(a)).orElseThrow().seq();
    try (Stream<AuditEvent> s = archival.readChain(EventScope.of(a), head, head)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  // --- Archive expiry -------------------------------------------------------------------------

  /**
   * Archives the UTC days before the cutoff at asOf (two segments), the rest two days later
   * (two more): four segments, stored at two instants, every event archived.
   */
  private List<ArchiveSegment> archiveInTwoPasses() {
    clock.set(asOf());
    Archival first = archival();
    first.markRetention(company, plan, asOf());
    assertThat(first.archive(company).errors()).isEmpty();
    Instant next = asOf().plus(Duration.ofDays(2));
    clock.set(next);
    Archival second = archival();
    second.markRetention(company, plan, next);
    assertThat(second.archive(company).errors()).isEmpty();
    List<ArchiveSegment> segments = catalog.segments(company);
    assertThat(segments).hasSize(4);
    return segments;
  }

  private Instant retentionEnd(Instant storedAt) {
    return storedAt.plus(Duration.ofDays(plan.archiveRetentionDays().getAsInt()));
  }

  private boolean stored(String key) {
    return objects.head(key).isPresent();
  }

  private List<AuditEvent> chainEvents(Archival archival, WorkspaceRef ws) {
    try (Stream<AuditEvent> s = archival.readChain(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.toList();
    }
  }

  /**
   * Segments expire oldest first once the plan's archive retention has passed; each chain keeps
   * the boundary of its expired prefix, reads start after it, verification (hot only or from
   * seq 1) still passes and links seq N+1 to the hash of N, and reruns change nothing.
   *
   * @throws Exception when the ports under test fail unexpectedly
   */
  @Test
  public void expire_pastArchiveRetention_deletesOldestAndChainsStillVerify() throws Exception {
    List<ArchiveSegment> segments = archiveInTwoPasses();
    Instant firstEnd = retentionEnd(segments.get(0).object().orElseThrow().storedAt());

    // One second early: nothing.
    clock.set(firstEnd.minusSeconds(1));
    Archival.Expiry early = archival().expire(company, plan, clock.instant());
    assertThat(early.segmentsExpired()).isZero();
    assertThat(segments).allSatisfy(s -> assertThat(stored(s.key())).isTrue());

    clock.set(firstEnd);
    Archival archival = archival();
    Archival.Expiry out = archival.expire(company, plan, clock.instant());
    assertThat(out.errors()).isEmpty();
    assertThat(out.segmentsExpired()).isEqualTo(2);
    assertThat(out.objectsDeleted()).isEqualTo(2);
    assertThat(out.eventsExpired()).isEqualTo(segments.get(0).events() + segments.get(1).events());
    assertThat(catalog.segment(segments.get(0).id()).orElseThrow().status())
        .isEqualTo(Status.EXPIRED);
    assertThat(catalog.segment(segments.get(2).id()).orElseThrow().status())
        .isEqualTo(Status.VERIFIED);
    assertThat(stored(segments.get(0).key())).isFalse();
    assertThat(stored(segments.get(1).key())).isFalse();
    assertThat(stored(segments.get(2).key())).isTrue();
    assertThat(stored(segments.get(3).key())).isTrue();

    for (WorkspaceRef ws : List.of(a, b)) {
      EventScope chain = EventScope.of(ws);
      List<AuditEvent> all = appended.stream()
          .filter(e -> e.workspaceId().equals(ws.workspaceId())).toList();
      var prefix = archival.expiredPrefix(chain).orElseThrow();
      assertThat(out.prefixes()).contains(prefix);
      // The boundary: seq N's recorded hash, which seq N+1 links to.
      AuditEvent lastExpired = all.get((int) prefix.throughSeq() - 1);
      assertThat(prefix.lastHash()).isEqualTo(lastExpired.hash());
      assertThat(prefix.describe()).isEqualTo("expired 1.." + prefix.throughSeq()
          + ", first retained seq " + (prefix.throughSeq() + 1) + " links to hash "
          + lastExpired.hash().hex());
      List<AuditEvent> read = chainEvents(archival, ws);
      assertThat(read.stream().map(AuditEvent::id).toList()).containsExactlyElementsOf(
          all.subList((int) prefix.throughSeq(), all.size()).stream().map(AuditEvent::id)
              .toList());
      assertThat(read.get(0).prevHash()).isEqualTo(prefix.lastHash());
      assertThat(archival.verifyChain(chain, true).ok()).isTrue();
      assertThat(archival.verifyChain(chain, false).ok()).isTrue();
    }
    // The archive audit skips expired segments instead of failing them.
    Archival.Outcome audit = archival().audit(company);
    assertThat(audit.segmentsFailed()).isZero();
    assertThat(audit.segmentsVerified()).isEqualTo(2);

    // Idempotent: a rerun at the same instant changes nothing.
    Archival.Expiry again = archival().expire(company, plan, clock.instant());
    assertThat(again.segmentsExpired()).isZero();
    assertThat(again.objectsDeleted()).isZero();
    assertThat(again.errors()).isEmpty();

    // Two days later the last segments go too: each whole chain is an expired prefix.
    clock.set(retentionEnd(segments.get(3).object().orElseThrow().storedAt()));
    assertThat(archival().expire(company, plan, clock.instant()).segmentsExpired()).isEqualTo(2);
    for (WorkspaceRef ws : List.of(a, b)) {
      EventScope chain = EventScope.of(ws);
      assertThat(chainEvents(archival(), ws)).isEmpty();
      assertThat(archival().expiredPrefix(chain).orElseThrow().throughSeq())
          .isEqualTo(store.head(chain).orElseThrow().seq());
      assertThat(archival().verifyChain(chain, true).ok()).isTrue();
      assertThat(archival().verifyChain(chain, false).ok()).isTrue();
    }
    try (Stream<ArchiveObject> listed = objects.list("archives/")) {
      assertThat(listed).isEmpty();
    }
  }

  /**
   * A plan without archive retention keeps its archive: nothing expires, however old.
   */
  @Test
  public void expire_planWithoutArchiveRetention_keepsEverything() {
    List<ArchiveSegment> segments = archiveAll();
    clock.set(asOf().plus(Duration.ofDays(10_000)));
    Archival.Expiry out = archival().expire(company, Plan.defaults(PlanTier.FREE),
        clock.instant());
    assertThat(out.segmentsExpired()).isZero();
    assertThat(segments).allSatisfy(s -> assertThat(stored(s.key())).isTrue());
  }

  /**
   * An object whose store retention (Object Lock) outlasts the plan's archive retention is kept
   * until the lock ends: the pass reports when, and expires it from that instant on.
   *
   * @throws Exception when the ports under test fail unexpectedly
   */
  @Test
  public void expire_objectLockNotEnded_waitsForTheLock() throws Exception {
    tearDownScenario();
    objects = newLockedStore(clock, plan.archiveRetentionDays().getAsInt() + 30);
    List<ArchiveSegment> segments = archiveInTwoPasses();
    ArchiveSegment oldest = segments.get(0);
    Instant lockEnd = objects.retainedUntil(oldest.key()).orElseThrow();
    Instant planEnd = retentionEnd(oldest.object().orElseThrow().storedAt());
    assertThat(lockEnd).isAfter(planEnd);

    clock.set(planEnd.plus(Duration.ofDays(1)));
    Archival.Expiry waiting = archival().expire(company, plan, clock.instant());
    assertThat(waiting.segmentsExpired()).isZero();
    assertThat(waiting.retainedUntil()).contains(lockEnd);
    assertThat(stored(oldest.key())).isTrue();
    assertThatThrownBy(() -> objects.delete(oldest.key()))
        .isInstanceOf(io.hyrelog.spi.ArchiveObjectRetainedException.class);
    assertThat(catalog.segment(oldest.id()).orElseThrow().status()).isEqualTo(Status.VERIFIED);

    clock.set(lockEnd);
    Archival.Expiry done = archival().expire(company, plan, clock.instant());
    assertThat(done.segmentsExpired()).isPositive();
    assertThat(stored(oldest.key())).isFalse();
    assertThat(archival().verifyChain(EventScope.of(a), true).ok()).isTrue();
  }

  /**
   * A crash after a segment was recorded EXPIRED but before its object was deleted: reads and
   * verification already start after it, and the next pass deletes the object and goes on.
   */
  @Test
  public void expire_crashAfterRecordingBeforeDelete_rerunDeletesAndContinues() {
    List<ArchiveSegment> segments = archiveInTwoPasses();
    clock.set(retentionEnd(segments.get(3).object().orElseThrow().storedAt()));
    ArchiveCatalog crashing = new ForwardingArchiveCatalog(catalog) {
      @Override
      public boolean expire(UUID segmentId, Instant at) {
        super.expire(segmentId, at);
        throw new IllegalStateException("simulated crash after recording the expiry");
      }
    };
    assertThatThrownBy(() -> archival(crashing, objects).expire(company, plan, clock.instant()))
        .hasMessageContaining("simulated crash");
    assertThat(catalog.segment(segments.get(0).id()).orElseThrow().status())
        .isEqualTo(Status.EXPIRED);
    assertThat(stored(segments.get(0).key())).isTrue();
    assertThat(catalog.segment(segments.get(1).id()).orElseThrow().status())
        .isEqualTo(Status.VERIFIED);
    for (WorkspaceRef ws : List.of(a, b)) {
      assertThat(archival().verifyChain(EventScope.of(ws), true).ok()).isTrue();
    }

    Archival.Expiry rerun = archival().expire(company, plan, clock.instant());
    assertThat(rerun.errors()).isEmpty();
    assertThat(rerun.segmentsExpired()).isEqualTo(3);
    assertThat(rerun.objectsDeleted()).isEqualTo(4);
    assertThat(segments).allSatisfy(s -> assertThat(stored(s.key())).isFalse());
    for (WorkspaceRef ws : List.of(a, b)) {
      assertThat(archival().verifyChain(EventScope.of(ws), true).ok()).isTrue();
    }
  }

  /**
   * A segment that failed verification stops expiry there: nothing after it expires, so every
   * chain still loses only a prefix, and the pass says why.
   *
   * @throws Exception when the ports under test fail unexpectedly
   */
  @Test
  public void expire_failedSegmentFirst_stopsAndSaysWhy() throws Exception {
    List<ArchiveSegment> segments = archiveInTwoPasses();
    delete(segments.get(0).key());
    archival().audit(company);
    assertThat(catalog.segment(segments.get(0).id()).orElseThrow().status())
        .isEqualTo(Status.FAILED);
    clock.set(retentionEnd(segments.get(3).object().orElseThrow().storedAt()));
    Archival.Expiry out = archival().expire(company, plan, clock.instant());
    assertThat(out.segmentsExpired()).isZero();
    assertThat(out.errors()).singleElement().asString()
        .contains(segments.get(0).key()).contains("FAILED");
    assertThat(stored(segments.get(1).key())).isTrue();
  }

  private void assertOneObjectPerSegmentAndNothingLost() {
    List<ArchiveSegment> segments = catalog.segments(company);
    assertThat(segments).allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.VERIFIED));
    try (Stream<ArchiveObject> listed = objects.list("archives/")) {
      assertThat(listed.map(ArchiveObject::key).toList())
          .containsExactlyInAnyOrderElementsOf(segments.stream().map(ArchiveSegment::key).toList());
    }
    List<UUID> ids = new ArrayList<>();
    for (WorkspaceRef ws : List.of(a, b)) {
      try (Stream<AuditEvent> s = archival().readChain(EventScope.of(ws), 1, Long.MAX_VALUE)) {
        s.forEach(e -> ids.add(e.id()));
      }
    }
    assertThat(ids).containsExactlyInAnyOrderElementsOf(
        appended.stream().map(AuditEvent::id).toList());
  }

  private long hotCount() {
    long n = 0;
    for (WorkspaceRef ws : List.of(a, b)) {
      try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
        n += s.count();
      }
    }
    return n;
  }
}
