package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.InvalidJsonException;
import io.hyrelog.Jcs;
import io.hyrelog.ProblemList;
import io.hyrelog.server.internal.ApiException.FieldError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one reader of JSON request bodies, for every route that takes one: {@code Content-Type:
 * application/json} (UTF-8), at most a route's byte limit (checked while reading, so a chunked
 * body cannot exceed it either), strict I-JSON (RFC 7493: valid UTF-8, no duplicate keys,
 * bounded depth), and known fields only. Every problem is a 400 (415, 413) problem naming its
 * place as a JSON Pointer; unknown fields are all reported, as a bounded {@link ProblemList}
 * (the first {@link ProblemList#DEFAULT_LIMIT} and their count), whatever the body's size.
 * Nothing is read from the body before these checks pass.
 */
public final class JsonBody {
  /** Metadata may nest 16 levels below an event inside a batch: 16 + 3, with margin. */
  private static final int MAX_DEPTH = 24;

  private JsonBody() {}

  /** The body as a JSON value of any type. */
  public static JsonNode read(Context ctx, int maxBytes) {
    return parse(bytes(ctx, maxBytes));
  }

  /**
   * The body as a JSON object of {@code fields} only.
   *
   * @throws ApiException VALIDATION_ERROR for another JSON type or any unknown field
   */
  public static ObjectNode object(Context ctx, int maxBytes, Set<String> fields) {
    ObjectNode body = requireObject(read(ctx, maxBytes));
    ProblemList<FieldError> errors = new ProblemList<>();
    unknown(body, fields, "", errors);
    throwIfAny(errors);
    return body;
  }

  /**
   * Like {@link #object}, but a request without a body (no {@code Content-Length} or zero, and
   * no {@code Content-Type}) reads as the empty object.
   */
  public static ObjectNode optionalObject(Context ctx, int maxBytes, Set<String> fields) {
    if (ctx.req().getContentLengthLong() <= 0 && ctx.header("Content-Type") == null) {
      return Json.object();
    }
    return object(ctx, maxBytes, fields);
  }

  /**
   * Checks the body of an action that takes none: nothing (whatever the Content-Type), or an
   * empty JSON object.
   */
  public static void none(Context ctx) {
    if (ctx.req().getContentLengthLong() > 0) {
      object(ctx, 1024, Set.of());
    }
  }

  /** {@code n} itself, or VALIDATION_ERROR when the body is not a JSON object. */
  public static ObjectNode requireObject(JsonNode n) {
    if (!n.isObject()) {
      throw ApiException.validation("", "INVALID_TYPE", "the body must be a JSON object");
    }
    return (ObjectNode) n;
  }

  /**
   * Reports each field of {@code n} not in {@code known} as {@code UNKNOWN_FIELD} at {@code
   * at/<field>} (the name escaped as a JSON Pointer token and clipped to 64 characters).
   * Past the list's limit nothing is built: a body of a million unknown fields costs a count.
   */
  public static void unknown(JsonNode n, Set<String> known, String at,
      ProblemList<FieldError> errors) {
    unknown(n, known, at, "field", errors);
  }

  /** {@link #unknown(JsonNode, Set, String, ProblemList)}, naming the members {@code noun}s. */
  public static void unknown(JsonNode n, Set<String> known, String at, String noun,
      ProblemList<FieldError> errors) {
    String allowed = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        if (allowed == null) {
          allowed = "unknown " + noun + " (allowed: " + String.join(", ", new TreeSet<>(known))
              + ")";
        }
        String message = allowed;
        errors.add(() -> new FieldError(at + "/" + pointerToken(f), "UNKNOWN_FIELD", message));
      }
    }
  }

  /** Throws the VALIDATION_ERROR of {@code errors}, if there are any. */
  public static void throwIfAny(ProblemList<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors, "fields");
    }
  }

  /** A member name as a JSON Pointer token (RFC 6901), clipped to 64 characters. */
  static String pointerToken(String f) {
    return Requests.clip(f.replace("~", "~0").replace("/", "~1"));
  }

  /** Parses bytes as strict JSON, mapping every failure to a 400 problem. */
  static JsonNode parse(byte[] body) {
    try {
      return Jcs.parse(body, MAX_DEPTH);
    } catch (InvalidJsonException e) {
      throw ApiException.validation("", e.reason().name(), "the body is not valid JSON"
          + " (RFC 8259 / I-JSON RFC 7493): " + e.getMessage());
    }
  }

  private static byte[] bytes(Context ctx, int max) {
    String type = ctx.header("Content-Type");
    if (type == null || !isJson(type)) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send the body as 'Content-Type: application/json'");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw tooLarge(max);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw tooLarge(max);
      }
      if (b.length == 0) {
        throw ApiException.validation("", "REQUIRED", "the request body is empty");
      }
      return b;
    } catch (IOException e) {
      throw ApiException.validation("", "INCOMPLETE_BODY", "the request body could not be read"
          + " completely");
    }
  }

  private static boolean isJson(String contentType) {
    String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!t.equals("application/json")) {
      return false;
    }
    String[] parts = contentType.split(";");
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
        return false;
      }
    }
    return true;
  }

  private static ApiException tooLarge(int max) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than "
        + max + " bytes; send smaller batches");
  }
}
