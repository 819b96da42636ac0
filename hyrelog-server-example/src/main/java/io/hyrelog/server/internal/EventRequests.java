package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Actor;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.ProblemList;
import io.hyrelog.Resource;
import io.hyrelog.InvalidJsonException;
import io.hyrelog.Jcs;
import io.hyrelog.server.internal.ApiException.FieldError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Reads event request bodies strictly: I-JSON only (no duplicate keys, valid UTF-8, bounded
 * depth), known fields only, each of the right type. Value limits (lengths, sizes, timestamp
 * window) are then checked by the core {@code EventLimits}.
 */
public final class EventRequests {
  private static final Set<String> EVENT_FIELDS = Set.of("category", "action", "actor",
      "resource", "metadata", "projectId", "timestamp", "idempotencyKey");
  private static final Set<String> ACTOR_FIELDS = Set.of("id", "email", "role", "name");
  private static final Set<String> RESOURCE_FIELDS = Set.of("type", "id");
  /** Metadata may nest 16 levels below an event inside a batch: 16 + 3, with margin. */
  private static final int MAX_DEPTH = 24;

  private EventRequests() {}

  /** Parses a body as strict JSON, mapping every failure to a 400 problem. */
  public static JsonNode parse(byte[] body) {
    try {
      return Jcs.parse(body, MAX_DEPTH);
    } catch (InvalidJsonException e) {
      throw ApiException.validation("", e.reason().name(), "the body is not valid JSON"
          + " (RFC 8259 / I-JSON RFC 7493): " + e.getMessage());
    }
  }

  /** One event from a {@code POST /v1/events} body. */
  public static NewEvent single(JsonNode body) {
    ProblemList<FieldError> errors = new ProblemList<>();
    NewEvent e = event(body, "", errors);
    throwIfAny(errors);
    return e;
  }

  /** The events of a {@code POST /v1/events/batch} body ({@code {"events": [...]}}). */
  public static List<NewEvent> batch(JsonNode body, int maxEvents) {
    ProblemList<FieldError> errors = new ProblemList<>();
    if (!body.isObject()) {
      throw ApiException.validation("", "INVALID_TYPE", "the body must be a JSON object");
    }
    unknown(body, Set.of("events"), "", errors);
    JsonNode events = body.get("events");
    if (events == null || !events.isArray()) {
      errors.add(new FieldError("/events", events == null ? "REQUIRED" : "INVALID_TYPE",
          "events must be an array of 1.." + maxEvents + " events"));
      throwIfAny(errors);
    }
    if (events.isEmpty() || events.size() > maxEvents) {
      errors.add(new FieldError("/events", "OUT_OF_RANGE", "a batch holds 1.." + maxEvents
          + " events, got " + events.size()));
    }
    throwIfAny(errors);
    List<NewEvent> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      out.add(event(events.get(i), "/events/" + i, errors));
    }
    throwIfAny(errors);
    return out;
  }

  private static NewEvent event(JsonNode n, String at, ProblemList<FieldError> errors) {
    if (!n.isObject()) {
      errors.add(new FieldError(at, "INVALID_TYPE", "an event must be a JSON object"));
      return null;
    }
    unknown(n, EVENT_FIELDS, at, errors);
    String category = string(n, "category", at, errors);
    String action = string(n, "action", at, errors);
    Actor actor = null;
    JsonNode a = n.get("actor");
    if (a != null && !a.isNull()) {
      if (!a.isObject()) {
        errors.add(new FieldError(at + "/actor", "INVALID_TYPE", "actor must be an object"));
      } else {
        unknown(a, ACTOR_FIELDS, at + "/actor", errors);
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
        unknown(r, RESOURCE_FIELDS, at + "/resource", errors);
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
      projectId = uuid(p);
      if (projectId == null) {
        errors.add(new FieldError(at + "/projectId", "INVALID_FORMAT",
            "projectId must be a UUID"));
      }
    }
    Instant timestamp = null;
    String t = string(n, "timestamp", at, errors);
    if (t != null) {
      timestamp = instant(t);
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


  /** A UUID in its canonical 36-character form, or {@code null}. */
  public static UUID uuid(String s) {
    if (s == null || s.length() != 36
        || !s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      return null;
    }
    return UUID.fromString(s.toLowerCase(Locale.ROOT));
  }

  /**
   * An RFC 3339 date-time with an explicit offset, or {@code null}. The year has exactly four
   * digits, as RFC 3339 requires ({@code OffsetDateTime} also reads expanded years such as
   * {@code +999999999}, which PostgreSQL cannot store or compare).
   */
  public static Instant instant(String s) {
    if (s.length() > 40 || s.length() < 5 || s.charAt(4) != '-'
        || !s.substring(0, 4).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
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

  /**
   * Reports each field of {@code n} not in {@code known} as {@code UNKNOWN_FIELD} at {@code
   * at/<field>} (the name escaped as a JSON Pointer token and clipped to 64 characters).
   * Past the list's limit nothing is built: a body of a million unknown fields costs a count.
   */
  public static void unknown(JsonNode n, Set<String> known, String at,
      ProblemList<FieldError> errors) {
    String allowed = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        if (allowed == null) {
          allowed = "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(known))
              + ")";
        }
        String message = allowed;
        errors.add(() -> new FieldError(at + "/" + escape(f), "UNKNOWN_FIELD", message));
      }
    }
  }

  private static String escape(String f) {
    String s = f.replace("~", "~0").replace("/", "~1");
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  private static void throwIfAny(ProblemList<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors, "fields");
    }
  }
}
