package io.hyrelog.testkit;

import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link ArchiveCatalog} that passes every call to a real one; tests override one method to
 * fail, pause or observe at that step (crash tests).
 */
public class ForwardingArchiveCatalog implements ArchiveCatalog {
  private final ArchiveCatalog delegate;

  /**
   * A catalog that forwards every call to {@code delegate}.
   *
   * @param delegate the catalog calls go to
   */
  public ForwardingArchiveCatalog(ArchiveCatalog delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The catalog calls go to. */
  protected ArchiveCatalog delegate() {
    return delegate;
  }

  @Override
  public long markCandidates(UUID companyId, Instant cutoff, Instant markedAt) {
    return delegate.markCandidates(companyId, cutoff, markedAt);
  }

  @Override
  public List<LocalDate> candidateDays(UUID companyId) {
    return delegate.candidateDays(companyId);
  }

  @Override
  public Optional<ArchiveSegment> plan(UUID companyId, LocalDate day, UUID segmentId,
      String key, Instant now) {
    return delegate.plan(companyId, day, segmentId, key, now);
  }

  @Override
  public Optional<ArchiveSegment> segment(UUID segmentId) {
    return delegate.segment(segmentId);
  }

  @Override
  public List<ArchiveSegment> segments(List<ArchiveSegment.Status> statuses) {
    return delegate.segments(statuses);
  }

  @Override
  public List<ArchiveSegment> segments(UUID companyId) {
    return delegate.segments(companyId);
  }

  @Override
  public void uploaded(UUID segmentId, ArchiveObject object, Instant at) {
    delegate.uploaded(segmentId, object, at);
  }

  @Override
  public void verified(UUID segmentId, Instant at) {
    delegate.verified(segmentId, at);
  }

  @Override
  public void failed(UUID segmentId, String error, Instant at) {
    delegate.failed(segmentId, error, at);
  }

  @Override
  public long purge(UUID segmentId, Instant at) {
    return delegate.purge(segmentId, at);
  }

  @Override
  public int markCold(UUID companyId, Instant storedBefore, Instant at) {
    return delegate.markCold(companyId, storedBefore, at);
  }

  @Override
  public boolean expire(UUID segmentId, Instant at) {
    return delegate.expire(segmentId, at);
  }
}
