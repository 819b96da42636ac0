package io.hyrelog.server.internal.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ProblemList;
import io.hyrelog.server.internal.ApiException.FieldError;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A {@code POST /v1/exports} body, read strictly (I-JSON already checked by the caller): known
 * fields only, each of the right type; every problem is reported with its JSON Pointer.
 * {@code null} counts as absent.
 *
 * @param limit the requested row limit, or {@code null}
 * @param csvSafe a CSV export in {@code CsvMode.SPREADSHEET_SAFE} (only with {@code CSV})
 * @param proofs the export carries per-event inclusion proofs (only with {@code JSONL})
 */
record ExportRequest(ExportSource source, ExportFormat format, Filters filters, Long limit,
    boolean csvSafe, boolean proofs) {
  private static final Set<String> FIELDS = Set.of("source", "format", "filters", "limit",
      "csvSafe", "proofs");
  private static final Set<String> FILTER_FIELDS = Set.of("from", "to", "category", "action",
      "workspaceId", "projectId", "actorId", "actorEmail");
  private static final int MAX_TEXT = 320;

  /** The filters; each optional. {@code from} inclusive, {@code to} exclusive, on timestamp. */
  record Filters(Instant from, Instant to, String category, String action, UUID workspaceId,
      UUID projectId, String actorId, String actorEmail) {
    static final Filters NONE = new Filters(null, null, null, null, null, null, null, null);

    /** The filters as stored with the job and shown in its status. */
    ObjectNode toJson() {
      ObjectNode n = Json.object();
      if (from != null) {
        n.put("from", from.toString());
      }
      if (to != null) {
        n.put("to", to.toString());
      }
      put(n, "category", category);
      put(n, "action", action);
      put(n, "workspaceId", workspaceId == null ? null : workspaceId.toString());
      put(n, "projectId", projectId == null ? null : projectId.toString());
      put(n, "actorId", actorId);
      put(n, "actorEmail", actorEmail);
      return n;
    }

    static Filters fromJson(JsonNode n) {
      return new Filters(instantOrNull(n.get("from")), instantOrNull(n.get("to")),
          textOrNull(n.get("category")), textOrNull(n.get("action")),
          uuidOrNull(n.get("workspaceId")), uuidOrNull(n.get("projectId")),
          textOrNull(n.get("actorId")), textOrNull(n.get("actorEmail")));
    }

    private static void put(ObjectNode n, String k, String v) {
      if (v != null) {
        n.put(k, v);
      }
    }

    private static String textOrNull(JsonNode v) {
      return v == null ? null : v.textValue();
    }

    private static Instant instantOrNull(JsonNode v) {
      return v == null ? null : Instant.parse(v.textValue());
    }

    private static UUID uuidOrNull(JsonNode v) {
      return v == null ? null : UUID.fromString(v.textValue());
    }
  }

  static ExportRequest parse(JsonNode body) {
    JsonBody.requireObject(body);
    ProblemList<FieldError> errors = new ProblemList<>();
    JsonBody.unknown(body, FIELDS, "", errors);
    ExportSource source = choice(body, "source", ExportSource.class, ExportSource.HOT, errors);
    ExportFormat format = choice(body, "format", ExportFormat.class, ExportFormat.JSONL, errors);
    Filters filters = Filters.NONE;
    JsonNode f = body.get("filters");
    if (f != null && !f.isNull()) {
      if (!f.isObject()) {
        errors.add(new FieldError("/filters", "INVALID_TYPE", "filters must be an object"));
      } else {
        filters = filters(f, errors);
      }
    }
    Long limit = null;
    JsonNode l = body.get("limit");
    if (l != null && !l.isNull()) {
      if (!l.isIntegralNumber() || !l.canConvertToLong()) {
        errors.add(new FieldError("/limit", "INVALID_TYPE", "limit must be an integer"));
      } else if (l.longValue() < 1) {
        errors.add(new FieldError("/limit", "OUT_OF_RANGE", "limit must be at least 1"));
      } else {
        limit = l.longValue();
      }
    }
    boolean csvSafe = false;
    JsonNode safe = body.get("csvSafe");
    if (safe != null && !safe.isNull()) {
      if (!safe.isBoolean()) {
        errors.add(new FieldError("/csvSafe", "INVALID_TYPE", "csvSafe must be true or false"));
      } else if (safe.booleanValue() && format != ExportFormat.CSV) {
        errors.add(new FieldError("/csvSafe", "NOT_ALLOWED", "csvSafe applies to CSV exports"
            + " only (format: CSV)"));
      } else {
        csvSafe = safe.booleanValue();
      }
    }
    boolean proofs = false;
    JsonNode pr = body.get("proofs");
    if (pr != null && !pr.isNull()) {
      if (!pr.isBoolean()) {
        errors.add(new FieldError("/proofs", "INVALID_TYPE", "proofs must be true or false"));
      } else if (pr.booleanValue() && format != ExportFormat.JSONL) {
        errors.add(new FieldError("/proofs", "NOT_ALLOWED", "proofs apply to JSONL exports"
            + " only (format: JSONL): a CSV export cannot be verified"));
      } else {
        proofs = pr.booleanValue();
      }
    }
    JsonBody.throwIfAny(errors);
    return new ExportRequest(source, format, filters, limit, csvSafe, proofs);
  }

  private static Filters filters(JsonNode f, ProblemList<FieldError> errors) {
    JsonBody.unknown(f, FILTER_FIELDS, "/filters", errors);
    Instant from = time(f, "from", errors);
    Instant to = time(f, "to", errors);
    if (from != null && to != null && !from.isBefore(to)) {
      errors.add(new FieldError("/filters/from", "OUT_OF_RANGE",
          "from must be before to"));
    }
    return new Filters(from, to, text(f, "category", errors), text(f, "action", errors),
        uuid(f, "workspaceId", errors), uuid(f, "projectId", errors), text(f, "actorId", errors),
        text(f, "actorEmail", errors));
  }

  private static <E extends Enum<E>> E choice(JsonNode n, String field, Class<E> type, E dflt,
      ProblemList<FieldError> errors) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name());
    }
    if (!v.isTextual()) {
      errors.add(new FieldError("/" + field, "INVALID_TYPE", field + " must be a string, one of "
          + String.join(", ", names)));
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(v.textValue())) {
        return e;
      }
    }
    errors.add(new FieldError("/" + field, "INVALID_VALUE", field + " must be one of "
        + String.join(", ", names)));
    return dflt;
  }

  private static String string(JsonNode n, String field, ProblemList<FieldError> errors) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError("/filters/" + field, "INVALID_TYPE", field
          + " must be a string"));
      return null;
    }
    return v.textValue();
  }

  private static String text(JsonNode n, String field, ProblemList<FieldError> errors) {
    String v = string(n, field, errors);
    if (v == null) {
      return null;
    }
    if (v.isEmpty() || v.length() > MAX_TEXT) {
      errors.add(new FieldError("/filters/" + field, "OUT_OF_RANGE", field + " must be 1.."
          + MAX_TEXT + " characters"));
      return null;
    }
    // Stored values never hold control characters, and PostgreSQL rejects U+0000 in a query.
    if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      errors.add(new FieldError("/filters/" + field, "INVALID_FORMAT", field
          + " must not contain control characters"));
      return null;
    }
    return v;
  }

  private static Instant time(JsonNode n, String field, ProblemList<FieldError> errors) {
    String v = string(n, field, errors);
    if (v == null) {
      return null;
    }
    Instant t = Requests.instant(v);
    if (t == null) {
      errors.add(new FieldError("/filters/" + field, "INVALID_FORMAT", field + " must be an"
          + " RFC 3339 date-time with an offset, e.g. 2026-01-31T12:00:00Z"));
    }
    return t;
  }

  private static UUID uuid(JsonNode n, String field, ProblemList<FieldError> errors) {
    String v = string(n, field, errors);
    if (v == null) {
      return null;
    }
    UUID u = Requests.uuid(v);
    if (u == null) {
      errors.add(new FieldError("/filters/" + field, "INVALID_FORMAT", field
          + " must be a UUID"));
    }
    return u;
  }


}
