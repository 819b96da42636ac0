package io.hyrelog.spi;

import io.hyrelog.Digest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One archive object: the events of one company recorded on one UTC day, one contiguous seq
 * range per chain, as gzipped JSONL in the core export format.
 *
 * @param id the segment's id (the "archive id" users see)
 * @param companyId the company whose events it holds
 * @param day the UTC day of the events' recorded time
 * @param key the object key, {@code archives/{companyId}/{YYYY}/{MM}/{DD}/…}
 * @param status where the segment stands
 * @param events how many events it holds
 * @param minRecordedAt the earliest recorded time of its events
 * @param maxRecordedAt the latest recorded time of its events
 * @param object size and SHA-256 of the stored object, once uploaded
 * @param createdAt when it was planned
 * @param verifiedAt when it first verified
 * @param verificationError the latest verification's failure, when {@link Status#FAILED}
 * @param purgedAt when its hot rows were purged
 * @param coldAt when it moved to the cold tier
 * @param restoredUntil until when a restored copy of a cold segment is readable
 * @param expiredAt when its archive retention ended and it became {@link Status#EXPIRED}
 * @param ranges its chain ranges, in (workspace id, seq) order
 */
public record ArchiveSegment(
    UUID id,
    UUID companyId,
    LocalDate day,
    String key,
    Status status,
    long events,
    Instant minRecordedAt,
    Instant maxRecordedAt,
    Optional<ArchiveObject> object,
    Instant createdAt,
    Optional<Instant> verifiedAt,
    Optional<String> verificationError,
    Optional<Instant> purgedAt,
    Optional<Instant> coldAt,
    Optional<Instant> restoredUntil,
    Optional<Instant> expiredAt,
    List<Range> ranges) {

  /** The life of a segment. */
  public enum Status {
    /** Ranges chosen and key fixed; the object may or may not have been written yet. */
    PENDING,
    /** The object is stored and its size and SHA-256 recorded; not yet verified. */
    UPLOADED,
    /** Re-read, re-hashed and its chains checked against the database. */
    VERIFIED,
    /** The latest verification failed ({@link #verificationError()} says how). */
    FAILED,
    /**
     * Its archive retention ended: the events are gone by policy (the object is deleted or
     * about to be), while the record and its ranges' boundary hashes stay, so each chain's next
     * seq still links to the hash of the last expired one.
     */
    EXPIRED
  }

  /**
   * One chain's part of a segment.
   *
   * @param firstPrevHash the prevHash of the event at {@code fromSeq}
   * @param lastHash the hash of the event at {@code toSeq}
   * @param workspaceId the chain
   * @param fromSeq the first seq of the range, at least 1
   * @param toSeq the last seq of the range, at least {@code fromSeq}
   */
  public record Range(UUID workspaceId, long fromSeq, long toSeq, Digest firstPrevHash,
      Digest lastHash) {
    /**
     * Validates the range.
     *
     * @param workspaceId the chain
     * @param fromSeq the first seq of the range, at least 1
     * @param toSeq the last seq of the range, at least {@code fromSeq}
     * @param firstPrevHash the prevHash of the event at {@code fromSeq}
     * @param lastHash the hash of the event at {@code toSeq}
     * @throws IllegalArgumentException when {@code fromSeq < 1} or {@code toSeq < fromSeq}
     */
    public Range {
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(firstPrevHash, "firstPrevHash");
      Objects.requireNonNull(lastHash, "lastHash");
      if (fromSeq < 1 || toSeq < fromSeq) {
        throw new IllegalArgumentException(
            "invalid seq range " + fromSeq + ".." + toSeq + " of chain " + workspaceId);
      }
    }

    /**
     * The number of events in the range.
     *
     * @return {@code toSeq - fromSeq + 1}
     */
    public long events() {
      return toSeq - fromSeq + 1;
    }
  }

  /**
   * Validates the segment.
   *
   * @param id the segment's id (the "archive id" users see)
   * @param companyId the company whose events it holds
   * @param day the UTC day of the events' recorded time
   * @param key the object key, {@code archives/{companyId}/{YYYY}/{MM}/{DD}/…}
   * @param status where the segment stands
   * @param events how many events it holds
   * @param minRecordedAt the earliest recorded time of its events
   * @param maxRecordedAt the latest recorded time of its events
   * @param object size and SHA-256 of the stored object, once uploaded
   * @param createdAt when it was planned
   * @param verifiedAt when it first verified
   * @param verificationError the latest verification's failure, when {@link Status#FAILED}
   * @param purgedAt when its hot rows were purged
   * @param coldAt when it moved to the cold tier
   * @param restoredUntil until when a restored copy of a cold segment is readable
   * @param expiredAt when its archive retention ended and it became {@link Status#EXPIRED}
   * @param ranges its chain ranges, in (workspace id, seq) order
   */
  public ArchiveSegment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(day, "day");
    ArchiveStore.requireValidKey(key);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(minRecordedAt, "minRecordedAt");
    Objects.requireNonNull(maxRecordedAt, "maxRecordedAt");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(verifiedAt, "verifiedAt");
    Objects.requireNonNull(verificationError, "verificationError");
    Objects.requireNonNull(purgedAt, "purgedAt");
    Objects.requireNonNull(coldAt, "coldAt");
    Objects.requireNonNull(restoredUntil, "restoredUntil");
    Objects.requireNonNull(expiredAt, "expiredAt");
    if ((status == Status.EXPIRED) != expiredAt.isPresent()) {
      throw new IllegalArgumentException("segment " + id + " is " + status
          + (expiredAt.isPresent() ? " but has" : " without") + " an expiry time");
    }
    ranges = List.copyOf(ranges);
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("segment " + id + " has no chain ranges");
    }
    if (ranges.stream().mapToLong(Range::events).sum() != events) {
      throw new IllegalArgumentException("segment " + id + " counts " + events
          + " events but its ranges hold " + ranges.stream().mapToLong(Range::events).sum());
    }
  }

  /**
   * Whether reading it needs a restore first: cold, and no restored copy readable at {@code now}.
   *
   * @param now the instant of the read
   * @return true when a read must wait for a restore
   */
  public boolean coldAndNotRestoredAt(Instant now) {
    return status != Status.EXPIRED && coldAt.isPresent() && restoredUntil.map(u -> !u.isAfter(now)).orElse(true);
  }
}
