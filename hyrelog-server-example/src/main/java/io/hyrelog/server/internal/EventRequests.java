package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Actor;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.ProblemList;
import io.hyrelog.Resource;
import io.hyrelog.server.internal.ApiException.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads event request bodies ({@link JsonBody} checked them as I-JSON) strictly: known fields
 * only, each of the right type. Value limits (lengths, sizes, timestamp
 * window) are then checked by the core {@code EventLimits}.
 */
public final class EventRequests {
  private static final Set<String> EVENT_FIELDS = Set.of("category", "action", "actor",
      "resource", "metadata", "projectId", "timestamp", "idempotencyKey");
  private static final Set<String> ACTOR_FIELDS = Set.of("id", "email", "role", "name");
  private static final Set<String> RESOURCE_FIELDS = Set.of("type", "id");

  private EventRequests() {}

  /** One event from a {@code POST /v1/events} body. */
  public static NewEvent single(JsonNode body) {
    ProblemList<FieldError> errors = new ProblemList<>();
    NewEvent e = event(body, "", errors);
    JsonBody.throwIfAny(errors);
    return e;
  }

  /** The events of a {@code POST /v1/events/batch} body ({@code {"events": [...]}}). */
  public static List<NewEvent> batch(JsonNode body, int maxEvents) {
    ProblemList<FieldError> errors = new ProblemList<>();
    JsonBody.requireObject(body);
    JsonBody.unknown(body, Set.of("events"), "", errors);
    JsonNode events = body.get("events");
    if (events == null || !events.isArray()) {
      errors.add(new FieldError("/events", events == null ? "REQUIRED" : "INVALID_TYPE",
          "events must be an array of 1.." + maxEvents + " events"));
      JsonBody.throwIfAny(errors);
    }
    if (events.isEmpty() || events.size() > maxEvents) {
      errors.add(new FieldError("/events", "OUT_OF_RANGE", "a batch holds 1.." + maxEvents
          + " events, got " + events.size()));
    }
    JsonBody.throwIfAny(errors);
    List<NewEvent> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      out.add(event(events.get(i), "/events/" + i, errors));
    }
    JsonBody.throwIfAny(errors);
    return out;
  }

  private static NewEvent event(JsonNode n, String at, ProblemList<FieldError> errors) {
    if (!n.isObject()) {
      errors.add(new FieldError(at, "INVALID_TYPE", "an event must be a JSON object"));
      return null;
    }
    JsonBody.unknown(n, EVENT_FIELDS, at, errors);
    String category = string(n, "category", at, errors);
    String action = string(n, "action", at, errors);
    Actor actor = null;
    JsonNode a = n.get("actor");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        errors.add(new FieldError(at + "/actor", "INVALID_TYPE", "actor must be an object"));
      } else {
        JsonBody.unknown(a, ACTOR_FIELDS, at + "/actor", errors);
        actor = new Actor(string(a, "id", at + "/actor", errors),
            string(a, "email", at + "/actor", errors), string(a, "role", at + "/actor", errors),
            string(a, "name", at + "/actor", errors));
      }
    }
    Resource resource = null;
    JsonNode r = n.get("resource");
    if (r != null && !r.isNull()) {
      if (!r.isObject()) {
        errors.add(new FieldError(at + "/resource", "INVALID_TYPE",
            "resource must be an object"));
      } else {
        JsonBody.unknown(r, RESOURCE_FIELDS, at + "/resource", errors);
        resource = new Resource(string(r, "type", at + "/resource", errors),
            string(r, "id", at + "/resource", errors));
      }
    }
    Metadata metadata = null;
    JsonNode m = n.get("metadata");
    if (m != null && !m.isNull()) {
      if (!m.isObject()) {
        errors.add(new FieldError(at + "/metadata", "INVALID_TYPE",
            "metadata must be a JSON object"));
      } else {
        metadata = Metadata.of(m);
      }
    }
    UUID projectId = null;
    String p = string(n, "projectId", at, errors);
    if (p != null) {
      projectId = Requests.uuid(p);
      if (projectId == null) {
        errors.add(new FieldError(at + "/projectId", "INVALID_FORMAT",
            "projectId must be a UUID"));
      }
    }
    Instant timestamp = null;
    String t = string(n, "timestamp", at, errors);
    if (t != null) {
      timestamp = Requests.instant(t);
      if (timestamp == null) {
        errors.add(new FieldError(at + "/timestamp", "INVALID_FORMAT",
            "timestamp must be an RFC 3339 date-time with an offset, e.g."
                + " 2026-01-31T12:00:00Z"));
      }
    }
    String key = string(n, "idempotencyKey", at, errors);
    return new NewEvent(timestamp, category, action, actor, resource, metadata, null,
        projectId, key);
  }


  private static String string(JsonNode n, String field, String at,
      ProblemList<FieldError> errors) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(at + "/" + field, "INVALID_TYPE", field + " must be a string"));
      return null;
    }
    return v.textValue();
  }


}
