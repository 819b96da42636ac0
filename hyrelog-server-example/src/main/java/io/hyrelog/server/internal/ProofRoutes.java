package io.hyrelog.server.internal;

import io.hyrelog.BeyondHeadException;
import io.hyrelog.EventScope;
import io.hyrelog.Workspace;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chain's Merkle tree for auditors (RFC 9162 §2.1.3 and §2.1.4, C2SP tlog-tiles):
 * {@code GET /v1/chains/{workspaceId}/proof/inclusion}, {@code …/proof/consistency} and
 * {@code …/tile/<L>/<N>[.p/<W>]}. Proofs are computed from the stored tiles in {@code O(log n)}
 * reads when the store keeps the chain's tree, else by streaming the chain (then they count
 * against {@code HYRELOG_COMPANY_MAX_CHECKPOINTS} like a checkpoint). A size beyond the chain's
 * head is 400 {@code VALIDATION_ERROR} ({@code BEYOND_HEAD}); another tenant's chain 404.
 */
public final class ProofRoutes {
  /** Full tiles never change: cacheable for a year by anyone who has the chain's key. */
  static final String IMMUTABLE = "private, max-age=31536000, immutable";
  /** Partial tiles are replaced by wider ones as the chain grows; clients revalidate. */
  static final String PARTIAL = "private, no-cache";

  private final Regions regions;
  private final Tenancy tenancy;
  private final CompanyLimits companyLimits;

  public ProofRoutes(Regions regions, Tenancy tenancy, CompanyLimits companyLimits) {
    this.regions = regions;
    this.tenancy = tenancy;
    this.companyLimits = companyLimits;
  }

  private EventScope chain(Context ctx, Principal p) {
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    return EventScope.workspace(w.companyId(), w.id());
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/proof/inclusion?seq=N&treeSize=M}: {@code {"treeSize":
   * M, "leafIndex": N-1, "leafHash": "<hex>", "hashes": ["<hex>", …]}}, the event at seq N in
   * the chain's tree of M events ({@code 1 <= N <= M}).
   */
  public void inclusion(Context ctx) {
    prove(ctx, "seq", "treeSize", (log, chain, seq, treeSize) ->
        log.inclusionProof(chain, seq, treeSize).toJson());
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/proof/consistency?from=M1&to=M2}: {@code {"from": M1,
   * "to": M2, "hashes": ["<hex>", …]}}, that the tree of M2 events extends the tree of M1
   * ({@code 1 <= M1 <= M2}).
   */
  public void consistency(Context ctx) {
    prove(ctx, "from", "to", (log, chain, from, to) ->
        log.consistencyProof(chain, from, to).toJson());
  }

  /** A proof's JSON from the chain's log, given the two sizes of the query. */
  @FunctionalInterface
  private interface Proof {
    String json(EventLog log, EventScope chain, long lower, long upper);
  }

  /**
   * Answers a proof whose query holds two integers {@code lower <= upper}, both at least 1;
   * {@code upper} is the tree size the proof needs, so beyond the head it is 400 BEYOND_HEAD.
   */
  private void prove(Context ctx, String lowerName, String upperName, Proof proof) {
    Principal p = RequestPipeline.principal(ctx);
    Map<String, String> q = Requests.query(ctx, Set.of(lowerName, upperName));
    long lower = Requests.longParam(lowerName, required(q, lowerName), 1);
    long upper = Requests.longParam(upperName, required(q, upperName), 1);
    if (lower > upper) {
      throw ApiException.validation(lowerName, "OUT_OF_RANGE", lowerName
          + " must not be above " + upperName);
    }
    EventScope chain = chain(ctx, p);
    Region region = regions.of(p.company());
    String json;
    try (CompanyLimits.Permit permit = permit(p, region, chain, upper)) {
      json = proof.json(region.log(), chain, lower, upper);
    } catch (BeyondHeadException e) {
      throw ApiException.validation(upperName, "BEYOND_HEAD", upperName + " " + e.requested()
          + " is beyond the chain's head (" + e.head() + " events)");
    }
    ctx.status(200).contentType("application/json");
    ctx.result(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/tile/<L>/<N>[.p/<W>]}: the tile's hashes, 32 bytes each,
   * as {@code application/octet-stream}; full tiles are immutable and say so. A tile the store
   * does not hold (yet), or a store that keeps no tree, is 404.
   */
  public void tile(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    TileId id;
    try {
      id = TileId.parsePath("tile/" + ctx.pathParam("path"));
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("path", "INVALID_TILE_PATH", "not a tile path: "
          + "tile/<L>/<N>[.p/<W>] with N in 3-digit segments, all but the last prefixed x");
    }
    EventScope chain = chain(ctx, p);
    Optional<ChainTree> tree = regions.of(p.company()).store().tree();
    Tile tile = tree.map(t -> t.tiles(chain, List.of(id)).get(id))
        .orElseThrow(() -> ApiException.notFound("tile"));
    ctx.status(200).contentType("application/octet-stream");
    ctx.header("Cache-Control", id.isFull() ? IMMUTABLE : PARTIAL);
    ctx.result(tile.bytes());
  }

  /** A permit when the proof needs the chain streamed; none when the stored tree covers it. */
  private CompanyLimits.Permit permit(Principal p, Region region, EventScope chain,
      long size) {
    boolean tiled = region.store().tree().map(t -> t.size(chain) >= size).orElse(false);
    return tiled ? CompanyLimits.Permit.NONE
        : companyLimits.acquire(p.companyId(), CompanyLimits.Kind.CHECKPOINT);
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      throw ApiException.validation(name, "REQUIRED", name + " is required");
    }
    return v;
  }
}
