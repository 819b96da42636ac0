package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;

/**
 * The hash that chains events: {@code SHA-256(0x00 || JCS(view))}, the RFC 9162 leaf hash of
 * the event's canonical view. The view (format version 1) is the event's JSON form ({@link
 * EventJson}) with these changes:
 *
 * <ol>
 *   <li>{@code hash} and {@code personal} are removed;
 *   <li>{@code chainId} is added: the chain's id (the workspace id);
 *   <li>each personal field's value is removed from its place, and a {@code commitments} object
 *       maps its JSON Pointer to its commitment (hex) — present only when the event has personal
 *       fields;
 *   <li>an {@code actor}, {@code resource} or {@code context} object left empty is removed.
 * </ol>
 *
 * <p>The commitment of a personal value is {@code SHA-256(salt || JCS(value))}. See {@code
 * docs/format.md} for the normative description and golden vectors. Thread-safe (stateless).
 */
public final class EventHashing {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final byte[] LEAF_PREFIX = {0x00};

  private EventHashing() {}

  /**
   * The hash of a stored event, recomputed from its fields.
   *
   * @param e the event
   * @return the event's leaf hash
   */
  public static Digest hash(AuditEvent e) {
    return hash(EventJson.toTree(e));
  }

  /**
   * The hash of an event in JSON form. The tree is not modified. Its {@code hash} field, if any,
   * is ignored.
   *
   * @param eventTree the event's JSON form
   * @return the event's leaf hash
   * @throws InvalidJsonException when the tree holds values that are not I-JSON
   */
  public static Digest hash(ObjectNode eventTree) {
    return leafHash(Jcs.canonicalize(view(eventTree)));
  }

  /**
   * {@code SHA-256(0x00 || canonical)}.
   *
   * @param canonical the canonical bytes of the event's view
   * @return the leaf hash
   */
  public static Digest leafHash(byte[] canonical) {
    MessageDigest md = Digest.newSha256();
    md.update(LEAF_PREFIX);
    md.update(canonical);
    return Digest.finish(md);
  }

  /**
   * {@code SHA-256(salt || JCS(value))}.
   *
   * @param salt the field's salt
   * @param value the field's value
   * @return the commitment
   */
  public static Digest commitment(Salt salt, JsonNode value) {
    MessageDigest md = Digest.newSha256();
    salt.updateInto(md);
    md.update(Jcs.canonicalize(value));
    return Digest.finish(md);
  }

  /**
   * The canonical view of an event in JSON form (before JCS). Containers that change are copied
   * shallowly; the input is not modified.
   *
   * @param event the event's JSON form
   * @return the view: without {@code hash}, {@code personal} and {@code subjectKeys}, with
   *     {@code chainId}, personal
   *     values replaced by their commitments
   */
  public static ObjectNode view(ObjectNode event) {
    ObjectNode view = F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getKey().equals("hash") && !f.getKey().equals("personal")
          && !f.getKey().equals(EventJson.SUBJECT_KEYS)) {
        view.set(f.getKey(), f.getValue());
      }
    }
    view.set("chainId", event.get("workspaceId"));
    JsonNode personal = event.get("personal");
    if (personal != null && personal.size() > 0) {
      ObjectNode commitments = view.putObject("commitments");
      for (Iterator<Map.Entry<String, JsonNode>> it = personal.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        commitments.set(p.getKey(), p.getValue().get("commitment"));
        removeAt(view, p.getKey());
      }
    }
    dropIfEmpty(view, "actor");
    dropIfEmpty(view, "resource");
    dropIfEmpty(view, "context");
    return view;
  }

  /** Removes the value at a two-level JSON Pointer, copying its parent object first. */
  private static void removeAt(ObjectNode view, String pointer) {
    int slash = pointer.indexOf('/', 1);
    if (slash < 0) {
      throw new IllegalArgumentException("not a personal-field pointer: " + pointer);
    }
    String parent = pointer.substring(1, slash);
    JsonNode container = view.get(parent);
    if (container instanceof ObjectNode obj && PersonalDataPolicy.valueAt(view, pointer) != null) {
      ObjectNode copy = F.objectNode();
      copy.setAll(obj);
      copy.remove(pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~"));
      view.set(parent, copy);
    }
  }

  private static void dropIfEmpty(ObjectNode view, String name) {
    JsonNode n = view.get(name);
    if (n != null && n.isObject() && n.isEmpty()) {
      view.remove(name);
    }
  }
}
