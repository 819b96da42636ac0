package io.hyrelog.compliance.evidence;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.export.EventProofs;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.InvalidProofException;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.tlog.TileCache;
import io.hyrelog.tlog.TileSource;
import io.hyrelog.tlog.TiledTree;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The proofs entry of a bundle: written after the events (a chain's checkpoint size, its last
 * seq in the bundle, is known only then) from the chains' tiles, one chain at a time (at most
 * {@value #CACHED_TILES} tiles kept). Each chain's events are one contiguous seq range, so the
 * proofs need only the ranges; to tie the tiles to the events written, a SHA-256 over each
 * chain's event hashes in order is kept while the events stream, and the same over the proofs'
 * leaf hashes must equal it. Every proof is verified against the checkpoint's root. Not
 * thread-safe.
 */
final class BundleProofs {
  static final int CACHED_TILES = 16;

  private final Function<UUID, TileSource> tiles;
  private final Map<UUID, MessageDigest> eventHashes = new HashMap<>();

  BundleProofs(Function<UUID, TileSource> tiles) {
    this.tiles = tiles;
  }

  /** Notes an event written to the bundle. */
  void event(AuditEvent e) {
    eventHashes.computeIfAbsent(e.workspaceId(), k -> Digest.newSha256())
        .update(e.hash().bytes());
  }

  /** Writes one proof line per event, chain range after chain range in the events' order. */
  void write(List<io.hyrelog.integrity.ChainRange> ranges,
      Map<UUID, ChainCheckpoint> checkpoints, EventProofs.Writer out) throws IOException {
    for (io.hyrelog.integrity.ChainRange c : ranges) {
      ChainCheckpoint cp = checkpoints.get(c.chainId());
      TiledTree tree = TiledTree.of(cp.size(), new TileCache(tiles.apply(c.chainId()),
          CACHED_TILES));
      MessageDigest leaves = Digest.newSha256();
      for (long seq = c.firstSeq(); seq <= c.lastSeq(); seq++) {
        InclusionProof p = tree.inclusionProof(seq - 1);
        try {
          MerkleProofs.verifyInclusion(p, cp.root());
        } catch (InvalidProofException e) {
          throw new EvidenceException("the stored Merkle tree of chain " + c.chainId()
              + " does not prove seq " + seq + " in the bundle's checkpoint (" + e.reason()
              + "); verify the chain", e);
        }
        leaves.update(p.leafHash().bytes());
        out.write(new EventProofs.ProofLine(c.chainId(), seq, p));
      }
      MessageDigest events = eventHashes.get(c.chainId());
      if (events == null || !MessageDigest.isEqual(leaves.digest(), events.digest())) {
        throw new EvidenceException("the stored Merkle tree of chain " + c.chainId()
            + " holds other hashes than the bundle's events of seqs " + c.firstSeq() + ".."
            + c.lastSeq() + "; verify the chain");
      }
    }
  }
}
