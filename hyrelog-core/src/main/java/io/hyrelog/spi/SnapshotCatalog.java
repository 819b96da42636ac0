package io.hyrelog.spi;

import io.hyrelog.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The record of signed snapshots, next to the events (the PostgreSQL adapter keeps it in the
 * same database): which period of a company each snapshot covers, where its signed manifest is
 * stored, and the seq range of each chain it seals; plus the two reads that decide a period's
 * seq range (of the events and the {@link ArchiveCatalog} in the same storage). The testkit's
 * {@code SnapshotCatalogContract} checks every implementation.
 *
 * <p>Implementations MUST be thread-safe and safe with several processes: of two callers
 * recording the same company and period, exactly one succeeds; a recorded snapshot and its
 * sealed ranges never change and are never removed; a chain range is sealed by one snapshot
 * only (two snapshots never seal ranges of one chain starting at the same seq). Instants keep
 * microsecond precision (finer digits MAY be lost). A snapshot names an existing company;
 * callers MUST keep to this (an adapter with foreign keys refuses anything else).
 *
 * <p>Which events belong to a period {@code [from, to)} of recorded time is decided per chain:
 * an event counts at the latest recorded time at or before its seq (the running maximum along
 * the chain, the rule retention uses), so a clock step back never splits a range.
 */
public interface SnapshotCatalog {

  /**
   * A recorded snapshot.
   *
   * @param id the snapshot's id
   * @param from the period's start (inclusive)
   * @param to the period's end (exclusive), after {@code from}
   * @param manifestSha256 the SHA-256 of the stored manifest
   * @param manifestKey the archive key of the manifest
   * @param signatureKey the archive key of its signature
   * @param keyName the name of the signing key
   * @param keyId the signing key's id, 8 lowercase hex digits
   * @param chains how many chains it seals
   * @param events how many events it covers
   * @param createdAt when it was recorded
   * @param companyId the company whose events it covers
   */
  record Snapshot(UUID id, UUID companyId, Instant from, Instant to, Digest manifestSha256,
      String manifestKey, String signatureKey, String keyName, String keyId, int chains,
      long events, Instant createdAt) {
    /**
     * Validates the snapshot.
     *
     * @param id the snapshot's id
     * @param companyId the company whose events it covers
     * @param from the period's start (inclusive)
     * @param to the period's end (exclusive), after {@code from}
     * @param manifestSha256 the SHA-256 of the stored manifest
     * @param manifestKey the archive key of the manifest
     * @param signatureKey the archive key of its signature
     * @param keyName the name of the signing key
     * @param keyId the signing key's id, 8 lowercase hex digits
     * @param chains how many chains it seals
     * @param events how many events it covers
     * @param createdAt when it was recorded
     */
    public Snapshot {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(manifestSha256, "manifestSha256");
      Objects.requireNonNull(manifestKey, "manifestKey");
      Objects.requireNonNull(signatureKey, "signatureKey");
      Objects.requireNonNull(keyName, "keyName");
      Objects.requireNonNull(createdAt, "createdAt");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("a snapshot period starts before it ends, got "
            + from + " .. " + to);
      }
      if (!keyId.matches("[0-9a-f]{8}")) {
        throw new IllegalArgumentException("keyId is 8 lowercase hex digits, got '" + keyId
            + "'");
      }
      if (chains < 0 || events < 0) {
        throw new IllegalArgumentException("chains and events are >= 0, got " + chains
            + " and " + events);
      }
    }
  }

  /**
   * The seqs {@code fromSeq..toSeq} of one chain that a snapshot seals.
   *
   * @param workspaceId the chain
   * @param fromSeq the first sealed seq, at least 1
   * @param toSeq the last sealed seq, at least {@code fromSeq}
   */
  record SealedRange(UUID workspaceId, long fromSeq, long toSeq) {
    /**
     * Validates the range.
     *
     * @param workspaceId the chain
     * @param fromSeq the first sealed seq, at least 1
     * @param toSeq the last sealed seq, at least {@code fromSeq}
     * @throws IllegalArgumentException when {@code fromSeq < 1} or {@code toSeq < fromSeq}
     */
    public SealedRange {
      Objects.requireNonNull(workspaceId, "workspaceId");
      if (fromSeq < 1 || toSeq < fromSeq) {
        throw new IllegalArgumentException("invalid seq range " + fromSeq + ".." + toSeq
            + " of chain " + workspaceId);
      }
    }
  }

  /**
   * The snapshot of exactly this company and period, if recorded.
   *
   * @param companyId the company
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the snapshot, or empty
   */
  Optional<Snapshot> find(UUID companyId, Instant from, Instant to);

  /**
   * A snapshot of the company whose period overlaps {@code [from, to)}, if any: the one that
   * starts first.
   *
   * @param companyId the company
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the earliest overlapping snapshot, or empty
   */
  Optional<Snapshot> overlapping(UUID companyId, Instant from, Instant to);

  /**
   * The seq range of a chain's events in {@code [from, to)} when the hot store still holds
   * them: from the first seq recorded at or after {@code from} up to the seq before the first
   * one recorded at or after {@code to}; empty when the chain has none.
   *
   * @param workspaceId the chain
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the seq range, or empty
   */
  Optional<SealedRange> periodRange(UUID workspaceId, Instant from, Instant to);

  /**
   * Where the period starting at {@code from} must be found by reading the chain across the
   * hot/archive boundary because purging removed hot rows of it: a seq at or before the
   * period's first event, taken from the archival ranges of the period's UTC days. Empty when
   * nothing of the period was purged ({@link #periodRange} applies).
   *
   * @param workspaceId the chain
   * @param from the period's start
   * @return the seq to start scanning at, or empty
   */
  OptionalLong purgedScanStart(UUID workspaceId, Instant from);

  /**
   * Records a snapshot and its sealed ranges, atomically.
   *
   * @param snapshot the snapshot
   * @param ranges the ranges it seals
   * @return false when a snapshot of the same company and period was recorded first (nothing
   *     of this one is recorded)
   * @throws AlreadyStoredException when the snapshot's id, manifest key or signature key is
   *     taken, or a range's chain and first seq are sealed already (nothing recorded)
   */
  boolean record(Snapshot snapshot, List<SealedRange> ranges);

  /**
   * The ranges a snapshot seals, by workspace id (in the order of its canonical text), then
   * seq; empty for an unknown snapshot.
   *
   * @param snapshotId the snapshot's id
   * @return the ranges, possibly empty
   */
  List<SealedRange> sealed(UUID snapshotId);
}
