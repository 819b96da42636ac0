package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.archive.ArchiveIntegrityException;
import io.hyrelog.archive.ExpiredPrefix;
import io.hyrelog.archive.Archival;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.EventStore;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Incremental verification: per chain, the prefix this process has verified — its last seq,
 * that event's hash and the Merkle frontier of seqs 1..seq (O(log n) digests) — so a repeated
 * verify or checkpoint reads and checks only the events appended since, and that the first of
 * them links to the remembered hash. The first verify of a chain in a process reads it from
 * seq 1 (archived seqs from their segments, each checked against its recorded hashes).
 *
 * <p>Where it is remembered: in this process's memory only (at most {@value #MAX_CHAINS}
 * chains, least recently used dropped first; a dropped or restarted chain is verified from seq
 * 1 again). Never in the database, so nobody who can write the database can change what this
 * process believes it verified. What that does not cover: an event at or below the remembered
 * seq rewritten in the database afterwards (together with every later hash, or else the link
 * check finds it) is not seen by a repeated verify of this process — the daily {@code
 * chains.verify} job, which always reads from seq 1, a verify after a restart and any offline
 * verification of an export still find it. Tampering above the remembered seq, a broken link
 * to it, or a head that moved backwards or changed its hash are found at once (the latter two
 * by verifying from seq 1 again). Thread-safe.
 */
public final class VerifiedChains {
  static final int MAX_CHAINS = 10_000;

  /** A verified prefix: seqs 1..seq, the hash at seq and the Merkle tree over 1..seq. */
  public record Prefix(long seq, Digest hash, MerkleTree tree) {
    static final Prefix EMPTY = new Prefix(0, Digest.ZERO, new MerkleTree());

    /** The Merkle root over seqs 1..seq. */
    public Digest root() {
      return tree.copy().root(); // root() uses the tree's digest instance: not on a shared one
    }
  }

  /**
   * One verification: the report over the whole chain, where this call began checking, and
   * the chain's verified prefix (empty when it failed).
   */
  public record Outcome(VerificationReport report, long checkedFromSeq, long checkedEvents,
      Optional<Prefix> verified) {}

  /**
   * Reads a chain's events {@code fromSeq..toSeq} in seq order (the server passes {@link
   * Archival#readChain}, which reads purged seqs from their segments).
   */
  @FunctionalInterface
  public interface ChainReader {
    Stream<AuditEvent> read(EventScope chain, long fromSeq, long toSeq);
  }

  private final Cache<UUID, Prefix> prefixes = Caffeine.newBuilder().maximumSize(MAX_CHAINS)
      .build();

  /**
   * Verifies {@code chain} up to its current head, reading only what lies beyond the prefix
   * verified before.
   *
   * @param store where the chain's head is read
   * @param reader where its events are read
   * @throws io.hyrelog.archive.ColdSegmentException when it must read a cold segment
   */
  public Outcome verify(EventStore store, ChainReader reader, EventScope chain) {
    return verify(store, reader, chain, Optional.empty());
  }

  /**
   * As {@link #verify(EventStore, ChainReader, EventScope)}, for a chain whose seqs {@code 1..N}
   * expired ({@code expired}): a verification from the start begins at seq N+1, which must link
   * to the recorded hash of N. Such a verified prefix is not remembered (no Merkle frontier can
   * be built without seqs 1..N; checkpoints take the root from the stored tiles).
   *
   * @param store where the chain's head is read
   * @param reader where its events are read
   * @param chain the chain
   * @param expired the chain's expired prefix, if any
   * @return the outcome
   */
  public Outcome verify(EventStore store, ChainReader reader, EventScope chain,
      Optional<ExpiredPrefix> expired) {
    UUID ws = chain.requireWorkspace().workspaceId();
    Optional<ChainHead> head = store.head(chain);
    long headSeq = head.map(ChainHead::seq).orElse(0L);
    Digest headHash = head.map(ChainHead::hash).orElse(Digest.ZERO);
    Prefix from = prefixes.getIfPresent(ws);
    if (from == null || from.seq() > headSeq
        || (from.seq() == headSeq && !from.hash().equals(headHash))) {
      from = Prefix.EMPTY; // nothing remembered, or the head moved back: from seq 1
    }
    MerkleTree tree = from.tree().copy();
    ChainVerifier v = ChainVerifier.builder().expectChains(List.of(ws)).build();
    IntegrityFailure failure = null;
    long last = from.seq();
    Digest lastHash = from.hash();
    long start = 1;
    Digest startPrev = Digest.ZERO;
    boolean fromExpired = expired.isPresent() && from.seq() < expired.get().throughSeq();
    if (fromExpired) {
      last = expired.get().throughSeq();
      lastHash = expired.get().lastHash();
      start = last + 1;
      startPrev = lastHash;
      from = new Prefix(last, lastHash, new MerkleTree());
    }
    if (headSeq > from.seq()) {
      try (Stream<AuditEvent> s = reader.read(chain, from.seq() + 1, headSeq)) {
        for (Iterator<AuditEvent> it = s.iterator(); it.hasNext(); ) {
          AuditEvent e = it.next();
          if (e.seq() > last + 1) {
            failure = new IntegrityFailure(ws, last + 1, 0, FailureReason.GAP, "expected seq "
                + (last + 1) + ", found seq " + e.seq());
            break;
          }
          if (e.seq() == last + 1 && !e.prevHash().equals(lastHash)) {
            failure = new IntegrityFailure(ws, e.seq(), 0, FailureReason.BROKEN_LINK, "prevHash "
                + e.prevHash().hex() + " is not the hash of seq " + last + ", "
                + lastHash.hex());
            break;
          }
          if (!v.accept(e)) {
            break; // the verifier's report names the failure
          }
          tree.append(e.hash());
          last = e.seq();
          lastHash = e.hash();
        }
      } catch (ArchiveIntegrityException e) {
        failure = new IntegrityFailure(ws, -1, -1, FailureReason.ARCHIVE_MISMATCH,
            e.getMessage());
      }
    }
    VerificationReport checked = v.finish();
    if (failure == null) {
      failure = checked.failure().orElse(null);
    }
    if (failure == null && (last != headSeq || !lastHash.equals(headHash))) {
      failure = new IntegrityFailure(ws, last + 1, 0, FailureReason.GAP, "the stored events"
          + " end at seq " + last + (last == headSeq ? " with another hash than" : " but")
          + " the chain head (seq " + headSeq + ")");
    }
    long checkedEvents = checked.events();
    List<ChainRange> range = last < start ? List.of()
        : List.of(new ChainRange(ws, start, startPrev, last, lastHash, last - start + 1, 0));
    VerificationReport report = new VerificationReport(Math.max(0, last - start + 1), range, 0,
        Optional.ofNullable(failure));
    if (failure != null || fromExpired) {
      return new Outcome(report, from.seq() + 1, checkedEvents, Optional.empty());
    }
    Prefix verified = new Prefix(last, lastHash, tree);
    prefixes.asMap().merge(ws, verified, (a, b) -> a.seq() >= b.seq() ? a : b);
    return new Outcome(report, from.seq() + 1, checkedEvents, Optional.of(verified));
  }
}
