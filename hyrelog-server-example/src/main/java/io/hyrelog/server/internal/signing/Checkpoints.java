package io.hyrelog.server.internal.signing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.spi.EventStore;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Signed checkpoints of chains at their current head. The Merkle root covers the whole chain,
 * read across the hot/archive boundary ({@link Archival#readChain}), so a checkpoint still
 * works after retention purged the chain's first events (it needs their segments readable: a
 * cold segment answers 409 RESTORE_REQUIRED). Signed notes are cached by chain and head seq
 * (bounded), so repeated requests at an unchanged head read nothing but the head.
 * Thread-safe.
 */
public final class Checkpoints {
  private final ServerSigning signing;
  private final Cache<Key, String> cache;

  private record Key(UUID chain, long seq, int keyId) {}

  public Checkpoints(ServerSigning signing, int maxCached) {
    this.signing = signing;
    this.cache = Caffeine.newBuilder().maximumSize(maxCached).build();
  }

  /**
   * The signed note of {@code chain}'s checkpoint at its current head.
   *
   * @throws io.hyrelog.server.internal.ApiException 503 when signing is not configured
   * @throws io.hyrelog.archive.ColdSegmentException when a purged range's segment is cold
   * @throws HyrelogException when the stored events do not end at the head (verify the chain)
   */
  public String signedNote(EventStore store, Archival archival, EventScope chain) {
    SigningKeys keys = signing.require();
    Optional<ChainHead> head = store.head(chain);
    long seq = head.map(ChainHead::seq).orElse(0L);
    Key key = new Key(chain.workspaceId(), seq, keys.active().verifier().keyId());
    String cached = cache.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    ChainCheckpoint cp = checkpoint(archival, chain, seq,
        head.map(ChainHead::hash).orElse(Digest.ZERO));
    String text = cp.toCheckpoint().body();
    String note = new SignedNote(text, List.of(keys.active().sign(text))).format();
    cache.put(key, note);
    return note;
  }

  private ChainCheckpoint checkpoint(Archival archival, EventScope chain, long headSeq,
      Digest headHash) {
    String ns = signing.namespace();
    if (headSeq == 0) {
      return new ChainCheckpoint(ns, chain.workspaceId(), 0, MerkleTree.emptyRoot(),
          Digest.ZERO);
    }
    MerkleTree tree = new MerkleTree();
    Digest last = Digest.ZERO;
    try (Stream<AuditEvent> events = archival.readChain(chain, 1, headSeq)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        if (e.seq() != tree.size() + 1) {
          throw new HyrelogException("chain " + chain.workspaceId() + " has seq " + e.seq()
              + " where " + (tree.size() + 1) + " was expected; verify the chain");
        }
        tree.append(e.hash());
        last = e.hash();
      }
    }
    if (tree.size() != headSeq || !last.equals(headHash)) {
      throw new HyrelogException("chain " + chain.workspaceId() + " read " + tree.size()
          + " events up to a head at seq " + headSeq + "; verify the chain");
    }
    return new ChainCheckpoint(ns, chain.workspaceId(), headSeq, tree.root(), last);
  }
}
