package io.hyrelog.server.internal;

import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reading request parts strictly: query parameters, path ids, UUIDs and times (bodies: {@link
 * JsonBody}).
 */
public final class Requests {
  private static final java.util.regex.Pattern BAD_ESCAPE =
      java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private Requests() {}

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
    UUID u = uuid(value);
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
  public static Workspace visibleWorkspace(Tenancy tenancy, Principal p, String id) {
    UUID wid = uuid(id);
    if (wid == null) {
      throw ApiException.notFound("workspace");
    }
    if (p.isWorkspaceKey() && !wid.equals(p.key().workspaceId())) {
      throw ApiException.notFound("workspace");
    }
    return tenancy.workspaceOf(p.company(), wid)
        .orElseThrow(() -> ApiException.notFound("workspace"));
  }

  /** A UUID in its canonical 36-character form, or {@code null}. */
  public static UUID uuid(String s) {
    if (s == null || s.length() != 36
        || !s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      return null;
    }
    return UUID.fromString(s.toLowerCase(java.util.Locale.ROOT));
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

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
