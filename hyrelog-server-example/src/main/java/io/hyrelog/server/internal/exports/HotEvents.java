package io.hyrelog.server.internal.exports;

import io.hyrelog.AuditEvent;
import io.hyrelog.spi.EventQuery;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Per-chain reads of the hot store over one consistent snapshot ({@code
 * ExportJobs.HotSnapshot}); one open stream at a time. Not thread-safe.
 */
interface HotEvents extends AutoCloseable {
  /** The lowest stored seq of {@code chain} in {@code after+1..upTo}, whatever the filters. */
  OptionalLong firstSeq(UUID chain, long after, long upTo);

  /**
   * The events of {@code chain} in {@code after+1..upTo} matching {@code filter}, by seq. With
   * {@code continuous}, the chain's stored rows must start at {@code after+1} (the caller has
   * everything up to {@code after}); otherwise they may start later (a purged prefix).
   */
  Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter,
      boolean continuous);

  @Override
  void close();
}
