package io.hyrelog.server.internal.exports;

import io.hyrelog.AuditEvent;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where exports read archived events: the port the archival work implements (on the archive
 * store and the {@code archive_segments} tables of {@code V4__archival.sql}). Implementations
 * MUST be thread-safe.
 */
public interface ArchiveSource {
  /**
   * The company's VERIFIED segments, in (day, key) order, with their per-chain ranges and
   * whether each is cold and not restored. Within one chain, a later segment MUST hold higher
   * seqs than an earlier one.
   */
  List<ArchivedSegment> segments(UUID companyId);

  /**
   * The events of one segment in file order, read from the archive store and checked (SHA-256
   * and chain) before or while they are emitted; throws an exception naming the segment if it
   * does not match. Caller closes.
   */
  Stream<AuditEvent> read(ArchivedSegment segment);

  /** No archive (what the server uses until archival is wired): no segments. */
  ArchiveSource NONE = new ArchiveSource() {
    @Override
    public List<ArchivedSegment> segments(UUID companyId) {
      return List.of();
    }

    @Override
    public Stream<AuditEvent> read(ArchivedSegment segment) {
      throw new IllegalStateException("no archive is configured, segment " + segment.id()
          + " cannot be read");
    }

    @Override
    public String toString() {
      return "ArchiveSource.NONE";
    }
  };
}
