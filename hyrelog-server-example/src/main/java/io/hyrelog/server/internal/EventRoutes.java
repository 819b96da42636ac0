package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKeyScope;
import io.hyrelog.NewEvent;
import io.hyrelog.ProblemList;
import io.hyrelog.RequestContext;
import io.hyrelog.EventJson;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.EventCursor;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code /v1/events}: ingest (single and batch) and query. */
public final class EventRoutes {
  private static final int MAX_PAGE = 200;
  private static final Set<String> QUERY_PARAMS = Set.of("category", "action", "projectId",
      "workspaceId", "actorId", "actorEmail", "from", "to", "limit", "cursor");

  private final Regions regions;
  private final Tenancy tenancy;
  private final Metrics metrics;
  private final int maxBodyBytes;

  public EventRoutes(Regions regions, Tenancy tenancy, Metrics metrics, int maxBodyBytes) {
    this.regions = regions;
    this.tenancy = tenancy;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** {@code POST /v1/events}. */
  public void append(Context ctx) {
    Principal p = writer(ctx);
    Requests.query(ctx, Set.of());
    NewEvent e = EventRequests.single(JsonBody.read(ctx, maxBodyBytes));
    String header = ctx.header("Idempotency-Key");
    if (header != null) {
      if (e.idempotencyKey() != null && !e.idempotencyKey().equals(header)) {
        throw ApiException.validation("/idempotencyKey", "CONFLICTING_VALUES", "the"
            + " Idempotency-Key header and the idempotencyKey field differ; send one of them");
      }
      e = e.withIdempotencyKey(header);
    }
    List<AppendOutcome> out = append(ctx, p, List.of(e));
    AppendOutcome o = out.get(0);
    Json.send(ctx, o.created() ? 201 : 200, EventJson.toTree(o.event()));
  }

  /** {@code POST /v1/events/batch}. */
  public void appendBatch(Context ctx) {
    Principal p = writer(ctx);
    Requests.query(ctx, Set.of());
    if (ctx.header("Idempotency-Key") != null) {
      throw ApiException.validation("Idempotency-Key", "NOT_ALLOWED", "a batch takes an"
          + " idempotencyKey on each event, not the Idempotency-Key header");
    }
    int max = regions.of(p.company()).log().limits().maxBatchSize();
    List<NewEvent> events = EventRequests.batch(JsonBody.read(ctx, maxBodyBytes), max);
    List<AppendOutcome> out = append(ctx, p, events);
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    int created = 0;
    for (AppendOutcome o : out) {
      data.add(EventJson.toTree(o.event()));
      created += o.created() ? 1 : 0;
    }
    body.put("created", created);
    body.put("replayed", out.size() - created);
    Json.send(ctx, created > 0 ? 201 : 200, body);
  }

  private Principal writer(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    if (!p.key().type().allows(ApiKeyScope.EVENTS_WRITE)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "company keys cannot ingest events; use a"
          + " workspace key");
    }
    if (io.hyrelog.Workspace.systemId(p.companyId()).equals(p.key().workspaceId())) {
      // No API creates such a key; one an operator made by hand must not write either.
      throw new ApiException(ErrorCode.FORBIDDEN, "the system workspace is written by HyreLog"
          + " only");
    }
    return p;
  }

  private List<AppendOutcome> append(Context ctx, Principal p, List<NewEvent> events) {
    RequestContext rc = RequestPipeline.requestContext(ctx);
    requireCategories(p, events);
    List<NewEvent> withContext = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      NewEvent e = events.get(i);
      if (e.projectId() != null) {
        var project = tenancy.projectOf(p.company(), e.projectId());
        if (project.isEmpty() || !project.get().workspaceId().equals(p.key().workspaceId())) {
          String at = events.size() == 1 ? "" : "/events/" + i;
          throw ApiException.validation(at + "/projectId", "UNKNOWN_PROJECT",
              "projectId names no project of this workspace");
        }
      }
      withContext.add(e.withContext(rc));
    }
    List<AppendOutcome> out = regions.of(p.company()).log().appendBatch(p.workspaceRef(), withContext);
    long created = out.stream().filter(AppendOutcome::created).count();
    metrics.appended(created, out.size() - created);
    return out;
  }

  /** Refuses the whole request when an event's category is custom and the plan has none. */
  private static void requireCategories(Principal p, List<NewEvent> events) {
    if (p.plan().customCategoriesEnabled()) {
      return;
    }
    ProblemList<ApiException.FieldError> errors = new ProblemList<>();
    for (int i = 0; i < events.size(); i++) {
      if (!p.plan().allowsCategory(events.get(i).category())) {
        String at = events.size() == 1 ? "" : "/events/" + i;
        errors.add(new ApiException.FieldError(at + "/category",
            ErrorCode.CUSTOM_CATEGORY_RESTRICTED.name(), "the " + p.plan().tier() + " plan"
            + " accepts only the built-in categories (see allowedCategories)"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.CUSTOM_CATEGORY_RESTRICTED, errors.total() + " event(s)"
          + " use a custom category, which the " + p.plan().tier() + " plan does not include;"
          + " use a built-in category or upgrade to STARTER or above", errors.kept(), null,
          Map.of("allowedCategories", List.copyOf(io.hyrelog.Plan.BUILT_IN_CATEGORIES)));
    }
  }

  /** {@code GET /v1/events}. */
  public void query(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Json.send(ctx, 200, page(Reader.of(p), Requests.query(ctx, QUERY_PARAMS)));
  }

  /** The query parameters of {@link #page}. */
  public static Set<String> queryParams() {
    return QUERY_PARAMS;
  }

  /**
   * A page of the events {@code p} may read, newest first, as {@code GET /v1/events} answers.
   *
   * @param q the query: {@link #queryParams()}
   * @throws ApiException for a bad parameter (nothing read), NOT_FOUND for a workspace or
   *     project the caller may not read
   */
  public ObjectNode page(Reader p, Map<String, String> q) {
    EventQuery.Builder b = EventQuery.builder(p.scope());
    if (q.containsKey("workspaceId")) {
      UUID wid = Requests.uuid(q.get("workspaceId"));
      if (wid == null || !p.reads(wid) || tenancy.workspaceOf(p.company(), wid).isEmpty()) {
        throw ApiException.notFound("workspace");
      }
      b.workspaceId(wid);
    }
    if (q.containsKey("projectId")) {
      UUID pid = Requests.uuid(q.get("projectId"));
      var project = pid == null ? java.util.Optional.<io.hyrelog.Project>empty()
          : tenancy.projectOf(p.company(), pid);
      if (project.isEmpty() || !p.reads(project.get().workspaceId())) {
        throw ApiException.notFound("project");
      }
      b.projectId(pid);
    }
    text(q, "category", b::category);
    text(q, "action", b::action);
    text(q, "actorId", b::actorId);
    text(q, "actorEmail", b::actorEmail);
    Instant from = time(q, "from");
    Instant to = time(q, "to");
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiException.validation("from", "OUT_OF_RANGE", "from must not be after to");
    }
    if (from != null) {
      b.from(from);
    }
    if (to != null) {
      b.to(to);
    }
    b.limit(q.containsKey("limit") ? Requests.intParam("limit", q.get("limit"), 1, MAX_PAGE)
        : 50);
    if (q.containsKey("cursor")) {
      b.cursor(EventCursor.decode(q.get("cursor")));
    }
    EventPage page = regions.of(p.company()).store().query(b.build());
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    page.events().forEach(e -> data.add(EventJson.toTree(e)));
    if (page.nextCursor() == null) {
      body.putNull("nextCursor");
    } else {
      body.put("nextCursor", page.nextCursor().encode());
    }
    return body;
  }

  private static void text(Map<String, String> q, String name,
      java.util.function.Consumer<String> set) {
    String v = q.get(name);
    if (v == null) {
      return;
    }
    if (v.isEmpty() || v.length() > 320) {
      throw ApiException.validation(name, "OUT_OF_RANGE", name + " must be 1..320 characters");
    }
    // Stored values never hold control characters, and PostgreSQL rejects U+0000 in a query.
    if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.validation(name, "INVALID_FORMAT", name
          + " must not contain control characters");
    }
    set.accept(v);
  }

  private static Instant time(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      return null;
    }
    Instant t = Requests.instant(v);
    if (t == null) {
      throw ApiException.validation(name, "INVALID_FORMAT", name + " must be an RFC 3339"
          + " date-time with an offset, e.g. 2026-01-31T12:00:00Z");
    }
    return t;
  }
}
