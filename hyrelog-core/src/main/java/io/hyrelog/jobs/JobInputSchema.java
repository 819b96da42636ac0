package io.hyrelog.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ProblemList;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The input a job accepts: a flat JSON object with typed properties, some required; any other
 * field is rejected. For example, a job over a time window declares {@code
 * builder().required("from", INSTANT).required("to", INSTANT).build()}. Immutable.
 *
 * @param properties each property's type, in declaration order
 * @param required the names of the required properties (a subset of {@code properties})
 */
public record JobInputSchema(Map<String, PropertyType> properties, Set<String> required) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  private static final JobInputSchema NONE = new JobInputSchema(Map.of(), Set.of());

  /** The type of one property. */
  public enum PropertyType {
    /** A JSON string. */
    STRING("string", null),
    /** A JSON integer. */
    INTEGER("integer", null),
    /** A JSON boolean. */
    BOOLEAN("boolean", null),
    /** An RFC 3339 date-time with an offset, e.g. {@code 2026-01-31T00:00:00Z}. */
    INSTANT("string", "date-time"),
    /** An ISO 8601 calendar date, e.g. {@code 2026-01-31}. */
    DATE("string", "date");

    private final String jsonType;
    private final String format;

    PropertyType(String jsonType, String format) {
      this.jsonType = jsonType;
      this.format = format;
    }

    /** Null when {@code v} is of this type, else what is wrong with it. */
    String check(JsonNode v) {
      switch (this) {
        case STRING:
          return v.isTextual() ? null : "must be a string";
        case INTEGER:
          return v.isIntegralNumber() && v.canConvertToLong() ? null
              : "must be an integer";
        case BOOLEAN:
          return v.isBoolean() ? null : "must be true or false";
        case INSTANT:
          if (!v.isTextual()) {
            return "must be an RFC 3339 date-time string";
          }
          try {
            OffsetDateTime.parse(v.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return null;
          } catch (DateTimeParseException e) {
            return "must be an RFC 3339 date-time with an offset, e.g. 2026-01-31T00:00:00Z";
          }
        case DATE:
          if (!v.isTextual()) {
            return "must be a date string";
          }
          try {
            LocalDate.parse(v.textValue(), DateTimeFormatter.ISO_LOCAL_DATE);
            return null;
          } catch (DateTimeParseException e) {
            return "must be a date as YYYY-MM-DD";
          }
        default:
          throw new IllegalStateException(name());
      }
    }
  }

  /**
   * One problem with an input.
   *
   * @param pointer a JSON Pointer to the field ({@code ""} for the input itself)
   * @param code a stable code: {@code INVALID_TYPE}, {@code REQUIRED}, {@code UNKNOWN_FIELD}
   *     or {@code INVALID_FORMAT}
   * @param message what is wrong, without the value
   */
  public record Violation(String pointer, String code, String message) {
    /**
     * Validates the violation.
     *
     * @param pointer a JSON Pointer to the field ({@code ""} for the input itself)
     * @param code a stable code: {@code INVALID_TYPE}, {@code REQUIRED}, {@code UNKNOWN_FIELD}
     *     or {@code INVALID_FORMAT}
     * @param message what is wrong, without the value
     */
    public Violation {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Validates the schema and copies it.
   *
   * @param properties each property's type, in declaration order
   * @param required the names of the required properties (a subset of {@code properties})
   */
  public JobInputSchema {
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(required, "required");
    Map<String, PropertyType> p = new LinkedHashMap<>();
    properties.forEach((k, v) -> {
      if (k == null || !NAME.matcher(k).matches()) {
        throw new IllegalArgumentException("property names are 1-64 letters, digits and _"
            + " starting with a letter, got '" + k + "'");
      }
      p.put(k, Objects.requireNonNull(v, "type of " + k));
    });
    for (String r : required) {
      if (!p.containsKey(r)) {
        throw new IllegalArgumentException("required property '" + r + "' is not declared");
      }
    }
    properties = Collections.unmodifiableMap(p);
    required = Collections.unmodifiableSet(new LinkedHashSet<>(required));
  }

  /**
   * A schema that accepts only an empty object (or no input).
   *
   * @return the empty schema
   */
  public static JobInputSchema none() {
    return NONE;
  }

  /**
   * Starts an empty schema.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks {@code input} (a missing or null input counts as {@code {}}).
   *
   * @param input the job's input, or null
   * @return the violations, in field order (bounded: the first {@link
   *     ProblemList#DEFAULT_LIMIT} and their total); empty when the input is valid
   */
  public ProblemList<Violation> validate(JsonNode input) {
    ProblemList<Violation> out = new ProblemList<>();
    if (input == null || input.isNull() || input.isMissingNode()) {
      input = JsonNodeFactory.instance.objectNode();
    }
    if (!input.isObject()) {
      out.add(new Violation("", "INVALID_TYPE", "the input must be a JSON object"));
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      PropertyType t = properties.get(f.getKey());
      String ptr = pointer(f.getKey());
      if (t == null) {
        out.add(() -> new Violation(ptr, "UNKNOWN_FIELD", properties.isEmpty()
            ? "unknown field (this job takes no input)"
            : "unknown field (allowed: " + String.join(", ", properties.keySet()) + ")"));
        continue;
      }
      if (f.getValue().isNull()) {
        if (required.contains(f.getKey())) {
          out.add(new Violation(ptr, "REQUIRED", f.getKey() + " is required"));
        }
        continue;
      }
      String problem = t.check(f.getValue());
      if (problem != null) {
        out.add(new Violation(ptr, t.format == null ? "INVALID_TYPE" : "INVALID_FORMAT",
            f.getKey() + " " + problem));
      }
    }
    for (String r : required) {
      if (!input.has(r)) {
        out.add(new Violation(pointer(r), "REQUIRED", r + " is required"));
      }
    }
    return out;
  }

  /**
   * The schema as a JSON Schema object ({@code type}, {@code required}, {@code properties}).
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("type", "object");
    ArrayNode req = n.putArray("required");
    required.forEach(req::add);
    ObjectNode props = n.putObject("properties");
    properties.forEach((k, t) -> {
      ObjectNode p = props.putObject(k);
      p.put("type", t.jsonType);
      if (t.format != null) {
        p.put("format", t.format);
      }
    });
    n.put("additionalProperties", false);
    return n;
  }

  private static String pointer(String field) {
    String f = field.length() > 64 ? field.substring(0, 64) + "…" : field;
    return "/" + f.replace("~", "~0").replace("/", "~1");
  }

  /** Builder of {@link JobInputSchema}; not thread-safe. */
  public static final class Builder {
    private final Map<String, PropertyType> properties = new LinkedHashMap<>();
    private final Set<String> required = new LinkedHashSet<>();

    private Builder() {}

    /**
     * A property that must be present.
     *
     * @param name the property's name: a letter, then up to 63 letters, digits or {@code _}
     * @param type the property's type
     * @return this builder
     */
    public Builder required(String name, PropertyType type) {
      optional(name, type);
      required.add(name);
      return this;
    }

    /**
     * A property that may be present.
     *
     * @param name the property's name: a letter, then up to 63 letters, digits or {@code _}
     * @param type the property's type
     * @return this builder
     */
    public Builder optional(String name, PropertyType type) {
      Objects.requireNonNull(type, "type");
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("property names are 1-64 letters, digits and _"
            + " starting with a letter, got '" + name + "'");
      }
      if (properties.putIfAbsent(name, type) != null) {
        throw new IllegalArgumentException("property '" + name + "' is declared twice");
      }
      return this;
    }

    /**
     * Builds the schema.
     *
     * @return the schema
     */
    public JobInputSchema build() {
      return new JobInputSchema(properties, required);
    }
  }

  @Override
  public String toString() {
    return "JobInputSchema" + toJson();
  }
}
