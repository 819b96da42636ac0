package io.hyrelog.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of what retention marked and what archival stored, next to the events (the
 * PostgreSQL adapter keeps it in the same database, so marking, planning and purging are
 * transactional with the rows they describe; the in-memory one works on an in-memory event
 * store). {@link io.hyrelog.archive.Archival} drives it; the testkit's {@code
 * ArchiveCatalogContract} checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe and safe with several processes; every method is
 *       atomic.
 *   <li><b>Each seq is planned once</b>: marking never marks a seq already marked or in a
 *       segment, and of concurrent planners of one company and day exactly one gets the
 *       segment (the others get empty).
 *   <li><b>Segments move forward</b>: PENDING → UPLOADED → VERIFIED or FAILED (and between
 *       those two again, as audits re-verify); a segment is never deleted, and its ranges,
 *       key, object size and SHA-256 never change once recorded.
 *   <li><b>Purging needs verification</b>: hot events leave the event store only through
 *       {@link #purge} of a VERIFIED segment, exactly the seqs of its ranges. Purging changes no
 *       chain head (and no stored tile): reads of the purged seqs through the {@link
 *       EventStore} simply no longer return them.
 *   <li>Segment and object-key uniqueness: a second segment with a stored id or key throws
 *       {@link AlreadyStoredException}.
 *   <li>A segment's restored copy ({@link ArchiveSegment#restoredUntil()}) is set and cleared
 *       by the {@link RestoreRequests} of the same storage, never by this port.
 *   <li>Orders: segment ranges by workspace id (in the order of its canonical text), then seq;
 *       days ascending. Instants keep microsecond precision (finer digits MAY be lost).
 * </ul>
 */
public interface ArchiveCatalog {

  /**
   * Retention marking: for every chain of the company, marks as archival candidates the seqs
   * after those already marked or archived, up to the last seq before the first event recorded
   * at or after {@code cutoff} (a contiguous prefix; nothing is deleted). Candidates are split
   * by the UTC day of their recorded time, taken as the running maximum along the chain so
   * every day is a contiguous range.
   *
   * @return how many events were newly marked
   */
  long markCandidates(UUID companyId, Instant cutoff, Instant markedAt);

  /** The UTC days on which the company has candidates not yet in a segment, oldest first. */
  List<LocalDate> candidateDays(UUID companyId);

  /**
   * Plans the segment of one company and day: moves that day's candidates into a new PENDING
   * segment with the given id and key, recording each range's boundary hashes from the events.
   * Atomic; when a concurrent caller planned the day first, or no candidates are left, returns
   * empty.
   *
   * @throws AlreadyStoredException when a segment with this id or key is stored (nothing
   *     planned; the candidates stay)
   */
  Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId, String key,
      Instant now);

  /** One segment, or empty. */
  Optional<ArchiveSegment> segment(UUID segmentId);

  /** Segments in the given statuses (all companies), oldest first (by creation, then id). */
  List<ArchiveSegment> segments(List<ArchiveSegment.Status> statuses);

  /** A company's segments, by day, then creation, then id. */
  List<ArchiveSegment> segments(UUID companyId);

  /**
   * Records that the segment's object is stored: PENDING becomes UPLOADED, with the object's
   * size and SHA-256, stored at {@code at} under the segment's own key. A segment already past
   * PENDING is left as it is (a rerun after a crash).
   *
   * @throws IllegalStateException when the segment does not exist
   */
  void uploaded(UUID segmentId, ArchiveObject object, Instant at);

  /**
   * Records a successful verification: the segment becomes VERIFIED without an error, keeps the
   * time it first verified, and (the first time) its ranges become archived ranges, which
   * purging requires.
   *
   * @throws IllegalStateException when the segment does not exist or is still PENDING
   */
  void verified(UUID segmentId, Instant at);

  /**
   * Records a failed verification: the segment becomes FAILED with the error (also after its
   * hot rows were purged: the data is then at risk).
   *
   * @throws IllegalStateException when the segment does not exist or is still PENDING
   */
  void failed(UUID segmentId, String error, Instant at);

  /**
   * Removes the hot rows of a verified, not yet purged segment through the store's narrow,
   * audited purge path, and records when. Purging a segment purged before removes nothing.
   *
   * @return how many rows were removed
   * @throws IllegalStateException when the segment does not exist or is not VERIFIED
   */
  long purge(UUID segmentId, Instant at);

  /**
   * Cold marking: every VERIFIED segment of the company uploaded before {@code storedBefore}
   * and not yet cold becomes cold at {@code at}.
   *
   * @return how many segments were marked
   */
  int markCold(UUID companyId, Instant storedBefore, Instant at);
}
