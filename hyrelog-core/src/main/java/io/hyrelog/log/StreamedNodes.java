package io.hyrelog.log;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.MerkleNode;
import io.hyrelog.integrity.MerkleNodeReader;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.spi.EventStore;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Node hashes of a chain's Merkle tree computed by streaming its events once, for stores that
 * keep no tree: O(n) reads, O(log n) memory. The nodes of one root or proof are disjoint, so one
 * pass from the first to the last leaf they cover hashes each in turn.
 */
final class StreamedNodes implements MerkleNodeReader {
  private final EventStore store;
  private final EventScope chain;

  StreamedNodes(EventStore store, EventScope chain) {
    this.store = store;
    this.chain = chain;
  }

  @Override
  public List<Digest> read(List<MerkleNode> nodes) {
    if (nodes.isEmpty()) {
      return List.of();
    }
    Integer[] order = new Integer[nodes.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingLong(i -> nodes.get(i).start()));
    for (int k = 1; k < order.length; k++) {
      if (nodes.get(order[k]).start() < nodes.get(order[k - 1]).end()) {
        throw new IllegalArgumentException("streamed nodes must not overlap");
      }
    }
    long fromSeq = nodes.get(order[0]).start() + 1;
    long toSeq = nodes.get(order[order.length - 1]).end();
    Digest[] out = new Digest[nodes.size()];
    int k = 0;
    MerkleTree current = new MerkleTree();
    long expected = fromSeq;
    try (Stream<AuditEvent> events = store.read(chain, fromSeq, toSeq)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext() && k < order.length; ) {
        AuditEvent e = it.next();
        if (e.seq() != expected) {
          throw new HyrelogException("chain " + chain.workspaceId() + " has seq " + e.seq()
              + " where " + expected + " was expected; verify the chain");
        }
        expected++;
        MerkleNode node = nodes.get(order[k]);
        long leaf = e.seq() - 1;
        if (leaf < node.start()) {
          continue;
        }
        current.append(e.hash());
        if (leaf == node.end() - 1) {
          out[order[k++]] = current.root();
          current = new MerkleTree();
        }
      }
    }
    if (k < order.length) {
      throw new HyrelogException("chain " + chain.workspaceId() + " ends at seq "
          + (expected - 1) + " in the store, before seq " + toSeq + " (events purged after"
          + " archival cannot be streamed; keep a stored tree)");
    }
    return List.of(out);
  }
}
