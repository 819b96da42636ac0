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
 *       those two again, as audits re-verify), and a purged VERIFIED one → EXPIRED when its
 *       archive retention ends ({@link #expire}; final: verification no longer changes it); a
 *       segment record is never deleted, and its ranges, key, object size and SHA-256 never
 *       change once recorded, so an expired segment keeps each chain's boundary hashes.
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
   * @param companyId the company whose chains are marked
   * @param cutoff events recorded at or after this instant stay hot
   * @param markedAt when the marking happens
   * @return how many events were newly marked
   */
  long markCandidates(UUID companyId, Instant cutoff, Instant markedAt);

  /**
   * The UTC days on which the company has candidates not yet in a segment, oldest first.
   *
   * @param companyId the company
   * @return the days, oldest first; empty when nothing is left to plan
   */
  List<LocalDate> candidateDays(UUID companyId);

  /**
   * Plans the segment of one company and day: moves that day's candidates into a new PENDING
   * segment with the given id and key, recording each range's boundary hashes from the events.
   * Atomic; when a concurrent caller planned the day first, or no candidates are left, returns
   * empty.
   *
   * @param companyId the company
   * @param day the UTC day of the candidates
   * @param segmentId the new segment's id
   * @param key the archive key its object will be stored under
   * @param now the segment's creation time
   * @return the planned segment, or empty when there was nothing to plan
   * @throws AlreadyStoredException when a segment with this id or key is stored (nothing
   *     planned; the candidates stay)
   */
  Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId, String key,
      Instant now);

  /**
   * One segment, or empty.
   *
   * @param segmentId the segment's id
   * @return the segment, or empty when unknown
   */
  Optional<ArchiveSegment> segment(UUID segmentId);

  /**
   * Segments in the given statuses (all companies), oldest first (by creation, then id).
   *
   * @param statuses the statuses to include
   * @return the segments, oldest first
   */
  List<ArchiveSegment> segments(List<ArchiveSegment.Status> statuses);

  /**
   * A company's segments, by day, then creation, then id.
   *
   * @param companyId the company
   * @return the company's segments
   */
  List<ArchiveSegment> segments(UUID companyId);

  /**
   * Records that the segment's object is stored: PENDING becomes UPLOADED, with the object's
   * size and SHA-256, stored at {@code at} under the segment's own key. A segment already past
   * PENDING is left as it is (a rerun after a crash).
   *
   * @param segmentId the segment
   * @param object the stored object's key, size and SHA-256
   * @param at when it was stored
   * @throws IllegalStateException when the segment does not exist
   */
  void uploaded(UUID segmentId, ArchiveObject object, Instant at);

  /**
   * Records a successful verification: the segment becomes VERIFIED without an error, keeps the
   * time it first verified, and (the first time) its ranges become archived ranges, which
   * purging requires.
   *
   * @param segmentId the segment
   * @param at when it was verified
   * @throws IllegalStateException when the segment does not exist or is still PENDING
   */
  void verified(UUID segmentId, Instant at);

  /**
   * Records a failed verification: the segment becomes FAILED with the error (also after its
   * hot rows were purged: the data is then at risk).
   *
   * @param segmentId the segment
   * @param error why the verification failed (no secrets)
   * @param at when it failed
   * @throws IllegalStateException when the segment does not exist or is still PENDING
   */
  void failed(UUID segmentId, String error, Instant at);

  /**
   * Removes the hot rows of a verified, not yet purged segment through the store's narrow,
   * audited purge path, and records when. Purging a segment purged before removes nothing.
   *
   * @param segmentId the segment
   * @param at when the rows are purged
   * @return how many rows were removed
   * @throws IllegalStateException when the segment does not exist or is not VERIFIED
   */
  long purge(UUID segmentId, Instant at);

  /**
   * Cold marking: every VERIFIED segment of the company uploaded before {@code storedBefore}
   * and not yet cold becomes cold at {@code at}.
   *
   * @param companyId the company
   * @param storedBefore segments uploaded before this instant become cold
   * @param at when they are marked cold
   * @return how many segments were marked
   */
  int markCold(UUID companyId, Instant storedBefore, Instant at);

  /**
   * Records that a segment's archive retention ended: a VERIFIED, purged segment becomes
   * EXPIRED at {@code at}. Its record and ranges stay (the boundary hashes of the expired
   * prefix of each chain); reads no longer use it. Expiring an EXPIRED segment changes nothing.
   *
   * @param segmentId the segment
   * @param at when it expired
   * @return true when this call expired it, false when it was already EXPIRED
   * @throws IllegalStateException when the segment does not exist, or is not VERIFIED and
   *     purged
   */
  boolean expire(UUID segmentId, Instant at);
}
