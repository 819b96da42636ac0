package io.hyrelog.compliance.evidence;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.streams.LookAheadIterator;
import io.hyrelog.tlog.TiledTree;
import io.hyrelog.tlog.TileSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The events of a period of recorded time {@code [from, to)}, read chain after chain, with each
 * chain's Merkle root at the period's last seq (what the bundle's checkpoints sign): from the
 * chain's stored tree when the {@link Chain} offers its tiles (then reading may start at the
 * period's first seq), else computed while reading the chain from seq 1.
 *
 * <p>An event belongs to the period by the latest recorded time at or before its seq (the rule
 * retention and snapshots use), so a chain's period events form one contiguous seq range even
 * when a writer's clock stepped back: a bundle and a snapshot of the same period hold the same
 * ranges. A chain is read only up to its first event past the period; its stream is then
 * closed. Memory: one open chain, plus one root per chain with events in the period.
 *
 * <p>Not thread-safe; iterate once and close.
 */
public final class PeriodEvents extends LookAheadIterator<AuditEvent>
    implements CheckpointRoots, AutoCloseable {
  private record Root(long size, Digest root) {}

  /**
   * One chain to read: its events from {@code firstSeq} in seq order. The caller guarantees that
   * every event before {@code firstSeq} counts before the period (e.g. it was recorded before
   * the period's start, or lies in an archival range of an earlier UTC day). The chain has its
   * Merkle root when it offers its stored tree's {@code tiles} (the root at the period's last
   * seq comes from them, after checking that their leaf there is that event's hash), or when it
   * is read from seq 1 (the root is computed from the events); otherwise it has none.
   *
   * @param firstSeq the first seq to read, at least 1
   * @param events opens the chain's events from {@code firstSeq}, in seq order
   * @param tiles the chain's stored tree, covering at least every seq {@code events} returns;
   *     or empty
   */
  public record Chain(long firstSeq, Supplier<Stream<AuditEvent>> events,
      Optional<TileSource> tiles) {
    /**
     * Validates the chain.
     *
     * @param firstSeq the first seq to read, at least 1
     * @param events opens the chain's events from {@code firstSeq}, in seq order
     * @param tiles the chain's stored tree, or empty
     */
    public Chain {
      if (firstSeq < 1) {
        throw new IllegalArgumentException("firstSeq must be >= 1, got " + firstSeq);
      }
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(tiles, "tiles");
    }

    /**
     * A chain without a stored tree: it has roots only when read from seq 1.
     *
     * @param firstSeq the first seq to read, at least 1
     * @param events opens the chain's events from {@code firstSeq}, in seq order
     */
    public Chain(long firstSeq, Supplier<Stream<AuditEvent>> events) {
      this(firstSeq, events, Optional.empty());
    }
  }

  private final Instant from;
  private final Instant to;
  private final Iterator<Chain> chains;
  private final Map<UUID, Root> roots = new HashMap<>();
  private Stream<AuditEvent> open;
  private Iterator<AuditEvent> it;
  private MerkleTree tree;
  private TileSource tiles;
  private long expected;
  private Instant latest;
  private AuditEvent last;
  private boolean inPeriod;

  private PeriodEvents(Instant from, Instant to, List<Chain> chains) {
    this.from = Objects.requireNonNull(from, "from");
    this.to = Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
    this.chains = List.copyOf(chains).iterator();
  }

  /**
   * @param chains one supplier per chain, each opening that chain's events from seq 1 in seq
   *     order (up to any head: reading stops at the period's end)
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return the period's events
   */
  public static PeriodEvents of(Instant from, Instant to,
      List<Supplier<Stream<AuditEvent>>> chains) {
    return ofChains(from, to, chains.stream().map(c -> new Chain(1, c)).toList());
  }

  /**
   * The period's events of chains read from the given seqs (roots only for seq 1).
   *
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @param chains the chains and where to start reading them
   * @return the period's events
   */
  public static PeriodEvents ofChains(Instant from, Instant to, List<Chain> chains) {
    return new PeriodEvents(from, to, chains);
  }

  /**
   * The period's start (inclusive).
   *
   * @return the start
   */
  public Instant from() {
    return from;
  }

  /**
   * The period's end (exclusive).
   *
   * @return the end
   */
  public Instant to() {
    return to;
  }

  @Override
  protected AuditEvent computeNext() {
    while (true) {
      if (it == null) {
        if (!chains.hasNext()) {
          return endOfData();
        }
        Chain c = chains.next();
        open = Objects.requireNonNull(c.events().get(), "a chain's stream");
        it = open.iterator();
        expected = c.firstSeq();
        tiles = c.tiles().orElse(null);
        tree = tiles == null && c.firstSeq() == 1 ? new MerkleTree() : null;
        latest = Instant.MIN;
        last = null;
        inPeriod = false;
      }
      if (!it.hasNext()) {
        endChain();
        continue;
      }
      AuditEvent e = it.next();
      if (last != null && !e.workspaceId().equals(last.workspaceId())) {
        throw new HyrelogException("a chain's stream returned events of two chains ("
            + last.workspaceId() + ", " + e.workspaceId() + ")");
      }
      if (e.seq() != expected) {
        throw new HyrelogException("chain " + e.workspaceId() + " has seq " + e.seq()
            + " where " + expected + " was expected; verify the chain");
      }
      expected++;
      if (e.recordedAt().isAfter(latest)) {
        latest = e.recordedAt();
      }
      if (!latest.isBefore(to)) {
        endChain();
        continue;
      }
      if (tree != null) {
        tree.append(e.hash());
      }
      last = e;
      if (!latest.isBefore(from)) {
        inPeriod = true;
        return e;
      }
    }
  }

  private void endChain() {
    if (inPeriod && tiles != null) {
      TiledTree stored = TiledTree.of(last.seq(), tiles);
      if (!stored.leafHash(last.seq() - 1).equals(last.hash())) {
        throw new HyrelogException("chain " + last.workspaceId() + ": the stored Merkle tree"
            + " holds another hash than the event at seq " + last.seq() + "; verify the chain");
      }
      roots.put(last.workspaceId(), new Root(last.seq(), stored.root()));
    } else if (inPeriod && tree != null) {
      roots.put(last.workspaceId(), new Root(last.seq(), tree.root()));
    }
    closeChain();
  }

  @Override
  public Digest root(UUID chainId, long size) {
    Root r = roots.get(chainId);
    if (r == null || r.size() != size) {
      throw new IllegalArgumentException("no Merkle root of chain " + chainId + " at seq "
          + size + " (the chain's period ends at " + (r == null ? "no seq" : "seq " + r.size())
          + ")");
    }
    return r.root();
  }

  private void closeChain() {
    Stream<AuditEvent> s = open;
    open = null;
    it = null;
    tiles = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void close() {
    closeChain();
  }
}
