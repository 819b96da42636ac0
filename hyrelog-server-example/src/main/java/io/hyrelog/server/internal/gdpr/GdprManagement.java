package io.hyrelog.server.internal.gdpr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.Requester;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.spi.GdprRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The personal-data requests of the public API and the dashboard: filing (validated, bounded),
 * listing (newest first, cursor paging, a status filter, an {@code overdue} flag), reading, and
 * the decisions (approve, reject, cancel). Another company's request is NOT_FOUND. A request's
 * subject value is shown while the request is open (the approver must see whom it concerns)
 * and never after; nothing here logs it.
 */
public final class GdprManagement {
  /** The fields of a filing body. */
  public static final Set<String> FIELDS = Set.of("type", "subject", "reason", "workspaceId");
  /** The query parameters of a list. */
  public static final Set<String> LIST_PARAMS = Set.of("status", "limit", "cursor");
  /** Largest filing body. */
  public static final int MAX_BODY = 8 * 1024;
  private static final Set<String> SUBJECT_FIELDS = Set.of("actorId", "actorEmail", "metadata");
  private static final Set<String> METADATA_FIELDS = Set.of("key", "value");
  private static final int MAX_PAGE = 100;

  private final Regions regions;
  private final Tenancy tenancy;
  private final Clock clock;
  private final IdSource ids;

  public GdprManagement(Regions regions, Tenancy tenancy, Clock clock, IdSource ids) {
    this.regions = regions;
    this.tenancy = tenancy;
    this.clock = clock;
    this.ids = ids;
  }

  private GdprRequests requests(Company c) {
    return regions.of(c).gdprRequests();
  }

  /** Files a request of {@code c} from {@code body} (fields already checked) by {@code by}. */
  public ObjectNode file(Company c, ObjectNode body, Requester by) {
    GdprRequestType type = type(body.get("type"));
    DataSubject subject = subject(body.get("subject"));
    String reason = text(body.get("reason"), "/reason", GdprRequest.MAX_REASON);
    if (reason.isBlank()) {
      throw ApiException.validation("/reason", "BLANK", "reason must not be blank");
    }
    if (reason.contains(subject.value())) {
      throw ApiException.validation("/reason", "CONTAINS_SUBJECT", "reason must not contain"
          + " the subject's value: the request keeps its reason after the value is erased");
    }
    EventScope scope = EventScope.company(c.id());
    JsonNode ws = body.get("workspaceId");
    if (ws != null && !ws.isNull()) {
      if (!ws.isTextual() || Requests.uuid(ws.textValue()) == null) {
        throw ApiException.validation("/workspaceId", "INVALID_FORMAT",
            "workspaceId must be a UUID");
      }
      UUID wid = tenancy.workspaceOf(c, Requests.uuid(ws.textValue()))
          .orElseThrow(() -> ApiException.notFound("workspace")).id();
      scope = EventScope.workspace(c.id(), wid);
    }
    GdprRequest r = GdprRequest.file(ids.newEventId(), scope, type, subject, reason, by,
        ids.newSalt(), clock.instant());
    requests(c).insert(r);
    return json(r, clock.instant());
  }

  /** One request of {@code c}, or NOT_FOUND. */
  public GdprRequest find(Company c, String id) {
    UUID uuid = Requests.uuid(id);
    return Optional.ofNullable(uuid).flatMap(u -> requests(c).find(u))
        .filter(r -> r.companyId().equals(c.id()))
        .orElseThrow(() -> ApiException.notFound("gdpr request"));
  }

  /** {@link #find} as JSON. */
  public ObjectNode get(Company c, String id) {
    return json(find(c, id), clock.instant());
  }

  /** A page of {@code c}'s requests, newest first. */
  public ObjectNode list(Company c, Map<String, String> q) {
    Optional<GdprRequestStatus> status = Optional.ofNullable(q.get("status")).map(s -> {
      try {
        return GdprRequestStatus.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.validation("status", "INVALID_VALUE", "status must be one of "
            + List.of(GdprRequestStatus.values()));
      }
    });
    int limit = q.containsKey("limit") ? Requests.intParam("limit", q.get("limit"), 1, MAX_PAGE)
        : 50;
    Optional<GdprRequests.Cursor> after = Optional.ofNullable(q.get("cursor"))
        .map(GdprManagement::cursor);
    List<GdprRequest> page = requests(c).list(c.id(), status, after, limit + 1);
    Instant now = clock.instant();
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    page.stream().limit(limit).forEach(r -> data.add(json(r, now)));
    if (page.size() > limit) {
      GdprRequest last = page.get(limit - 1);
      out.put("nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString(
          (last.filedAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8)));
    } else {
      out.putNull("nextCursor");
    }
    return out;
  }

  /** Moves a request of {@code c} as {@code move} says, conditionally; maps refusals. */
  public ObjectNode decide(Company c, String id, UnaryOperator<GdprRequest> move) {
    GdprRequest r = find(c, id);
    try {
      return json(requests(c).update(r, move.apply(r)), clock.instant());
    } catch (GdprConflictException e) {
      if (e.reason() == GdprConflictException.Reason.SAME_PERSON) {
        throw new ApiException(ErrorCode.FORBIDDEN, "an erasure must be approved by another"
            + " person than its requester (dual control)");
      }
      throw new ApiException(ErrorCode.GDPR_REQUEST_STATE, "gdpr request " + r.id() + " is "
          + (e.reason() == GdprConflictException.Reason.STATUS_CHANGED
              ? "being changed by another request; read it again" : r.status()
              + ", which does not allow this"));
    }
  }

  /** The clock decisions are stamped with. */
  public Instant now() {
    return clock.instant();
  }

  private static GdprRequests.Cursor cursor(String s) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
      int bar = text.indexOf('|');
      UUID id = Requests.uuid(text.substring(bar + 1));
      if (s.length() > 120 || bar < 0 || id == null) {
        throw new IllegalArgumentException();
      }
      return new GdprRequests.Cursor(Instant.parse(text.substring(0, bar)), id);
    } catch (RuntimeException e) {
      throw ApiException.validation("cursor", "INVALID_CURSOR",
          "cursor is not one this API returned; start again without it");
    }
  }

  /** A field name as a bounded JSON Pointer token. */
  private static String token(String f) {
    String t = f.length() > 64 ? f.substring(0, 64) : f;
    return t.replace("~", "~0").replace("/", "~1");
  }

  private static GdprRequestType type(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiException.validation("/type", "REQUIRED", "type is required: ERASURE or ACCESS");
    }
    if (!n.isTextual()) {
      throw ApiException.validation("/type", "INVALID_TYPE", "type must be a string");
    }
    try {
      return GdprRequestType.valueOf(n.textValue());
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("/type", "INVALID_VALUE", "type must be ERASURE or ACCESS");
    }
  }

  private static DataSubject subject(JsonNode n) {
    if (n == null || n.isNull()) {
      throw ApiException.validation("/subject", "REQUIRED", "subject is required: one of"
          + " actorId, actorEmail or metadata {key, value}");
    }
    if (!n.isObject()) {
      throw ApiException.validation("/subject", "INVALID_TYPE", "subject must be an object");
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!SUBJECT_FIELDS.contains(f)) {
        throw ApiException.validation("/subject/" + token(f), "UNKNOWN_FIELD",
            "subject takes actorId, actorEmail or metadata");
      }
    }
    if (n.size() != 1) {
      throw ApiException.validation("/subject", "ONE_REQUIRED", "subject names exactly one of"
          + " actorId, actorEmail or metadata, got " + n.size());
    }
    if (n.has("actorId")) {
      return DataSubject.actorId(text(n.get("actorId"), "/subject/actorId",
          DataSubject.MAX_VALUE));
    }
    if (n.has("actorEmail")) {
      return DataSubject.actorEmail(text(n.get("actorEmail"), "/subject/actorEmail",
          DataSubject.MAX_VALUE));
    }
    JsonNode m = n.get("metadata");
    if (!m.isObject()) {
      throw ApiException.validation("/subject/metadata", "INVALID_TYPE",
          "metadata must be an object {key, value}");
    }
    for (var it = m.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!METADATA_FIELDS.contains(f)) {
        throw ApiException.validation("/subject/metadata/" + token(f),
            "UNKNOWN_FIELD", "metadata takes key and value");
      }
    }
    return DataSubject.metadata(text(m.get("key"), "/subject/metadata/key", DataSubject.MAX_KEY),
        text(m.get("value"), "/subject/metadata/value", DataSubject.MAX_VALUE));
  }

  private static String text(JsonNode n, String field, int max) {
    if (n == null || n.isNull()) {
      throw ApiException.validation(field, "REQUIRED", field.substring(field.lastIndexOf('/')
          + 1) + " is required");
    }
    if (!n.isTextual()) {
      throw ApiException.validation(field, "INVALID_TYPE", field.substring(
          field.lastIndexOf('/') + 1) + " must be a string");
    }
    String s = n.textValue();
    if (s.isEmpty()) {
      throw ApiException.validation(field, "EMPTY", field.substring(field.lastIndexOf('/') + 1)
          + " must not be empty");
    }
    if (s.length() > max) {
      throw ApiException.validation(field, "TOO_LONG", field.substring(field.lastIndexOf('/')
          + 1) + " must have at most " + max + " characters, got " + s.length());
    }
    return s;
  }

  /** The JSON of a request; its subject's value only while it is open. */
  public static ObjectNode json(GdprRequest r, Instant now) {
    ObjectNode o = Json.object();
    o.put("id", r.id().toString());
    o.put("status", r.status().name());
    o.put("type", r.type().name());
    o.put("companyId", r.companyId().toString());
    if (r.workspaceId().isPresent()) {
      o.put("workspaceId", r.workspaceId().get().toString());
    } else {
      o.putNull("workspaceId");
    }
    ObjectNode s = o.putObject("subject");
    s.put("kind", r.subjectKind().name());
    r.subjectKey().ifPresent(k -> s.put("key", k));
    r.subject().ifPresent(v -> s.put("value", v.value()));
    s.put("hash", r.subjectHash().hash().hex());
    o.put("reason", r.reason());
    o.set("requester", requester(r.requester()));
    o.put("filedAt", r.filedAt().toString());
    o.put("dueAt", r.dueAt().toString());
    o.put("updatedAt", r.updatedAt().toString());
    o.put("overdue", r.overdue(now));
    if (r.decidedBy().isPresent()) {
      o.set("decidedBy", requester(r.decidedBy().get()));
      o.put("decidedAt", r.decidedAt().orElseThrow().toString());
    } else {
      o.putNull("decidedBy");
      o.putNull("decidedAt");
    }
    o.put("startedAt", r.startedAt().map(Instant::toString).orElse(null));
    o.put("finishedAt", r.finishedAt().map(Instant::toString).orElse(null));
    o.set("result", r.result().<JsonNode>map(x -> x).orElse(null));
    o.put("failure", r.failure().orElse(null));
    return o;
  }

  private static ObjectNode requester(Requester r) {
    ObjectNode o = Json.object();
    o.put("kind", r.kind() == Requester.Kind.KEY ? "key" : "dashboard_user");
    o.put("id", r.id());
    return o;
  }
}
