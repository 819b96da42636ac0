package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The free-form JSON object attached to an event. Immutable: it holds its canonical (RFC 8785)
 * form, so what is stored, returned and hashed is always the same bytes. Values are I-JSON
 * (no duplicate keys, no lone surrogates, finite numbers, integers within ±(2^53−1)).
 *
 * <p>Thread-safe. Size and depth bounds are not checked here but by {@link EventLimits}, which
 * knows the configured limits.
 */
public final class Metadata {
  private static final Metadata EMPTY = new Metadata(JsonNodeFactory.instance.objectNode());

  private final byte[] canonical;
  // Parsed from the canonical bytes on first use: the hot paths (storing, hashing, verifying)
  // only need the bytes.
  private volatile ObjectNode tree;

  private Metadata(ObjectNode tree) {
    this.canonical = Jcs.canonicalize(tree);
    this.tree = tree;
  }

  private Metadata(byte[] canonical) {
    this.canonical = canonical;
  }

  private ObjectNode tree() {
    ObjectNode t = tree;
    if (t == null) {
      t = (ObjectNode) Jcs.parse(canonical);
      tree = t;
    }
    return t;
  }

  /**
   * The empty object {@code {}}.
   *
   * @return the empty metadata
   */
  public static Metadata empty() {
    return EMPTY;
  }

  /**
   * Parses a JSON object strictly.
   *
   * @param json the text
   * @return the metadata
   * @throws InvalidJsonException when {@code json} is not I-JSON
   * @throws IllegalArgumentException when it is valid JSON but not an object
   */
  public static Metadata parse(String json) {
    return of(Jcs.parse(json));
  }

  /**
   * Copies a JSON object tree.
   *
   * @param node the tree
   * @return the metadata
   * @throws InvalidJsonException when the tree holds values that are not I-JSON
   * @throws IllegalArgumentException when {@code node} is not an object
   */
  public static Metadata of(JsonNode node) {
    Objects.requireNonNull(node, "node");
    if (!node.isObject()) {
      throw new IllegalArgumentException("metadata must be a JSON object, got " + node.getNodeType());
    }
    if (node.isEmpty()) {
      return EMPTY;
    }
    // Keep only the canonical bytes: detaches from the caller's tree and normalizes numbers.
    return new Metadata(Jcs.canonicalize(node));
  }

  /**
   * A deep copy of the object.
   *
   * @return a new tree
   */
  public ObjectNode toNode() {
    return tree().deepCopy();
  }

  /**
   * A deep copy of the value under {@code key}, or {@code null} when absent.
   *
   * @param key the key
   * @return a copy of its value, or null
   */
  public JsonNode get(String key) {
    JsonNode v = tree().get(key);
    return v == null ? null : v.deepCopy();
  }

  /**
   * Whether {@code key} is present.
   *
   * @param key the key
   * @return true when present
   */
  public boolean has(String key) {
    return tree().has(key);
  }

  /**
   * The keys, sorted.
   *
   * @return the keys
   */
  public Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    for (Iterator<String> it = tree().fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  /**
   * This object without the given keys.
   *
   * @param keys the keys to drop
   * @return the metadata without them
   */
  public Metadata without(Set<String> keys) {
    ObjectNode copy = tree().deepCopy();
    copy.remove(keys);
    return copy.isEmpty() ? EMPTY : new Metadata(copy);
  }

  /**
   * Whether the object has no keys.
   *
   * @return true for {@code {}}
   */
  public boolean isEmpty() {
    return canonical.length == 2;
  }

  /**
   * Size of the canonical form in bytes.
   *
   * @return the size in bytes
   */
  public int canonicalSize() {
    return canonical.length;
  }

  /**
   * Nesting depth: 1 for a flat object, 2 when a value is an object or array, and so on.
   *
   * @return the depth, 0 for the empty object
   */
  public int depth() {
    return depth(tree());
  }

  /** Whether a key or string anywhere in the metadata holds U+0000. */
  boolean containsNul() {
    return containsNul(tree());
  }

  private static boolean containsNul(JsonNode n) {
    if (n.isTextual()) {
      return n.textValue().indexOf('\0') >= 0;
    }
    for (Map.Entry<String, JsonNode> field : n.properties()) {
      if (field.getKey().indexOf('\0') >= 0) {
        return true;
      }
    }
    for (JsonNode child : n) {
      if (containsNul(child)) {
        return true;
      }
    }
    return false;
  }

  private static int depth(JsonNode n) {
    int max = 0;
    for (JsonNode child : n) {
      if (child.isContainerNode()) {
        max = Math.max(max, depth(child));
      }
    }
    return 1 + max;
  }

  /**
   * A copy of the canonical UTF-8 bytes.
   *
   * @return a new array
   */
  public byte[] canonicalBytes() {
    return canonical.clone();
  }

  /**
   * The canonical JSON text.
   *
   * @return the text
   */
  public String canonicalJson() {
    return new String(canonical, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata m && Arrays.equals(canonical, m.canonical);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(canonical);
  }

  /** Sizes only: metadata may hold personal data. */
  @Override
  public String toString() {
    return "Metadata[" + canonical.length + " bytes]";
  }
}
