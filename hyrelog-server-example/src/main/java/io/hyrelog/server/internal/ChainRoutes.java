package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.archive.ExpiredPrefix;
import io.hyrelog.Workspace;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.VerificationReport;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** {@code /v1/chains/{workspaceId}/…}: head, streamed JSONL export, server-side verify. */
public final class ChainRoutes {
  private final Regions regions;
  private final Tenancy tenancy;
  private final CompanyLimits companyLimits;
  private final VerifiedChains verifiedChains;
  private final Clock clock;

  public ChainRoutes(Regions regions, Tenancy tenancy, CompanyLimits companyLimits,
      VerifiedChains verifiedChains, Clock clock) {
    this.regions = regions;
    this.tenancy = tenancy;
    this.companyLimits = companyLimits;
    this.verifiedChains = verifiedChains;
    this.clock = clock;
  }

  private EventScope chain(Context ctx, Principal p) {
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    return EventScope.workspace(w.companyId(), w.id());
  }

  /** {@code GET /v1/chains/{workspaceId}/head}. */
  public void head(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    EventScope chain = chain(ctx, p);
    Optional<ChainHead> head = regions.of(p.company()).store().head(chain);
    ObjectNode body = Json.object();
    body.put("workspaceId", chain.workspaceId().toString());
    body.put("seq", head.map(ChainHead::seq).orElse(0L));
    body.put("hash", head.map(ChainHead::hash).orElse(Digest.ZERO).hex());
    Json.send(ctx, 200, body);
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/events.jsonl?fromSeq&toSeq}: the core JSONL export
   * format, streamed (constant memory) from the archive for seqs whose hot rows were purged and
   * from a database cursor for the rest, verifiable offline.
   */
  public void export(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Map<String, String> q = Requests.query(ctx, Set.of("fromSeq", "toSeq"));
    EventScope chain = chain(ctx, p);
    long from = q.containsKey("fromSeq") ? Requests.longParam("fromSeq", q.get("fromSeq"), 1)
        : 1;
    long to = q.containsKey("toSeq") ? Requests.longParam("toSeq", q.get("toSeq"), 1)
        : Long.MAX_VALUE;
    if (to < from) {
      throw ApiException.validation("toSeq", "OUT_OF_RANGE", "toSeq must not be below fromSeq");
    }
    // Opened before the status is sent: a cold segment is refused with a problem, not a
    // truncated body. Read page by page: a slow client holds no database connection. A
    // failure once lines were sent aborts the response.
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EXPORT);
        Stream<AuditEvent> events = regions.of(p.company()).archival().readChain(chain, from,
            to)) {
      ctx.status(200).contentType("application/x-ndjson");
      ctx.header("Content-Disposition", "attachment; filename=\"" + chain.workspaceId()
          + ".jsonl\"");
      try {
        OutputStream out = ctx.outputStream();
        JsonlEventWriter w = new JsonlEventWriter(out);
        for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
          w.write(it.next());
        }
        w.flush();
      } catch (IOException | RuntimeException e) {
        StreamedResponse.fail(ctx, e, "chain export of " + chain.workspaceId());
      }
    }
  }

  /**
   * {@code GET /v1/chains/{workspaceId}/verify}: verifies the stored chain up to its head — the
   * first time in this process from seq 1, archived segments included (each checked against
   * its recorded hashes), after that only the events appended since the prefix it verified and
   * their link to it ({@link VerifiedChains}); {@code checkedFromSeq} and {@code checkedEvents}
   * say what this call read; {@code expired} (null when nothing expired) says which prefix of
   * the chain archive expiry removed and that seq N+1 links to its last hash. At most {@code HYRELOG_COMPANY_MAX_VERIFY} per company at once.
   */
  public void verify(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    EventScope chain = chain(ctx, p);
    VerifiedChains.Outcome o;
    Optional<ExpiredPrefix> expired;
    Region region = regions.of(p.company());
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.VERIFY)) {
      expired = region.archival().expiredPrefix(chain);
      o = verifiedChains.verify(region.store(), region.archival()::readChain, chain, expired);
    }
    VerificationReport r = o.report();
    ObjectNode body = Json.object();
    body.put("workspaceId", chain.workspaceId().toString());
    body.put("valid", r.ok());
    body.put("events", r.events());
    ArrayNode chains = body.putArray("chains");
    for (ChainRange c : r.chains()) {
      chains.addObject().put("workspaceId", c.chainId().toString())
          .put("firstSeq", c.firstSeq()).put("lastSeq", c.lastSeq())
          .put("count", c.count()).put("headHash", c.headHash().hex());
    }
    r.failure().ifPresentOrElse(f -> body.putObject("failure")
        .put("seq", f.seq()).put("reason", f.reason().name()).put("detail", f.detail()),
        () -> body.putNull("failure"));
    expired.ifPresentOrElse(x -> body.set("expired", expiredJson(x)),
        () -> body.putNull("expired"));
    body.put("checkedFromSeq", o.checkedFromSeq());
    body.put("checkedEvents", o.checkedEvents());
    body.put("verifiedAt", clock.instant().toString());
    Json.send(ctx, 200, body);
  }

  /**
   * The {@code expired} object of verification answers: {@code throughSeq}, {@code lastHash},
   * {@code firstRetainedSeq} and {@code message} ("expired 1..N, first retained seq N+1 links to
   * hash H").
   */
  public static ObjectNode expiredJson(ExpiredPrefix x) {
    ObjectNode o = Json.object();
    o.put("throughSeq", x.throughSeq());
    o.put("lastHash", x.lastHash().hex());
    o.put("firstRetainedSeq", x.firstRetainedSeq());
    o.put("message", x.describe());
    return o;
  }
}
