package io.hyrelog.spi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of what retention marked and what archival stored, next to the events (the
 * PostgreSQL adapter keeps it in the same database, so marking, planning and purging are
 * transactional with the rows they describe). Implementations MUST be thread-safe and safe with
 * several processes: concurrent callers never plan one seq twice, and a purge removes hot rows
 * only under a verified segment.
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
   */
  Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId, String key,
      Instant now);

  /** One segment, or empty. */
  Optional<ArchiveSegment> segment(UUID segmentId);

  /** Segments in the given statuses (all companies), oldest first. */
  List<ArchiveSegment> segments(List<ArchiveSegment.Status> statuses);

  /** A company's segments, in (day, key) order. */
  List<ArchiveSegment> segments(UUID companyId);

  /** Records that the segment's object is stored: PENDING becomes UPLOADED. */
  void uploaded(UUID segmentId, ArchiveObject object, Instant at);

  /**
   * Records a successful verification: the segment becomes VERIFIED and (the first time) its
   * ranges become ARCHIVED lifecycle ranges, which purging requires.
   */
  void verified(UUID segmentId, Instant at);

  /** Records a failed verification: the segment becomes FAILED with the error. */
  void failed(UUID segmentId, String error, Instant at);

  /**
   * Removes the hot rows of a verified, not yet purged segment through the store's narrow,
   * audited purge path.
   *
   * @return how many rows were removed
   * @throws IllegalStateException when the segment is not verified
   */
  long purge(UUID segmentId, Instant at);

  /**
   * Cold marking: every verified segment of the company stored before {@code storedBefore} and
   * not yet cold becomes cold at {@code at}.
   *
   * @return how many segments were marked
   */
  int markCold(UUID companyId, Instant storedBefore, Instant at);
}
