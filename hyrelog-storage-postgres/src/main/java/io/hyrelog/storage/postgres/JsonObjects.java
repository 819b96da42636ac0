package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;

/** JSON objects stored in a text or jsonb column (details of audit entries and changes). */
final class JsonObjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonObjects() {}

  /** The column's JSON object; {@code owner} names the row (by id) in a failure's message. */
  static ObjectNode read(String owner, String json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n instanceof ObjectNode o) {
        return o;
      }
      throw new HyrelogException(owner + " holds a JSON " + n.getNodeType()
          + " as its details, not an object");
    } catch (JsonProcessingException e) {
      throw new HyrelogException(owner + " holds unreadable details", e);
    }
  }

  /** The object as compact JSON text. */
  static String write(ObjectNode details) {
    try {
      return JSON.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }
}
