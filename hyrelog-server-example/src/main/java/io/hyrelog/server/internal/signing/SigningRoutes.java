package io.hyrelog.server.internal.signing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.EventScope;
import io.hyrelog.Workspace;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.server.internal.CompanyLimits;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.witness.Witnessing;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** {@code GET /v1/chains/{workspaceId}/checkpoint} and {@code GET /v1/signing-keys}. */
public final class SigningRoutes {
  private final Regions regions;
  private final Tenancy tenancy;
  private final CompanyLimits companyLimits;
  private final ServerSigning signing;
  private final Checkpoints checkpoints;
  private final Witnessing witnessing;

  public SigningRoutes(ServerSigning signing, Regions regions, Tenancy tenancy,
      CompanyLimits companyLimits, Checkpoints checkpoints, Witnessing witnessing) {
    this.regions = regions;
    this.tenancy = tenancy;
    this.companyLimits = companyLimits;
    this.signing = signing;
    this.checkpoints = checkpoints;
    this.witnessing = witnessing;
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/checkpoint}: the chain's signed checkpoint at its
   * current head, as a C2SP signed note ({@code text/plain}); any key of the tenant. At most
   * {@code HYRELOG_COMPANY_MAX_CHECKPOINTS} per company at once. The cosignatures the
   * configured witnesses gave for exactly this checkpoint follow the server's signature as
   * extra signature lines; the checkpoint is handed to the witnesses that have not cosigned it
   * yet, without waiting for them ({@link Witnessing#cosigned}).
   */
  public void checkpoint(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    EventScope chain = EventScope.workspace(w.companyId(), w.id());
    String note;
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.CHECKPOINT)) {
      Region region = regions.of(p.company());
      note = checkpoints.signedNote(region.log(), region.archival(), chain);
      note = witnessing.cosigned(new Witnessing.Target(region.log(),
          region.checkpointRecords()), new Witnessing.Target(region.log(),
          region.jobCheckpointRecords()), chain, note);
    }
    // The note covers seqs 1..size; after archive expiry the answer says which prefix is gone.
    regions.of(p.company()).archival().expiredPrefix(chain).ifPresent(x ->
        ctx.header("Hyrelog-Expired", x.describe()));
    ctx.status(200).contentType("text/plain; charset=utf-8");
    ctx.result(note.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code GET /v1/signing-keys} (no authentication): every accepted verification key, the
   * active one first.
   */
  public void signingKeys(Context ctx) {
    Requests.query(ctx, Set.of());
    SigningKeys keys = signing.require();
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("data");
    for (NoteVerifier v : keys.verifiers()) {
      list.addObject().put("name", v.name()).put("keyId", SigningKeys.keyIdHex(v))
          .put("algorithm", "Ed25519")
          .put("publicKey", Base64.getEncoder().encodeToString(v.rawPublicKey()))
          .put("verifierKey", v.verifierKey()).put("active", keys.isActive(v));
    }
    Json.send(ctx, 200, body);
  }
}
