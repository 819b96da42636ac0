package io.hyrelog.server.internal.exports;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventScope;
import io.hyrelog.export.EventProofs;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.signing.Checkpoints;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.tlog.TileCache;
import io.hyrelog.tlog.TiledTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The proofs companion of an export ({@code GET /v1/exports/{jobId}/proofs}, {@code
 * docs/format.md} §9.3): one signed checkpoint per chain of the job's snapshot, at the head the
 * snapshot recorded (the same note on every download), then, for every exported event in the
 * export's order, its RFC 9162 inclusion proof in that checkpoint's tree, computed from the
 * stored tiles. Memory: the checkpoints, and the tiles of one chain at a time ({@value
 * #CACHED_TILES} at most, dropped when the export moves to another chain). Thread-safe.
 */
final class ExportProofs {
  /** Tiles kept for the current chain: a proof reads about two per tile level. */
  static final int CACHED_TILES = 16;

  private final Checkpoints checkpoints;

  ExportProofs(Checkpoints checkpoints) {
    this.checkpoints = checkpoints;
  }

  /**
   * Signs the checkpoints of the job's chains, before a byte is written.
   *
   * @throws ApiException 503 when signing is not configured; 409 when a chain does not verify
   *     or its stored Merkle tree does not yet cover the snapshot's head (tiles being
   *     back-filled)
   */
  List<EventProofs.CheckpointLine> checkpoints(Region region, ExportJobs.Job job) {
    return checkpoints(region, job.companyId(), job.heads());
  }

  /**
   * Signs the checkpoints of a company's chains at {@code heads}: what {@link
   * #checkpoints(Region, ExportJobs.Job)} does for a job, for any export fixed on heads.
   */
  List<EventProofs.CheckpointLine> checkpoints(Region region, UUID companyId,
      Map<UUID, Long> heads) {
    ChainTree tree = region.store().tree().orElseThrow(() -> new ApiException(
        ErrorCode.CONFLICT, "this store keeps no Merkle tree, so exports carry no proofs"));
    List<EventProofs.CheckpointLine> out = new ArrayList<>();
    for (Map.Entry<UUID, Long> h : heads.entrySet()) {
      if (h.getValue() < 1) {
        continue;
      }
      EventScope chain = EventScope.workspace(companyId, h.getKey());
      long stored = tree.size(chain);
      if (stored < h.getValue()) {
        throw new ApiException(ErrorCode.CONFLICT, "the Merkle tree of chain " + h.getKey()
            + " covers " + stored + " of the export's " + h.getValue() + " events; it is being"
            + " built by the chains.backfill_tiles job: download the proofs when it is done");
      }
      out.add(new EventProofs.CheckpointLine(h.getKey(), checkpoints.signedNoteAt(
          region.log(), region.archival(), chain, h.getValue())));
    }
    return out;
  }

  /** Writes one proof line per event, each in its chain's tree of the snapshot's head. */
  static final class Sink implements ExportMerge.EventSink {
    private final ChainTree tree;
    private final UUID companyId;
    private final Map<UUID, Long> heads;
    private final String export;
    private final EventProofs.Writer writer;
    private UUID chain;
    private TiledTree tiles;

    Sink(Region region, ExportJobs.Job job, EventProofs.Writer writer) {
      this(region, job.companyId(), job.heads(), "export " + job.id(), writer);
    }

    /**
     * @param heads the tree size of each chain's checkpoint
     * @param export what is exported, for messages
     */
    Sink(Region region, UUID companyId, Map<UUID, Long> heads, String export,
        EventProofs.Writer writer) {
      this.tree = region.store().tree().orElseThrow();
      this.companyId = companyId;
      this.heads = heads;
      this.export = export;
      this.writer = writer;
    }

    @Override
    public void accept(AuditEvent e) throws IOException {
      if (!e.workspaceId().equals(chain)) {
        chain = e.workspaceId();
        Long size = heads.get(chain);
        if (size == null || size < e.seq()) {
          throw new IllegalStateException(export + " wrote seq " + e.seq()
              + " of chain " + chain + ", beyond its snapshot");
        }
        tiles = TiledTree.of(size, new TileCache(
            tree.source(EventScope.workspace(companyId, chain)), CACHED_TILES));
      }
      InclusionProof p = tiles.inclusionProof(e.seq() - 1);
      if (!p.leafHash().equals(e.hash())) {
        throw new IllegalStateException("the stored Merkle tree of chain " + chain
            + " holds another hash than the event at seq " + e.seq() + "; verify the chain");
      }
      writer.write(new EventProofs.ProofLine(chain, e.seq(), p));
    }
  }
}
