package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which event fields hold personal data. Each such field enters the event hash as a salted
 * commitment instead of its value, so it can later be erased (a GDPR request) while the chain
 * still verifies.
 *
 * <p>Fields are named by JSON Pointer (RFC 6901) into the event's JSON form. Allowed are
 * {@code /actor/id}, {@code /actor/email}, {@code /actor/role}, {@code /actor/name},
 * {@code /resource/id}, {@code /context/traceId}, {@code /context/ip},
 * {@code /context/userAgent}, and top-level metadata keys ({@code /metadata/<key>}, with
 * {@code ~} and {@code /} in the key escaped as {@code ~0} and {@code ~1}).
 *
 * <p>The policy decides which fields are <em>committed</em> when an event is appended. It is
 * recorded per event (the event's {@code personal} map), so verification never needs the policy
 * and changing it affects only later events. Immutable and thread-safe.
 */
public final class PersonalDataPolicy {
  /** Fields that may be declared personal, besides metadata keys. */
  public static final Set<String> FIXED_FIELDS =
      Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(
          "/actor/id", "/actor/email", "/actor/role", "/actor/name",
          "/resource/id",
          "/context/traceId", "/context/ip", "/context/userAgent")));

  private static final PersonalDataPolicy DEFAULTS = new PersonalDataPolicy(
      new TreeSet<>(Set.of("/actor/email", "/actor/name", "/context/ip", "/context/userAgent")));

  private static final PersonalDataPolicy NONE = new PersonalDataPolicy(new TreeSet<>());

  private final SortedSet<String> paths;

  private PersonalDataPolicy(SortedSet<String> paths) {
    this.paths = Collections.unmodifiableSortedSet(paths);
  }

  /**
   * Actor email and name, context IP and user agent.
   *
   * @return the default policy
   */
  public static PersonalDataPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * No personal fields: every value is hashed directly and nothing can be erased.
   *
   * @return the empty policy
   */
  public static PersonalDataPolicy none() {
    return NONE;
  }

  /**
   * A policy of exactly these fields.
   *
   * @param paths the fields, as JSON Pointers
   * @return the policy
   * @throws IllegalArgumentException naming the first field that may not be declared personal
   */
  public static PersonalDataPolicy of(Collection<String> paths) {
    SortedSet<String> set = new TreeSet<>();
    for (String p : paths) {
      set.add(requireAllowed(p));
    }
    return new PersonalDataPolicy(set);
  }

  /**
   * This policy plus the given top-level metadata keys.
   *
   * @param keys metadata keys
   * @return a new policy
   */
  public PersonalDataPolicy withMetadataKeys(String... keys) {
    SortedSet<String> set = new TreeSet<>(paths);
    for (String k : keys) {
      Objects.requireNonNull(k, "metadata key");
      if (k.isEmpty()) {
        throw new IllegalArgumentException("a personal metadata key must not be empty");
      }
      set.add(metadataPath(k));
    }
    return new PersonalDataPolicy(set);
  }

  /**
   * The declared fields as JSON Pointers, sorted.
   *
   * @return the paths, unmodifiable
   */
  public SortedSet<String> paths() {
    return paths;
  }

  /**
   * Whether the field at {@code path} is personal under this policy.
   *
   * @param path a JSON Pointer
   * @return true when it is declared personal
   */
  public boolean isPersonal(String path) {
    return paths.contains(path);
  }

  /**
   * The JSON Pointer of a top-level metadata key.
   *
   * @param key a metadata key
   * @return the pointer {@code /metadata/<key>}, escaped as RFC 6901 says
   */
  public static String metadataPath(String key) {
    return "/metadata/" + key.replace("~", "~0").replace("/", "~1");
  }

  /**
   * Checks that {@code path} names a field that may be personal.
   *
   * @param path a JSON Pointer
   * @return the path
   * @throws IllegalArgumentException when it may not
   */
  public static String requireAllowed(String path) {
    Objects.requireNonNull(path, "path");
    if (!isAllowed(path)) {
      throw new IllegalArgumentException("field '" + path + "' cannot be personal; allowed are "
          + FIXED_FIELDS + " and /metadata/<top-level key>");
    }
    return path;
  }

  /**
   * Whether {@code path} names a field that may be personal.
   *
   * @param path a JSON Pointer
   * @return true when it may be declared personal
   */
  public static boolean isAllowed(String path) {
    if (FIXED_FIELDS.contains(path)) {
      return true;
    }
    if (path.startsWith("/metadata/") && path.length() > "/metadata/".length()) {
      String key = path.substring("/metadata/".length());
      return key.indexOf('/') < 0 && validEscapes(key);
    }
    return false;
  }

  /**
   * The value a personal-field pointer names in an event's JSON form, or {@code null} when
   * absent. Personal-field pointers always have two segments ({@code /parent/key}).
   *
   * @param event an event's JSON form
   * @param path a personal-field pointer
   * @return the value, or null
   */
  public static JsonNode valueAt(JsonNode event, String path) {
    int slash = path.indexOf('/', 1);
    if (slash < 0) {
      return null;
    }
    JsonNode parent = event.get(path.substring(1, slash));
    if (parent == null || !parent.isObject()) {
      return null;
    }
    return parent.get(keyOf(path, slash));
  }

  /** The unescaped last segment of a two-segment pointer. */
  static String keyOf(String path, int slash) {
    String key = path.substring(slash + 1);
    return key.indexOf('~') < 0 ? key : key.replace("~1", "/").replace("~0", "~");
  }

  private static boolean validEscapes(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '~'
          && (i + 1 >= key.length() || (key.charAt(i + 1) != '0' && key.charAt(i + 1) != '1'))) {
        return false;
      }
    }
    return true;
  }

  /** The metadata key named by a {@code /metadata/…} pointer. */
  static String metadataKey(String path) {
    return keyOf(path, "/metadata".length());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PersonalDataPolicy p && paths.equals(p.paths);
  }

  @Override
  public int hashCode() {
    return paths.hashCode();
  }

  @Override
  public String toString() {
    return "PersonalDataPolicy" + paths;
  }
}
