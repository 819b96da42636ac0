package io.hyrelog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The JSON form of an event: the HTTP API's representation and one line of the JSONL export
 * format ({@code docs/format.md}). Field names are camelCase; absent optional fields are omitted
 * (never {@code null}); ids are lowercase UUIDs, hashes lowercase hex, timestamps UTC with six
 * fractional digits.
 *
 * <p>{@link #fromTree} is strict: unknown fields, wrong types and non-canonical encodings are
 * rejected, so that nothing can ride along in an export without being covered by the hash.
 * Thread-safe (stateless).
 */
public final class EventJson {
  /** The format version written in every event's {@code v} field. */
  public static final int FORMAT_VERSION = 1;

  /**
   * The member of an archived event naming the subject keys its sealed personal values are
   * encrypted under ({@code docs/format.md} §11); like {@code personal}, not part of the hash.
   */
  public static final String SUBJECT_KEYS = "subjectKeys";

  /** The most subject keys one archived event may name. */
  public static final int MAX_SUBJECT_KEYS = 4096;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Set<String> TOP_FIELDS = Set.of(
      "v", "id", "seq", "prevHash", "hash", "companyId", "workspaceId", "projectId", "region",
      "timestamp", "recordedAt", "category", "action", "actor", "resource", "metadata",
      "context", "idempotencyKey", "personal", SUBJECT_KEYS);
  private static final Set<String> ACTOR_FIELDS = Set.of("id", "email", "role", "name");
  private static final Set<String> RESOURCE_FIELDS = Set.of("type", "id");
  private static final Set<String> CONTEXT_FIELDS = Set.of("traceId", "ip", "userAgent");
  private static final Set<String> ERASED_FIELDS = Set.of("commitment", "erased");
  private static final Set<String> DISCLOSED_FIELDS = Set.of("commitment", "salt");
  private static final Set<String> SEALED_FIELDS = Set.of("commitment", "sealed");
  /** A sealed value holds at least a salt, one byte of JSON and the GCM tag. */
  private static final int MIN_SEALED_BYTES = Salt.LENGTH + 1 + 16;

  private EventJson() {}

  /**
   * The JSON form of {@code e}, with personal values in place and their salts disclosed.
   *
   * @param e the event
   * @return a new JSON tree
   */
  public static ObjectNode toTree(AuditEvent e) {
    ObjectNode n = F.objectNode();
    n.put("v", FORMAT_VERSION);
    n.put("id", e.id().toString());
    n.put("seq", e.seq());
    n.put("prevHash", e.prevHash().hex());
    n.put("hash", e.hash().hex());
    n.put("companyId", e.companyId().toString());
    n.put("workspaceId", e.workspaceId().toString());
    if (e.projectId() != null) {
      n.put("projectId", e.projectId().toString());
    }
    n.put("region", e.region().name());
    n.put("timestamp", formatInstant(e.timestamp()));
    n.put("recordedAt", formatInstant(e.recordedAt()));
    n.put("category", e.category());
    n.put("action", e.action());
    if (e.actor() != null) {
      ObjectNode a = n.putObject("actor");
      putIfPresent(a, "id", e.actor().id());
      putIfPresent(a, "email", e.actor().email());
      putIfPresent(a, "role", e.actor().role());
      putIfPresent(a, "name", e.actor().name());
    }
    if (e.resource() != null) {
      ObjectNode r = n.putObject("resource");
      putIfPresent(r, "type", e.resource().type());
      putIfPresent(r, "id", e.resource().id());
    }
    n.set("metadata", e.metadata().toNode());
    if (e.context() != null) {
      ObjectNode c = n.putObject("context");
      putIfPresent(c, "traceId", e.context().traceId());
      putIfPresent(c, "ip", e.context().ip());
      putIfPresent(c, "userAgent", e.context().userAgent());
    }
    putIfPresent(n, "idempotencyKey", e.idempotencyKey());
    if (!e.personal().isEmpty()) {
      ObjectNode p = n.putObject("personal");
      for (Map.Entry<String, PersonalField> f : e.personal().entrySet()) {
        ObjectNode pf = p.putObject(f.getKey());
        pf.put("commitment", f.getValue().commitment().hex());
        if (f.getValue().erased()) {
          pf.put("erased", true);
        } else {
          pf.put("salt", f.getValue().salt().hex());
        }
      }
    }
    return n;
  }

  /**
   * The JSON form of {@code e} as UTF-8 bytes, written exactly as the HTTP API writes one event
   * (a default Jackson writer, no whitespace): the body of a webhook delivery.
   *
   * @param e the event
   * @return the JSON text's bytes
   */
  public static byte[] toBytes(AuditEvent e) {
    try {
      return MAPPER.writeValueAsBytes(toTree(e));
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("cannot write an event's JSON tree", x);
    }
  }

  private static void putIfPresent(ObjectNode n, String name, String value) {
    if (value != null) {
      n.put(name, value);
    }
  }

  /**
   * The parts of an event's JSON form that chain verification needs.
   *
   * @param personal the personal-field entries, keyed by JSON Pointer
   */
  public record ChainFields(UUID workspaceId, long seq, Digest prevHash, Digest hash,
      SortedMap<String, PersonalField> personal) {}

  /**
   * Reads the JSON form of an event strictly.
   *
   * @param n the JSON form
   * @return the event
   * @throws MalformedEventException naming the first offending field
   */
  public static AuditEvent fromTree(JsonNode n) {
    return (AuditEvent) read(n, true);
  }

  /**
   * Checks the JSON form of an event exactly as strictly as {@link #fromTree}, but returns only
   * its chain fields, without building the event (the verifier's fast path). Metadata is not
   * re-validated as I-JSON here: hashing the event does that.
   *
   * @param n the JSON form
   * @return the chain fields
   * @throws MalformedEventException naming the first offending field
   */
  public static ChainFields check(JsonNode n) {
    return (ChainFields) read(n, false);
  }

  private static Object read(JsonNode n, boolean build) {
    if (n == null || !n.isObject()) {
      throw new MalformedEventException("", "an event must be a JSON object");
    }
    requireKnownFields("", n, TOP_FIELDS);
    JsonNode v = n.get("v");
    if (v == null || !v.isIntegralNumber() || v.longValue() != FORMAT_VERSION) {
      throw new MalformedEventException("/v", "must be the format version " + FORMAT_VERSION);
    }
    UUID id = uuid(n, "id", true);
    JsonNode seqNode = n.get("seq");
    if (seqNode == null || !seqNode.isIntegralNumber() || seqNode.longValue() < 1) {
      throw new MalformedEventException("/seq", "must be an integer >= 1");
    }
    Digest prevHash = digest(n, "prevHash");
    Digest hash = digest(n, "hash");
    UUID companyId = uuid(n, "companyId", true);
    UUID workspaceId = uuid(n, "workspaceId", true);
    UUID projectId = uuid(n, "projectId", false);
    DataRegion region;
    try {
      region = DataRegion.valueOf(text(n, "", "region", true));
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("/region", "must be one of US, EU, UK, AU");
    }
    Instant timestamp = instant(n, "timestamp");
    Instant recordedAt = instant(n, "recordedAt");
    String category = text(n, "", "category", true);
    String action = text(n, "", "action", true);
    JsonNode a = object(n, "actor");
    if (a != null) {
      requireKnownFields("/actor", a, ACTOR_FIELDS);
      requireStrings("/actor", a);
    }
    JsonNode r = object(n, "resource");
    if (r != null) {
      requireKnownFields("/resource", r, RESOURCE_FIELDS);
      requireStrings("/resource", r);
    }
    JsonNode m = object(n, "metadata");
    if (m == null) {
      throw new MalformedEventException("/metadata", "is required (use {} when empty)");
    }
    JsonNode c = object(n, "context");
    if (c != null) {
      requireKnownFields("/context", c, CONTEXT_FIELDS);
      requireStrings("/context", c);
    }
    String idempotencyKey = text(n, "", "idempotencyKey", false);
    int[] sealed = {0};
    SortedMap<String, PersonalField> personal = personal(object(n, "personal"), sealed);
    subjectKeys(n.get(SUBJECT_KEYS), sealed[0] > 0);
    for (Map.Entry<String, PersonalField> p : personal.entrySet()) {
      boolean present = PersonalDataPolicy.valueAt(n, p.getKey()) != null;
      if (p.getValue().erased() == present) {
        throw new MalformedEventException(pointerTo(p.getKey()), present
            ? "the field is erased but the event carries a value for it"
            : "the field has a salt but the event carries no value for it");
      }
    }
    if (!build) {
      return new ChainFields(workspaceId, seqNode.longValue(), prevHash, hash, personal);
    }
    Metadata metadata;
    try {
      metadata = Metadata.of(m);
    } catch (InvalidJsonException e) {
      throw new MalformedEventException("/metadata", e.getMessage());
    }
    Actor actor = a == null ? null : new Actor(text(a, "/actor", "id", false),
        text(a, "/actor", "email", false), text(a, "/actor", "role", false),
        text(a, "/actor", "name", false));
    Resource resource = r == null ? null
        : new Resource(text(r, "/resource", "type", false), text(r, "/resource", "id", false));
    RequestContext context = c == null ? null : new RequestContext(
        text(c, "/context", "traceId", false), text(c, "/context", "ip", false),
        text(c, "/context", "userAgent", false));
    try {
      return new AuditEvent(id, seqNode.longValue(), prevHash, hash, companyId, workspaceId,
          projectId, region, timestamp, recordedAt, category, action, actor, resource, metadata,
          context, idempotencyKey, personal);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("", e.getMessage());
    }
  }

  private static void requireStrings(String at, JsonNode obj) {
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        throw new MalformedEventException(at + "/" + f.getKey(), "must be a string");
      }
    }
  }

  private static String pointerTo(String personalPath) {
    return "/personal/" + personalPath.replace("~", "~0").replace("/", "~1");
  }

  /**
   * Checks {@code subjectKeys}: present exactly when a personal value is sealed, 1 to {@value
   * #MAX_SUBJECT_KEYS} lowercase UUIDs in strictly ascending order.
   */
  private static void subjectKeys(JsonNode keys, boolean sealed) {
    if (keys == null) {
      if (sealed) {
        throw new MalformedEventException("/" + SUBJECT_KEYS,
            "is required when a personal value is sealed");
      }
      return;
    }
    if (!sealed) {
      throw new MalformedEventException("/" + SUBJECT_KEYS,
          "is allowed only when a personal value is sealed");
    }
    if (!keys.isArray() || keys.isEmpty() || keys.size() > MAX_SUBJECT_KEYS) {
      throw new MalformedEventException("/" + SUBJECT_KEYS,
          "must be an array of 1.." + MAX_SUBJECT_KEYS + " key ids");
    }
    String previous = null;
    for (int i = 0; i < keys.size(); i++) {
      JsonNode k = keys.get(i);
      if (!k.isTextual() || !isLowercaseUuid(k.textValue())) {
        throw new MalformedEventException("/" + SUBJECT_KEYS + "/" + i,
            "must be a lowercase UUID");
      }
      if (previous != null && previous.compareTo(k.textValue()) >= 0) {
        throw new MalformedEventException("/" + SUBJECT_KEYS + "/" + i,
            "key ids must be unique and in ascending order");
      }
      previous = k.textValue();
    }
  }

  private static SortedMap<String, PersonalField> personal(JsonNode p, int[] sealedCount) {
    SortedMap<String, PersonalField> out = new TreeMap<>();
    if (p == null) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = e.getKey();
      // Pointers to report problems are built only on the error paths: this runs per event.
      if (!PersonalDataPolicy.isAllowed(path)) {
        throw new MalformedEventException(pointerTo(path), "is not a field that can be personal");
      }
      JsonNode f = e.getValue();
      if (!f.isObject()) {
        throw new MalformedEventException(pointerTo(path), "must be an object");
      }
      JsonNode c = f.get("commitment");
      Digest commitment = c != null && c.isTextual() ? parseDigestOrNull(c.textValue()) : null;
      if (commitment == null) {
        throw new MalformedEventException(pointerTo(path) + "/commitment",
            "must be 64 lowercase hex characters");
      }
      JsonNode erased = f.get("erased");
      JsonNode sealedValue = f.get("sealed");
      if (sealedValue != null) {
        if (!hasOnly(f, SEALED_FIELDS)) {
          throw new MalformedEventException(pointerTo(path), "unknown field (not covered by the"
              + " format)");
        }
        if (!sealedValue.isTextual() || decodedLength(sealedValue.textValue()) < MIN_SEALED_BYTES) {
          throw new MalformedEventException(pointerTo(path) + "/sealed", "must be base64 of at"
              + " least " + MIN_SEALED_BYTES + " bytes");
        }
        // Without its subject keys a sealed value reads as erased: the value is absent.
        out.put(path, new PersonalField(commitment, null));
        sealedCount[0]++;
      } else if (erased != null) {
        if (!hasOnly(f, ERASED_FIELDS)) {
          throw new MalformedEventException(pointerTo(path), "unknown field (not covered by the"
              + " format)");
        }
        if (!erased.isBoolean() || !erased.booleanValue()) {
          throw new MalformedEventException(pointerTo(path) + "/erased",
              "must be true when present");
        }
        out.put(path, new PersonalField(commitment, null));
      } else {
        if (!hasOnly(f, DISCLOSED_FIELDS)) {
          throw new MalformedEventException(pointerTo(path), "unknown field (not covered by the"
              + " format)");
        }
        JsonNode salt = f.get("salt");
        if (salt == null || !salt.isTextual()) {
          throw new MalformedEventException(pointerTo(path) + "/salt",
              "is required unless erased is true");
        }
        try {
          out.put(path, new PersonalField(commitment, Salt.parseHex(salt.textValue())));
        } catch (IllegalArgumentException ex) {
          throw new MalformedEventException(pointerTo(path) + "/salt", ex.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * The length of standard base64 text (RFC 4648 §4, padded, no line breaks) once decoded, or -1
   * when it is not exactly such text.
   */
  private static int decodedLength(String b64) {
    try {
      byte[] bytes = java.util.Base64.getDecoder().decode(b64);
      return java.util.Base64.getEncoder().encodeToString(bytes).equals(b64) ? bytes.length : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private static Digest parseDigestOrNull(String hex) {
    try {
      return Digest.parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean hasOnly(JsonNode n, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      if (!allowed.contains(it.next())) {
        return false;
      }
    }
    return true;
  }

  private static void requireKnownFields(String at, JsonNode n, Set<String> allowed) {
    if (!hasOnly(n, allowed)) {
      throw new MalformedEventException(at, "unknown field (not covered by the format)");
    }
  }

  private static JsonNode object(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v != null && !v.isObject()) {
      throw new MalformedEventException("/" + name, "must be an object");
    }
    return v;
  }

  private static String text(JsonNode n, String at, String name, boolean required) {
    JsonNode v = n.get(name);
    if (v == null) {
      if (required) {
        throw new MalformedEventException(at + "/" + name, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedEventException(at + "/" + name, "must be a string");
    }
    return v.textValue();
  }

  private static UUID uuid(JsonNode n, String name, boolean required) {
    String s = text(n, "", name, required);
    if (s == null) {
      return null;
    }
    if (!isLowercaseUuid(s)) {
      throw new MalformedEventException("/" + name, "must be a lowercase UUID");
    }
    return UUID.fromString(s);
  }

  /** Whether {@code s} is a UUID in canonical lowercase 8-4-4-4-12 form. */
  static boolean isLowercaseUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23
          ? c == '-'
          : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Digest digest(JsonNode n, String name) {
    return digest(n, "", name);
  }

  private static Digest digest(JsonNode n, String at, String name) {
    String s = text(n, at, name, true);
    try {
      return Digest.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException(at + "/" + name, "must be 64 lowercase hex characters");
    }
  }

  private static Instant instant(JsonNode n, String name) {
    String s = text(n, "", name, true);
    try {
      Instant t = parseInstant(s);
      if (t.isBefore(AuditEvent.MIN_INSTANT)) {
        throw new IllegalArgumentException("must be in the years 0001-9999");
      }
      return t;
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("/" + name, e.getMessage());
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ}: UTC, four-digit year, exactly six fractional digits.
   *
   * @param t the instant, in years 0001 to 9999
   * @return the 27-character text
   */
  public static String formatInstant(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    if (d.getYear() < 1 || d.getYear() > 9999) {
      throw new IllegalArgumentException("year out of range 0001-9999: " + d.getYear());
    }
    char[] c = new char[27];
    put(c, 0, d.getYear(), 4);
    c[4] = '-';
    put(c, 5, d.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, d.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, d.getHour(), 2);
    c[13] = ':';
    put(c, 14, d.getMinute(), 2);
    c[16] = ':';
    put(c, 17, d.getSecond(), 2);
    c[19] = '.';
    put(c, 20, t.getNano() / 1000, 6);
    c[26] = 'Z';
    return new String(c);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Parses the exact form {@link #formatInstant} writes.
   *
   * @param s the text
   * @return the instant
   * @throws IllegalArgumentException when {@code s} is not in that form or not a valid date-time
   */
  public static Instant parseInstant(String s) {
    if (s.length() != 27 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.'
        || s.charAt(26) != 'Z') {
      throw new IllegalArgumentException(
          "must be a UTC timestamp like 2026-01-02T03:04:05.123456Z");
    }
    try {
      LocalDateTime d = LocalDateTime.of(num(s, 0, 4), num(s, 5, 2), num(s, 8, 2), num(s, 11, 2),
          num(s, 14, 2), num(s, 17, 2), num(s, 20, 6) * 1000);
      return d.toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("is not a valid date-time");
    }
  }

  private static int num(String s, int at, int width) {
    int v = 0;
    for (int i = at; i < at + width; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new IllegalArgumentException(
            "must be a UTC timestamp like 2026-01-02T03:04:05.123456Z");
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }
}
