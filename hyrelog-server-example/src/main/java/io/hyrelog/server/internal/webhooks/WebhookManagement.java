package io.hyrelog.server.internal.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.Plan;
import io.hyrelog.ProblemList;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ApiException.FieldError;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.KeyManagement;
import io.hyrelog.server.internal.JsonBody;
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
 * What the webhook routes do, for a company, whoever asks: the public API's company keys
 * ({@link WebhookRoutes}) and the dashboard ({@link DashboardWebhookRoutes}). Creating, enabling,
 * rotating and retrying need a plan with webhooks (403 PLAN_RESTRICTED); listing and disabling
 * stay open, so a downgraded company can see and stop what it has. Another company's ids answer
 * 404. Every change is logged to the audit logger with ids only (a URL may carry a token; a
 * secret never appears), naming who made it.
 */
public final class WebhookManagement {
  private static final Logger AUDIT = LoggerFactory.getLogger("io.hyrelog.server.audit");
  /** The largest body of a new endpoint. */
  static final int MAX_BODY = 16 * 1024;
  private static final int MAX_EVENTS = 16;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_CURSOR = 512;
  /** The disablement reason of endpoints beyond a lower plan's {@code maxWebhooks}. */
  public static final String OVER_PLAN_LIMIT = "PLAN_LIMIT_EXCEEDED";
  /** The disablement reason of {@code POST /v1/webhooks/{id}/disable}. */
  static final String DISABLED_BY_USER = "DISABLED_BY_USER";
  /** The fields of a new endpoint. */
  static final Set<String> FIELDS = Set.of("url", "events", "projectId", "description");
  /** The query parameters of a deliveries page. */
  static final Set<String> PAGE_PARAMS = Set.of("status", "limit", "cursor");

  private final Webhooks webhooks;
  private final Tenancy tenancy;
  private final Clock clock;

  public WebhookManagement(Webhooks webhooks, Tenancy tenancy, Clock clock) {
    this.webhooks = webhooks;
    this.tenancy = tenancy;
    this.clock = clock;
  }

  /** The company's workspace named by {@code id}, or 404. */
  Workspace workspace(Company c, String id) {
    UUID wid = Requests.uuid(id);
    return (wid == null ? Optional.<Workspace>empty() : tenancy.workspaceOf(c, wid))
        .orElseThrow(() -> ApiException.notFound("workspace"));
  }

  /**
   * Creates an endpoint of {@code w} from the body's {@link #FIELDS}.
   *
   * @param by who asks, for the audit logger (e.g. {@code company key <id>})
   * @return the endpoint with its secret, shown only here
   */
  ObjectNode create(Company c, Workspace w, ObjectNode body, String by) {
    KeyManagement.requireCustomerWorkspace(w);
    Plan plan = requirePlan(c);
    Request r = request(c, w, body);
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
    WebhookEndpoint e = new WebhookEndpoint(id, c.id(), w.id(), r.projectId, url,
        r.events, r.description, true, Optional.empty(), Optional.empty(), now, now);
    try {
      e = store(c).create(e, WebhookSecrets.of(webhooks.sealer().seal(id, secret)),
          Math.min(plan.maxWebhooks(), WebhookStore.MAX_ENDPOINTS));
    } catch (WebhookLimitException x) {
      throw limit(x.limit());
    }
    AUDIT.info("webhook endpoint {} created for workspace {} by {}", id, w.id(), by);
    ObjectNode out = describe(e);
    out.put("secret", secret.reveal());
    out.put("warning", "the secret is shown once; store it now");
    return out;
  }

  /** The company's endpoints, of one workspace or all, oldest first. */
  ObjectNode list(Company c, Optional<UUID> workspaceId) {
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    store(c).endpoints(c.id(), workspaceId).forEach(e -> data.add(describe(e)));
    return out;
  }

  /** Enables (plan permitting) or disables the endpoint {@code id}. */
  ObjectNode setEnabled(Company c, UUID id, boolean enabled, String by) {
    if (enabled) {
      Plan plan = requirePlan(c);
      long on = store(c).endpoints(c.id(), Optional.empty()).stream()
          .filter(e -> e.enabled() && !e.id().equals(id)).count();
      if (on >= plan.maxWebhooks()) {
        throw new ApiException(ErrorCode.PLAN_LIMIT_EXCEEDED, "the company has " + on
            + " enabled webhook endpoints, the most the " + plan.tier() + " plan allows ("
            + plan.maxWebhooks() + "); disable one first");
      }
    }
    WebhookEndpoint e = store(c).setEnabled(c.id(), id, enabled, DISABLED_BY_USER,
        clock.instant()).orElseThrow(() -> ApiException.notFound("webhook"));
    AUDIT.info("webhook endpoint {} {} by {}", id, enabled ? "enabled" : "disabled", by);
    return describe(e);
  }

  /**
   * After a plan assignment: when {@code plan} has no webhooks, disables the company's enabled
   * endpoints at once with reason {@link Webhooks#PLAN_RESTRICTED} (the dispatcher's admission
   * would on their next delivery); when it allows fewer endpoints than are enabled, disables the
   * newest beyond its {@code maxWebhooks} with reason {@link #OVER_PLAN_LIMIT}. Endpoints and
   * their deliveries are kept; an upgrade and an enable resume them.
   *
   * @return how many endpoints were disabled
   */
  public int restrictToPlan(Company c, Plan plan) {
    int allowed = plan.webhooksEnabled() ? plan.maxWebhooks() : 0;
    String reason = plan.webhooksEnabled() ? OVER_PLAN_LIMIT : Webhooks.PLAN_RESTRICTED;
    int on = 0;
    int n = 0;
    // Oldest first: the endpoints made first stay on.
    for (WebhookEndpoint e : store(c).endpoints(c.id(), Optional.empty())) {
      if (e.enabled() && ++on > allowed && store(c).setEnabled(c.id(), e.id(), false, reason,
          clock.instant()).isPresent()) {
        n++;
      }
    }
    if (n > 0) {
      AUDIT.info("{} webhook endpoint(s) of company {} disabled ({}): plan {} allows {}", n,
          c.id(), reason, plan.tier(), allowed);
    }
    return n;
  }

  /** A new secret for endpoint {@code id}; the old one signs beside it for 24 h. */
  ObjectNode rotateSecret(Company c, UUID id, String by) {
    requirePlan(c);
    Instant now = clock.instant();
    WebhookSecret secret = WebhookSecret.generate();
    Instant until = now.plus(WebhookSecret.ROTATION_OVERLAP);
    WebhookEndpoint e = store(c).rotateSecret(c.id(), id,
        webhooks.sealer().seal(id, secret), until, now)
        .orElseThrow(() -> ApiException.notFound("webhook"));
    AUDIT.info("webhook endpoint {} secret rotated by {}", id, by);
    ObjectNode out = describe(e);
    out.put("secret", secret.reveal());
    out.put("previousSecretValidUntil", until.toString());
    out.put("warning", "the secret is shown once; store it now");
    return out;
  }

  /**
   * A page of endpoint {@code id}'s deliveries, newest first (by seq).
   *
   * @param q the query: {@link #PAGE_PARAMS}
   */
  ObjectNode deliveries(Company c, UUID id, Map<String, String> q) {
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
    DeliveryPage page = store(c).deliveries(c.id(), id, status, cursor, limit);
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    page.deliveries().forEach(d -> data.add(describe(d)));
    if (page.nextCursor().isPresent()) {
      out.put("nextCursor", page.nextCursor().get());
    } else {
      out.putNull("nextCursor");
    }
    return out;
  }

  /** One more attempt, now, of a FAILED or PENDING delivery of endpoint {@code id}. */
  ObjectNode retry(Company c, UUID id, String deliveryParam, String by) {
    UUID deliveryId = Requests.uuid(deliveryParam);
    if (deliveryId == null) {
      throw ApiException.notFound("delivery");
    }
    requirePlan(c);
    Optional<WebhookDelivery> d = store(c).retry(c.id(), id, deliveryId, clock.instant());
    if (d.isEmpty()) {
      List<DeliveryAttempt> attempts = store(c).attempts(c.id(), deliveryId);
      if (!attempts.isEmpty() && attempts.get(attempts.size() - 1).response().succeeded()) {
        throw new ApiException(ErrorCode.CONFLICT, "the delivery already succeeded");
      }
      throw ApiException.notFound("delivery");
    }
    AUDIT.info("webhook delivery {} of endpoint {} retried by {}", deliveryId, id, by);
    return describe(d.get());
  }

  private WebhookStore store(Company c) {
    return webhooks.store(c);
  }

  /** The company's endpoint named by {@code id} (a path parameter), or 404. */
  WebhookEndpoint endpoint(Company c, String idParam) {
    UUID id = Requests.uuid(idParam);
    return (id == null ? Optional.<WebhookEndpoint>empty() : store(c).endpoint(c.id(), id))
        .orElseThrow(() -> ApiException.notFound("webhook"));
  }

  private Plan requirePlan(Company c) {
    Plan plan = tenancy.plan(c);
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
  private Request request(Company c, Workspace w, ObjectNode body) {
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
      Optional<Project> found = pid == null ? Optional.empty() : tenancy.projectOf(c,
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
      } else if (de.textValue().chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
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
