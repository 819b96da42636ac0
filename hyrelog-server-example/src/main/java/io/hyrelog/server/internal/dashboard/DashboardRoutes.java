package io.hyrelog.server.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.RestoreTier;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.IllegalRestoreTransitionException;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreNotAllowedException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Actor;
import io.hyrelog.server.internal.dashboard.DashboardActions.Audit;
import io.hyrelog.server.internal.dashboard.DashboardActions.Handler;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.RestoreRequests;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The seed's dashboard routes for restore requests and the admin audit log, behind the
 * dashboard's service token ({@link Dashboard#authenticate}). Field names are camelCase.
 *
 * <p>Every action of an authenticated dashboard user is appended to the admin audit log, allowed
 * ({@code OK}) or refused ({@code REFUSED}, with the problem's code) — including a non-admin
 * trying an admin route. Requests that fail authentication (no or wrong token, missing user
 * headers) are not logged: there is no trustworthy actor to record.
 */
public final class DashboardRoutes {
  private static final int MAX_BODY = 16 * 1024;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 200;
  private static final Set<String> CREATE_FIELDS = Set.of("archiveId", "tier", "days");
  private static final Set<String> REJECT_FIELDS = Set.of("reason");

  private final Dashboard d;
  private final DashboardActions actions;

  public DashboardRoutes(Dashboard dashboard, DashboardActions actions) {
    this.d = dashboard;
    this.actions = actions;
  }

  private void audited(Context ctx, String action, boolean admin, Handler h) {
    actions.run(ctx, action, admin ? Access.ADMIN : Access.COMPANY, h);
  }

  /** {@code POST /dashboard/restore-requests}: {@code {archiveId, tier?, days?}}. */
  public void create(Context ctx) {
    audited(ctx, "restore_request.create", false, (user, company, audit) -> {
      Requests.query(ctx, Set.of());
      JsonNode body = object(ctx, CREATE_FIELDS);
      UUID archiveId = uuidField(body, "archiveId");
      audit.target("archive_segment:" + archiveId);
      RestoreTier tier = tierField(body.get("tier"));
      int days = daysField(body.get("days"));
      audit.details().put("tier", tier.name()).put("days", days);
      ArchiveSegment seg = d.archival(company.region()).segment(archiveId)
          .filter(s -> s.companyId().equals(company.id()))
          .orElseThrow(() -> ApiException.notFound("archive segment"));
      requireRestoreAllowed(company, tier);
      Instant now = d.clock().instant();
      if (!seg.coldAndNotRestoredAt(now)) {
        throw new ApiException(ErrorCode.NOT_COLD, seg.coldAt().isEmpty()
            ? "archive segment " + seg.id() + " is not in cold storage; it is readable (and"
                + " exportable) without a restore"
            : "archive segment " + seg.id() + " is restored until "
                + seg.restoredUntil().orElseThrow() + "; ask again after that");
      }
      CostEstimate cost = d.policy().estimate(tier,
          seg.object().map(ArchiveObject::size).orElse(0L));
      RestoreRequest r = RestoreRequest.create(UUID.randomUUID(), company.id(), seg.id(), tier,
          days, user.userId(), user.email(), cost, now);
      try {
        d.requests(company.region()).insert(r);
      } catch (RestoreConflictException e) {
        throw new ApiException(ErrorCode.RESTORE_REQUEST_EXISTS, "archive segment " + seg.id()
            + " already has an open restore request; see GET /dashboard/restore-requests");
      }
      audit.target("restore_request:" + r.id());
      audit.details().put("archiveId", seg.id().toString());
      return new Reply(201, json(r));
    });
  }

  /** {@code GET /dashboard/restore-requests?status=&limit=}: the company's, newest first. */
  public void list(Context ctx) {
    audited(ctx, "restore_request.list", false, (user, company, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("status", "limit"));
      Optional<RestoreStatus> status = statusParam(q.get("status"));
      int limit = limitParam(q.get("limit"));
      return new Reply(200, page(d.requests(company.region()).list(Optional.of(company.id()),
          status, limit)));
    });
  }

  /** {@code GET /dashboard/restore-requests/{id}}. */
  public void get(Context ctx) {
    audited(ctx, "restore_request.read", false, (user, company, audit) -> {
      Requests.query(ctx, Set.of());
      RestoreRequest r = ofCompany(ctx, company, audit);
      return new Reply(200, json(r));
    });
  }

  /** {@code DELETE /dashboard/restore-requests/{id}}: the customer cancels (PENDING only). */
  public void cancelOwn(Context ctx) {
    audited(ctx, "restore_request.cancel", false, (user, company, audit) -> {
      Requests.query(ctx, Set.of());
      RestoreRequest r = ofCompany(ctx, company, audit);
      if (r.status() != RestoreStatus.PENDING) {
        throw new ApiException(ErrorCode.INVALID_TRANSITION, "only a PENDING restore request"
            + " can be cancelled here; this one is " + r.status());
      }
      return new Reply(200, json(move(company.region(), r,
          x -> x.cancel(user.userId(), d.clock().instant()))));
    });
  }

  /** {@code GET /dashboard/admin/restore-requests?status=&companyId=&limit=}. */
  public void adminList(Context ctx) {
    audited(ctx, "admin.restore_request.list", true, (user, company, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("status", "companyId", "limit"));
      Optional<RestoreStatus> status = statusParam(q.get("status"));
      Optional<UUID> companyId = Optional.ofNullable(q.get("companyId"))
          .map(v -> Requests.uuidParam("companyId", v));
      int limit = limitParam(q.get("limit"));
      audit.company(companyId);
      List<RestoreRequest> all = new ArrayList<>();
      for (RestoreRequests r : d.allRequests()) {
        all.addAll(r.list(companyId, status, limit));
      }
      all.sort(Comparator.comparing(RestoreRequest::createdAt).reversed()
          .thenComparing(r -> r.id().toString(), Comparator.reverseOrder()));
      return new Reply(200, page(all.subList(0, Math.min(limit, all.size()))));
    });
  }

  /**
   * {@code POST /dashboard/admin/restore-requests/{id}/approve}: refused (PLAN_RESTRICTED) when
   * the company's plan no longer allows the request's tier (a downgrade after the request);
   * the request stays PENDING, to be cancelled or approved after an upgrade.
   */
  public void approve(Context ctx) {
    adminMove(ctx, "admin.restore_request.approve", (user, r) -> {
      requireRestoreAllowed(d.company(r.companyId())
          .orElseThrow(() -> ApiException.notFound("company")), r.tier());
      return r.approve(user.userId(), d.clock().instant());
    });
  }

  /** The restore policy of the company's current plan, as a PLAN_RESTRICTED problem. */
  private void requireRestoreAllowed(Company company, RestoreTier tier) {
    try {
      d.policy().requireAllowed(company.planTier(), tier);
    } catch (RestoreNotAllowedException e) {
      throw new ApiException(ErrorCode.PLAN_RESTRICTED, e.getMessage(), List.of(), null,
          Map.of("allowedTiers", Dashboard.names(e.allowedTiers())));
    }
  }

  /** {@code POST /dashboard/admin/restore-requests/{id}/reject}: {@code {reason}}. */
  public void reject(Context ctx) {
    audited(ctx, "admin.restore_request.reject", true, (user, company, audit) -> {
      Requests.query(ctx, Set.of());
      JsonNode body = object(ctx, REJECT_FIELDS);
      JsonNode reason = body.get("reason");
      if (reason == null || reason.isNull()) {
        throw ApiException.validation("/reason", "REQUIRED", "reason is required");
      }
      if (!reason.isTextual() || reason.textValue().isBlank()
          || reason.textValue().length() > RestoreRequest.MAX_REASON) {
        throw ApiException.validation("/reason", "INVALID_VALUE", "reason must be a string of"
            + " 1.." + RestoreRequest.MAX_REASON + " characters");
      }
      String why = reason.textValue().strip();
      RestoreRequest r = anyRequest(ctx, audit);
      audit.details().put("reason", why);
      return new Reply(200, json(move(region(r), r,
          x -> x.reject(user.userId(), why, d.clock().instant()))));
    });
  }

  /** {@code POST /dashboard/admin/restore-requests/{id}/cancel}: PENDING or APPROVED. */
  public void adminCancel(Context ctx) {
    adminMove(ctx, "admin.restore_request.cancel", (user, r) ->
        r.cancel(user.userId(), d.clock().instant()));
  }

  private interface Move {
    RestoreRequest apply(Actor user, RestoreRequest r);
  }

  private void adminMove(Context ctx, String action, Move m) {
    audited(ctx, action, true, (user, company, audit) -> {
      Requests.query(ctx, Set.of());
      JsonBody.none(ctx);
      RestoreRequest r = anyRequest(ctx, audit);
      return new Reply(200, json(move(region(r), r, x -> m.apply(user, x))));
    });
  }

  /** {@code GET /dashboard/admin/audit-logs?limit=&before=&companyId=}: newest first. */
  public void auditLogs(Context ctx) {
    audited(ctx, "admin.audit_log.read", true, (user, company, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("limit", "before", "companyId"));
      int limit = limitParam(q.get("limit"));
      OptionalLong before = q.containsKey("before")
          ? OptionalLong.of(Requests.longParam("before", q.get("before"), 1))
          : OptionalLong.empty();
      Optional<UUID> companyId = Optional.ofNullable(q.get("companyId"))
          .map(v -> Requests.uuidParam("companyId", v));
      List<AdminAuditLog.Entry> entries = d.audit().page(before, companyId, limit);
      ObjectNode out = Json.object();
      ArrayNode data = out.putArray("data");
      for (AdminAuditLog.Entry e : entries) {
        ObjectNode n = data.addObject();
        n.put("id", Long.toString(e.id()));
        n.put("at", e.at().toString());
        n.putObject("actor").put("userId", e.actorUserId()).put("email", e.actorEmail())
            .put("role", e.actorRole());
        e.companyId().ifPresentOrElse(c -> n.put("companyId", c.toString()),
            () -> n.putNull("companyId"));
        n.put("action", e.action());
        e.target().ifPresentOrElse(t -> n.put("target", t), () -> n.putNull("target"));
        n.put("outcome", e.outcome());
        n.set("details", e.details());
        e.requestId().ifPresentOrElse(t -> n.put("requestId", t), () -> n.putNull("requestId"));
      }
      if (entries.size() == limit) {
        out.put("nextCursor", Long.toString(entries.get(entries.size() - 1).id()));
      } else {
        out.putNull("nextCursor");
      }
      return new Reply(200, out);
    });
  }

  private RestoreRequest move(DataRegion region, RestoreRequest r,
      UnaryOperator<RestoreRequest> op) {
    RestoreRequest next;
    try {
      next = op.apply(r);
    } catch (IllegalRestoreTransitionException e) {
      throw new ApiException(ErrorCode.INVALID_TRANSITION, e.getMessage());
    }
    try {
      return d.requests(region).update(r, next);
    } catch (RestoreConflictException e) {
      throw new ApiException(ErrorCode.INVALID_TRANSITION, "restore request " + r.id()
          + " changed while this request ran (it is no longer " + r.status() + "); read it"
          + " again");
    }
  }

  private DataRegion region(RestoreRequest r) {
    return d.company(r.companyId()).orElseThrow().region();
  }

  private RestoreRequest ofCompany(Context ctx, Company company, Audit audit) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    RestoreRequest r = id == null ? null : d.requests(company.region()).find(id)
        .filter(x -> x.companyId().equals(company.id())).orElse(null);
    if (r == null) {
      throw ApiException.notFound("restore request");
    }
    audit.target("restore_request:" + r.id());
    return r;
  }

  private RestoreRequest anyRequest(Context ctx, Audit audit) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    RestoreRequest r = id == null ? null : d.request(id).orElse(null);
    if (r == null) {
      throw ApiException.notFound("restore request");
    }
    audit.target("restore_request:" + r.id());
    audit.company(r.companyId());
    return r;
  }

  private static JsonNode object(Context ctx, Set<String> allowed) {
    return JsonBody.object(ctx, MAX_BODY, allowed);
  }

  private static UUID uuidField(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      throw ApiException.validation("/" + name, "REQUIRED", name + " is required");
    }
    if (!v.isTextual()) {
      throw ApiException.validation("/" + name, "INVALID_TYPE", name + " must be a string");
    }
    UUID u = Requests.uuid(v.textValue());
    if (u == null) {
      throw ApiException.validation("/" + name, "INVALID_FORMAT", name + " must be a UUID");
    }
    return u;
  }

  private static RestoreTier tierField(JsonNode v) {
    if (v == null || v.isNull()) {
      return RestoreTier.STANDARD;
    }
    if (v.isTextual()) {
      for (RestoreTier t : RestoreTier.values()) {
        if (t.name().equals(v.textValue())) {
          return t;
        }
      }
    }
    throw ApiException.validation("/tier", "INVALID_VALUE",
        "tier must be one of EXPEDITED, STANDARD, BULK");
  }

  private int daysField(JsonNode v) {
    if (v == null || v.isNull()) {
      return d.policy().defaultDays();
    }
    if (!v.isNumber()) {
      throw ApiException.validation("/days", "INVALID_TYPE", "days must be an integer");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || !d.policy().daysAllowed(v.intValue())) {
      throw ApiException.validation("/days", "OUT_OF_RANGE", "days must be an integer in 1.."
          + d.policy().maxDays());
    }
    return v.intValue();
  }

  private static Optional<RestoreStatus> statusParam(String v) {
    if (v == null) {
      return Optional.empty();
    }
    for (RestoreStatus s : RestoreStatus.values()) {
      if (s.name().equals(v)) {
        return Optional.of(s);
      }
    }
    throw ApiException.validation("status", "INVALID_VALUE", "status must be one of "
        + java.util.Arrays.toString(RestoreStatus.values()));
  }

  private static int limitParam(String v) {
    return v == null ? DEFAULT_PAGE : Requests.intParam("limit", v, 1, MAX_PAGE);
  }

  private static ObjectNode page(List<RestoreRequest> list) {
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    list.forEach(r -> data.add(json(r)));
    return out;
  }

  /** A restore request as the dashboard reads it; the amount is a decimal string. */
  static ObjectNode json(RestoreRequest r) {
    ObjectNode n = Json.object();
    n.put("id", r.id().toString());
    n.put("companyId", r.companyId().toString());
    n.put("archiveId", r.segmentId().toString());
    n.put("tier", r.tier().name());
    n.put("days", r.days());
    n.put("status", r.status().name());
    n.putObject("requestedBy").put("userId", r.requestedBy())
        .put("email", r.requestedByEmail());
    n.putObject("estimatedCost").put("amount", r.estimatedCost().amountText())
        .put("currency", r.estimatedCost().currency());
    n.put("createdAt", r.createdAt().toString());
    n.put("updatedAt", r.updatedAt().toString());
    text(n, "approvedBy", r.approvedBy());
    time(n, "approvedAt", r.approvedAt());
    text(n, "rejectedBy", r.rejectedBy());
    time(n, "rejectedAt", r.rejectedAt());
    text(n, "rejectionReason", r.rejectionReason());
    text(n, "cancelledBy", r.cancelledBy());
    time(n, "cancelledAt", r.cancelledAt());
    time(n, "initiatedAt", r.initiatedAt());
    time(n, "completedAt", r.completedAt());
    time(n, "restoredUntil", r.restoredUntil());
    time(n, "expiredAt", r.expiredAt());
    text(n, "failure", r.failure());
    return n;
  }

  private static void text(ObjectNode n, String name, Optional<String> v) {
    v.ifPresentOrElse(x -> n.put(name, x), () -> n.putNull(name));
  }

  private static void time(ObjectNode n, String name, Optional<Instant> v) {
    v.ifPresentOrElse(x -> n.put(name, x.toString()), () -> n.putNull(name));
  }
}
