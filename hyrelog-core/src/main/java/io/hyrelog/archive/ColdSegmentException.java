package io.hyrelog.archive;

import io.hyrelog.HyrelogException;
import java.util.List;
import java.util.UUID;

/**
 * Reading needs archive segments that are in the cold tier and not restored. Request a restore
 * of the named segments and read again once it completes.
 */
public final class ColdSegmentException extends HyrelogException {
  /** The segments that need a restore. */
  private final List<UUID> segmentIds;

  /**
   * A read that needs cold segments restored first.
   *
   * @param segmentIds the segments that need a restore
   */
  public ColdSegmentException(List<UUID> segmentIds) {
    super("archive segments " + segmentIds + " are in the cold tier; restore them first");
    this.segmentIds = List.copyOf(segmentIds);
  }

  /**
   * The segments that need a restore.
   *
   * @return the segment ids
   */
  public List<UUID> segmentIds() {
    return segmentIds;
  }
}
