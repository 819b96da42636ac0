package io.hyrelog.server.internal;

import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reading request parts strictly: bodies with a size limit, query parameters, path ids. */
public final class Requests {
  private static final java.util.regex.Pattern BAD_ESCAPE =
      java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private Requests() {}

  /**
   * The body as bytes, required to be JSON and at most {@code max} bytes (checked while
   * reading, so a chunked body cannot exceed it either).
   */
  public static byte[] jsonBody(Context ctx, int max) {
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
    String t = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (!t.equals("application/json")) {
      return false;
    }
    String[] parts = contentType.split(";");
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(java.util.Locale.ROOT);
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

  /** Rejects unknown or repeated query parameters; returns the single values. */
  public static Map<String, String> query(Context ctx, Set<String> allowed) {
    // Javalin drops a value (or a whole pair, when in the name) with a malformed %-escape.
    String raw = ctx.queryString();
    if (raw != null && BAD_ESCAPE.matcher(raw).find()) {
      throw ApiException.validation("", "INVALID_ENCODING", "the query string holds a '%' that"
          + " is not followed by two hexadecimal digits; percent-encode it as %25");
    }
    Map<String, List<String>> all = ctx.queryParamMap();
    java.util.HashMap<String, String> out = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw ApiException.validation(clip(e.getKey()), "UNKNOWN_PARAMETER",
            "unknown query parameter (allowed: " + String.join(", ", new java.util.TreeSet<>(
                allowed)) + ")");
      }
      if (e.getValue().size() != 1) {
        throw ApiException.validation(e.getKey(), "REPEATED_PARAMETER",
            e.getKey() + " may be given once");
      }
      out.put(e.getKey(), e.getValue().get(0));
    }
    return out;
  }

  public static UUID uuidParam(String name, String value) {
    UUID u = EventRequests.uuid(value);
    if (u == null) {
      throw ApiException.validation(name, "INVALID_FORMAT", name + " must be a UUID");
    }
    return u;
  }

  public static int intParam(String name, String value, int min, int max) {
    try {
      if (value.length() > 12) {
        throw new NumberFormatException();
      }
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.validation(name, "OUT_OF_RANGE", name + " must be an integer in "
          + min + ".." + max);
    }
  }

  public static long longParam(String name, String value, long min) {
    try {
      if (value.length() > 19) {
        throw new NumberFormatException();
      }
      long n = Long.parseLong(value);
      if (n < min) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.validation(name, "OUT_OF_RANGE", name + " must be an integer >= "
          + min);
    }
  }

  /**
   * The workspace named by a path id, visible to the caller: a workspace key sees its own
   * workspace, a company key its company's. Anything else is NOT_FOUND (never FORBIDDEN: the
   * answer must not reveal that another tenant's id exists).
   */
  public static Workspace visibleWorkspace(Services s, Principal p, String id) {
    UUID wid = EventRequests.uuid(id);
    if (wid == null) {
      throw ApiException.notFound("workspace");
    }
    if (p.isWorkspaceKey() && !wid.equals(p.key().workspaceId())) {
      throw ApiException.notFound("workspace");
    }
    return s.tenancy().workspaceOf(p.company(), wid)
        .orElseThrow(() -> ApiException.notFound("workspace"));
  }

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
