package io.hyrelog.server.internal.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Plan;
import io.hyrelog.ProblemList;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ApiException.FieldError;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookLimitException;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSecrets;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook endpoints of a company: create (the secret shown once), list, disable, enable, rotate
 * the secret, list deliveries and retry one. Every route needs a company key with an IP
 * allowlist, at most {@code HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} operations per minute
 * (counted apart from key management); another company's ids answer 404. Creating, enabling,
 * rotating and retrying need a plan with webhooks (403 PLAN_RESTRICTED); listing and disabling
 * stay open, so a downgraded company can see and stop what it has. Every change is logged to the
 * audit logger, with ids only (a URL may carry a token; a secret never appears).
 */
public final class WebhookRoutes {
  private static final Logger AUDIT = LoggerFactory.getLogger("io.hyrelog.server.audit");
  private static final String WHAT = "webhook management";
  private static final String BUCKET = "webhooks:";
  private static final int MAX_BODY = 16 * 1024;
  private static final int MAX_EVENTS = 16;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_CURSOR = 512;
  /** The disablement reason of {@code POST /v1/webhooks/{id}/disable}. */
  static final String DISABLED_BY_USER = "DISABLED_BY_USER";
  private static final Set<String> FIELDS = Set.of("url", "events", "projectId", "description");

  private final Webhooks webhooks;
  private final Tenancy tenancy;
  private final RateLimits rateLimits;
  private final Clock clock;

  public WebhookRoutes(Webhooks webhooks, Tenancy tenancy, RateLimits rateLimits, Clock clock) {
    this.webhooks = webhooks;
    this.tenancy = tenancy;
    this.rateLimits = rateLimits;
    this.clock = clock;
  }

  /** {@code POST /v1/workspaces/{workspaceId}/webhooks}. */
  public void create(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    Requests.query(ctx, Set.of());
    Plan plan = requirePlan(p);
    ObjectNode body = JsonBody.object(ctx, MAX_BODY, FIELDS);
    Request r = request(p, w, body);
    // The URL's form and, for a name, every address it resolves to now; the transport checks
    // again at every attempt (the name may point elsewhere by then).
    URI url = webhooks.policy().checkUrl(r.url);
    webhooks.policy().resolve(url.getHost());
    if (plan.maxWebhooks() < 1) {
      throw limit(plan.maxWebhooks());
    }
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    WebhookSecret secret = WebhookSecret.generate();
    WebhookEndpoint e = new WebhookEndpoint(id, p.companyId(), w.id(), r.projectId, url,
        r.events, r.description, true, Optional.empty(), Optional.empty(), now, now);
    try {
      e = store(p).create(e, WebhookSecrets.of(webhooks.sealer().seal(id, secret)),
          Math.min(plan.maxWebhooks(), WebhookStore.MAX_ENDPOINTS));
    } catch (WebhookLimitException x) {
      throw limit(x.limit());
    }
    AUDIT.info("webhook endpoint {} created for workspace {} by company key {}", id, w.id(),
        p.key().id());
    ObjectNode out = describe(e);
    out.put("secret", secret.reveal());
    out.put("warning", "the secret is shown once; store it now");
    Json.send(ctx, 201, out);
  }

  /** {@code GET /v1/workspaces/{workspaceId}/webhooks}. */
  public void list(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    Requests.query(ctx, Set.of());
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    store(p).endpoints(p.companyId(), Optional.of(w.id())).forEach(e -> data.add(describe(e)));
    Json.send(ctx, 200, out);
  }

  /** {@code POST /v1/webhooks/{id}/disable}. */
  public void disable(Context ctx) {
    setEnabled(ctx, false);
  }

  /** {@code POST /v1/webhooks/{id}/enable}. */
  public void enable(Context ctx) {
    setEnabled(ctx, true);
  }

  private void setEnabled(Context ctx, boolean enabled) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    UUID id = endpoint(p, ctx).id();
    Requests.query(ctx, Set.of());
    if (enabled) {
      requirePlan(p);
    }
    WebhookEndpoint e = store(p).setEnabled(p.companyId(), id, enabled, DISABLED_BY_USER,
        clock.instant()).orElseThrow(() -> ApiException.notFound("webhook"));
    AUDIT.info("webhook endpoint {} {} by company key {}", id, enabled ? "enabled" : "disabled",
        p.key().id());
    Json.send(ctx, 200, describe(e));
  }

  /** {@code POST /v1/webhooks/{id}/rotate-secret}. */
  public void rotateSecret(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    UUID id = endpoint(p, ctx).id();
    Requests.query(ctx, Set.of());
    requirePlan(p);
    Instant now = clock.instant();
    WebhookSecret secret = WebhookSecret.generate();
    Instant until = now.plus(WebhookSecret.ROTATION_OVERLAP);
    WebhookEndpoint e = store(p).rotateSecret(p.companyId(), id,
        webhooks.sealer().seal(id, secret), until, now)
        .orElseThrow(() -> ApiException.notFound("webhook"));
    AUDIT.info("webhook endpoint {} secret rotated by company key {}", id, p.key().id());
    ObjectNode out = describe(e);
    out.put("secret", secret.reveal());
    out.put("previousSecretValidUntil", until.toString());
    out.put("warning", "the secret is shown once; store it now");
    Json.send(ctx, 200, out);
  }

  /** {@code GET /v1/webhooks/{id}/deliveries}. */
  public void deliveries(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    UUID id = endpoint(p, ctx).id();
    Map<String, String> q = Requests.query(ctx, Set.of("status", "limit", "cursor"));
    ProblemList<FieldError> errors = new ProblemList<>();
    Optional<DeliveryStatus> status = Optional.empty();
    if (q.containsKey("status")) {
      try {
        status = Optional.of(DeliveryStatus.valueOf(q.get("status")));
      } catch (IllegalArgumentException x) {
        errors.add(new FieldError("status", "INVALID_ENUM", "status must be one of "
            + EnumSet.allOf(DeliveryStatus.class)));
      }
    }
    int limit = DEFAULT_PAGE;
    if (q.containsKey("limit")) {
      try {
        limit = Requests.intParam("limit", q.get("limit"), 1, WebhookStore.MAX_PAGE);
      } catch (ApiException x) {
        errors.add(x.errors().get(0));
      }
    }
    Optional<String> cursor = Optional.ofNullable(q.get("cursor"));
    if (cursor.isPresent() && (cursor.get().isEmpty() || cursor.get().length() > MAX_CURSOR)) {
      errors.add(new FieldError("cursor", "INVALID_CURSOR",
          "cursor is not one this API returned; start again without it"));
    }
    JsonBody.throwIfAny(errors);
    DeliveryPage page = store(p).deliveries(p.companyId(), id, status, cursor, limit);
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    page.deliveries().forEach(d -> data.add(describe(d)));
    if (page.nextCursor().isPresent()) {
      out.put("nextCursor", page.nextCursor().get());
    } else {
      out.putNull("nextCursor");
    }
    Json.send(ctx, 200, out);
  }

  /** {@code POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry}. */
  public void retry(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    UUID id = endpoint(p, ctx).id();
    UUID deliveryId = Requests.uuid(ctx.pathParam("deliveryId"));
    if (deliveryId == null) {
      throw ApiException.notFound("delivery");
    }
    Requests.query(ctx, Set.of());
    requirePlan(p);
    Optional<WebhookDelivery> d = store(p).retry(p.companyId(), id, deliveryId,
        clock.instant());
    if (d.isEmpty()) {
      List<DeliveryAttempt> attempts = store(p).attempts(p.companyId(), deliveryId);
      if (!attempts.isEmpty() && attempts.get(attempts.size() - 1).response().succeeded()) {
        throw new ApiException(ErrorCode.CONFLICT, "the delivery already succeeded");
      }
      throw ApiException.notFound("delivery");
    }
    AUDIT.info("webhook delivery {} of endpoint {} retried by company key {}", deliveryId, id,
        p.key().id());
    Json.send(ctx, 200, describe(d.get()));
  }

  private WebhookStore store(Principal p) {
    return webhooks.store(p.company());
  }

  /** The caller's endpoint named by the path, or 404. */
  private WebhookEndpoint endpoint(Principal p, Context ctx) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    return (id == null ? Optional.<WebhookEndpoint>empty()
        : store(p).endpoint(p.companyId(), id))
        .orElseThrow(() -> ApiException.notFound("webhook"));
  }

  private static Plan requirePlan(Principal p) {
    Plan plan = p.company().plan();
    if (!plan.webhooksEnabled()) {
      throw new ApiException(ErrorCode.PLAN_RESTRICTED, "webhooks are not part of the "
          + plan.tier() + " plan; upgrade to GROWTH or ENTERPRISE");
    }
    return plan;
  }

  private static ApiException limit(int max) {
    return new ApiException(ErrorCode.PLAN_LIMIT_EXCEEDED, "the company has its plan's limit of "
        + max + " webhook endpoints (disabled ones count too)");
  }

  private record Request(String url, Set<WebhookEventType> events, Optional<UUID> projectId,
      String description) {}

  /** The body's fields, every problem reported at once. */
  private Request request(Principal p, Workspace w, ObjectNode body) {
    ProblemList<FieldError> errors = new ProblemList<>();
    String url = null;
    JsonNode u = body.get("url");
    if (u == null || u.isNull()) {
      errors.add(new FieldError("/url", "REQUIRED", "url is required"));
    } else if (!u.isTextual()) {
      errors.add(new FieldError("/url", "INVALID_TYPE", "url must be a string"));
    } else if (u.textValue().length() > WebhookEndpoint.MAX_URL) {
      errors.add(new FieldError("/url", "TOO_LONG", "url must be at most "
          + WebhookEndpoint.MAX_URL + " characters, got " + u.textValue().length()));
    } else {
      url = u.textValue();
    }
    Set<WebhookEventType> events = EnumSet.noneOf(WebhookEventType.class);
    JsonNode ev = body.get("events");
    if (ev == null || ev.isNull()) {
      errors.add(new FieldError("/events", "REQUIRED", "events is required, e.g."
          + " [\"AUDIT_EVENT_CREATED\"]"));
    } else if (!ev.isArray() || ev.isEmpty() || ev.size() > MAX_EVENTS) {
      errors.add(new FieldError("/events", "INVALID_TYPE", "events must be an array of 1.."
          + MAX_EVENTS + " event types, e.g. [\"AUDIT_EVENT_CREATED\"]"));
    } else {
      for (int i = 0; i < ev.size(); i++) {
        WebhookEventType t = eventType(ev.get(i));
        if (t == null) {
          errors.add(new FieldError("/events/" + i, "INVALID_ENUM", "must be one of "
              + EnumSet.allOf(WebhookEventType.class)));
        } else {
          events.add(t);
        }
      }
    }
    Optional<UUID> project = Optional.empty();
    JsonNode pr = body.get("projectId");
    if (pr != null && !pr.isNull()) {
      UUID pid = pr.isTextual() ? Requests.uuid(pr.textValue()) : null;
      Optional<Project> found = pid == null ? Optional.empty() : tenancy.projectOf(p.company(),
          pid).filter(x -> x.workspaceId().equals(w.id()));
      if (pid == null) {
        errors.add(new FieldError("/projectId", "INVALID_FORMAT", "projectId must be a UUID"));
      } else if (found.isEmpty()) {
        errors.add(new FieldError("/projectId", "NOT_FOUND", "no such project in the"
            + " workspace"));
      } else {
        project = Optional.of(pid);
      }
    }
    String description = "";
    JsonNode de = body.get("description");
    if (de != null && !de.isNull()) {
      if (!de.isTextual()) {
        errors.add(new FieldError("/description", "INVALID_TYPE", "description must be a"
            + " string"));
      } else if (de.textValue().length() > WebhookEndpoint.MAX_DESCRIPTION) {
        errors.add(new FieldError("/description", "TOO_LONG", "description must be at most "
            + WebhookEndpoint.MAX_DESCRIPTION + " characters, got " + de.textValue().length()));
      } else if (de.textValue().chars().anyMatch(c -> c < 0x20 && c != '\t')) {
        errors.add(new FieldError("/description", "INVALID_FORMAT", "description must not"
            + " hold control characters"));
      } else {
        description = de.textValue();
      }
    }
    JsonBody.throwIfAny(errors);
    return new Request(url, events, project, description);
  }

  private static WebhookEventType eventType(JsonNode n) {
    if (!n.isTextual()) {
      return null;
    }
    for (WebhookEventType t : WebhookEventType.values()) {
      if (t.name().equals(n.textValue())) {
        return t;
      }
    }
    return null;
  }

  static ObjectNode describe(WebhookEndpoint e) {
    ObjectNode n = Json.object();
    n.put("id", e.id().toString());
    n.put("workspaceId", e.workspaceId().toString());
    if (e.projectId().isPresent()) {
      n.put("projectId", e.projectId().get().toString());
    } else {
      n.putNull("projectId");
    }
    n.put("url", e.url().toString());
    ArrayNode events = n.putArray("events");
    e.events().stream().map(Enum::name).sorted().forEach(events::add);
    n.put("description", e.description());
    n.put("enabled", e.enabled());
    if (e.disabledReason().isPresent()) {
      n.put("disabledReason", e.disabledReason().get());
    } else {
      n.putNull("disabledReason");
    }
    Json.putTime(n, "failingSince", e.failingSince().orElse(null));
    n.put("createdAt", e.createdAt().toString());
    n.put("updatedAt", e.updatedAt().toString());
    return n;
  }

  static ObjectNode describe(WebhookDelivery d) {
    ObjectNode n = Json.object();
    n.put("id", d.id().toString());
    n.put("endpointId", d.endpointId().toString());
    n.put("eventId", d.eventId().toString());
    n.put("seq", d.seq());
    n.put("status", d.status().name());
    n.put("attempts", d.attempts());
    Json.putTime(n, "nextAttemptAt", d.nextAttemptAt().orElse(null));
    Json.putTime(n, "lastAttemptAt", d.lastAttemptAt().orElse(null));
    if (d.lastStatusCode().isPresent()) {
      n.put("lastStatusCode", d.lastStatusCode().get());
    } else {
      n.putNull("lastStatusCode");
    }
    n.put("createdAt", d.createdAt().toString());
    return n;
  }
}
