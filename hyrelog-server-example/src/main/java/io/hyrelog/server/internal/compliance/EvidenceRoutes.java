package io.hyrelog.server.internal.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.compliance.evidence.EvidenceException;
import io.hyrelog.compliance.evidence.EvidenceExporter;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.CompanyLimits;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.ProblemList;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /compliance/evidence/*}: export, countersign and verify evidence bundles. Company keys
 * only (a workspace key is FORBIDDEN); the key's company scopes every path, and another
 * company's workspace is NOT_FOUND. The request pipeline authenticates and applies the per-key
 * rate limit as on {@code /v1}; every route also takes the per-key bucket of the compliance
 * routes ({@code HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN}), exports a low per-key rate of their
 * own, and every
 * route a per-company concurrency cap; an export is refused when the company's bundles take
 * their disk quota.
 */
public final class EvidenceRoutes {
  private static final Set<String> EXPORT = Set.of("from", "to", "workspace_id", "options");
  private static final Set<String> OPTIONS = Set.of("vault", "envelope", "external_worm",
      "external_kms", "external_require_success", "proofs");
  private static final Set<String> COUNTERSIGN = Set.of("package_path", "signer",
      "signing_key_id", "signature", "countersign_path", "signing_secret");
  private static final Set<String> VERIFY = Set.of("package_path", "signature_path",
      "countersign_path", "require_countersign", "signing_secret");

  private final Evidence evidence;
  private final Tenancy tenancy;
  private final RateLimits rateLimits;
  private final CompanyLimits companyLimits;
  private final Clock clock;
  private final int maxBodyBytes;
  private final long quotaBytes;

  /** @param quotaBytes the disk quota of a company's bundles */
  public EvidenceRoutes(Evidence evidence, Tenancy tenancy, RateLimits rateLimits,
      CompanyLimits companyLimits, Clock clock, int maxBodyBytes, long quotaBytes) {
    this.evidence = evidence;
    this.tenancy = tenancy;
    this.rateLimits = rateLimits;
    this.companyLimits = companyLimits;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
    this.quotaBytes = quotaBytes;
  }

  private Principal company(Context ctx) {
    Principal p = companyKey(ctx, rateLimits);
    Requests.query(ctx, Set.of());
    return p;
  }

  /**
   * The caller of a {@code /compliance/*} route: a company key (a workspace key is FORBIDDEN),
   * within the per-key bucket of the compliance routes ({@code
   * HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN}, else 429 RATE_LIMITED).
   */
  static Principal companyKey(Context ctx, RateLimits rateLimits) {
    Principal p = RequestPipeline.principal(ctx);
    if (p.isWorkspaceKey()) {
      throw new ApiException(ErrorCode.FORBIDDEN, "compliance evidence needs a company key");
    }
    RequestPipeline.requireAllowed(ctx, rateLimits.evidence(p.key().id().toString()),
        "compliance evidence requests by this key");
    return p;
  }

  /**
   * Refuses a company whose plan has no evidence bundles (GROWTH and ENTERPRISE have them,
   * {@link io.hyrelog.Plan#evidenceBundlesEnabled}). Verification stays open: a downgraded
   * company keeps its bundles and may still check them.
   */
  private static void requirePlan(Principal p) {
    if (!p.plan().evidenceBundlesEnabled()) {
      throw new ApiException(ErrorCode.PLAN_RESTRICTED, "evidence bundles are not part of the "
          + p.plan().tier() + " plan; upgrade to GROWTH or ENTERPRISE (bundles made before"
          + " stay verifiable)");
    }
  }

  private JsonNode body(Context ctx, Set<String> allowed) {
    JsonNode b = JsonBody.object(ctx, maxBodyBytes, allowed);
    if (b.hasNonNull("signing_secret")) {
      throw ApiException.validation("/signing_secret", "UNSUPPORTED", "bundles are signed"
          + " with Ed25519 keys, not a shared secret: leave signing_secret out");
    }
    return b;
  }

  /** {@code POST /compliance/evidence/export} → 201 with the runbook's fields. */
  public void export(Context ctx) {
    Principal p = company(ctx);
    requirePlan(p);
    RequestPipeline.requireAllowed(ctx, rateLimits.evidenceExport(
        p.key().id().toString()), "evidence exports by this key");
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EVIDENCE)) {
      export(ctx, p);
    }
  }

  private void export(Context ctx, Principal p) {
    JsonNode b = body(ctx, EXPORT);
    Instant from = instant(b, "from");
    Instant to = instant(b, "to");
    if (!from.isBefore(to)) {
      throw ApiException.validation("/to", "OUT_OF_RANGE", "to must be after from");
    }
    if (to.isAfter(clock.instant().plusSeconds(86400))) {
      throw ApiException.validation("/to", "OUT_OF_RANGE", "to must not be more than a day"
          + " in the future");
    }
    UUID workspace = null;
    if (b.hasNonNull("workspace_id")) {
      workspace = b.get("workspace_id").isTextual()
          ? Requests.uuid(b.get("workspace_id").asText()) : null;
      if (workspace == null) {
        throw ApiException.validation("/workspace_id", "INVALID_FORMAT",
            "workspace_id must be a UUID");
      }
      if (tenancy.workspaceOf(p.company(), workspace).isEmpty()) {
        throw ApiException.notFound("workspace");
      }
    }
    JsonNode o = b.get("options");
    if (o != null && !o.isNull()) {
      if (!o.isObject()) {
        throw ApiException.validation("/options", "INVALID_TYPE", "options must be an object");
      }
      ProblemList<ApiException.FieldError> errors = new ProblemList<>();
      JsonBody.unknown(o, OPTIONS, "/options", "option", errors);
      JsonBody.throwIfAny(errors);
    }
    EvidenceExporter.Options options;
    try {
      options = evidence.options(o);
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("/options", "INVALID_FORMAT", e.getMessage());
    }
    evidence.requireQuota(p.company(), quotaBytes);
    try {
      Json.send(ctx, 201, evidence.export(p.company(), from, to, workspace, options));
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.CONFLICT, e.getMessage() + " (see docs/compliance.md, evidence"
          + " settings)");
    } catch (EvidenceException e) {
      throw Evidence.unavailable(e);
    }
  }

  /** {@code POST /compliance/evidence/countersign}. */
  public void countersign(Context ctx) {
    Principal p = company(ctx);
    requirePlan(p);
    JsonNode b = body(ctx, COUNTERSIGN);
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EVIDENCE)) {
      Json.send(ctx, 200, evidence.countersign(p.company(), text(b, "package_path", true),
          text(b, "signer", true), text(b, "signing_key_id", true), text(b, "signature", true),
          text(b, "countersign_path", false)));
    }
  }

  /** {@code POST /compliance/evidence/verify}. */
  public void verify(Context ctx) {
    Principal p = company(ctx);
    JsonNode b = body(ctx, VERIFY);
    boolean require = false;
    JsonNode r = b.get("require_countersign");
    if (r != null && !r.isNull()) {
      if (!r.isBoolean()) {
        throw ApiException.validation("/require_countersign", "INVALID_TYPE",
            "require_countersign must be true or false");
      }
      require = r.booleanValue();
    }
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EVIDENCE)) {
      Json.send(ctx, 200, evidence.verify(p.company(), text(b, "package_path", true),
          text(b, "signature_path", false), text(b, "countersign_path", false), require));
    }
  }

  private static String text(JsonNode b, String field, boolean required) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiException.validation("/" + field, "REQUIRED", field + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().length() > 4096) {
      throw ApiException.validation("/" + field, "INVALID_TYPE", field
          + " must be a string of at most 4096 characters");
    }
    return v.asText();
  }

  private static Instant instant(JsonNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.validation("/" + field, "REQUIRED", field + " is required");
    }
    Instant t = v.isTextual() ? Requests.instant(v.asText()) : null;
    if (t == null) {
      throw ApiException.validation("/" + field, "INVALID_FORMAT", field
          + " must be an RFC 3339 date-time with an offset");
    }
    return t;
  }
}
