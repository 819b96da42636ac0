package io.hyrelog.storage.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.PersonalField;
import io.hyrelog.EventJson;
import io.hyrelog.Jcs;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps events to rows and back. A row keeps the canonical view bytes that were hashed; a read
 * rebuilds the event from them plus its personal values, so what is returned is exactly what
 * the hash covers. Not part of the public API.
 */
public final class EventRows {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final HexFormat HEX = HexFormat.of();

  /** Inserts one events row; its arguments are {@link #eventArguments}. */
  public static final String INSERT_EVENT = "INSERT INTO <schema>.events (workspace_id, seq,"
      + " id, company_id, project_id, ts, recorded_at, category, action, actor_id,"
      + " idempotency_key, prev_hash, hash, view, metadata)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";

  /** Inserts one event_personal row; its arguments are {@link #personalArguments}. */
  public static final String INSERT_PERSONAL = "INSERT INTO <schema>.event_personal (event_id,"
      + " path, salt, value) VALUES (?, ?, ?, ?)";

  private EventRows() {}

  /**
   * A statement template with {@code <schema>} replaced by the quoted schema (already validated
   * as an identifier): the one way HyreLog's plain-JDBC statements name their schema.
   */
  public static String render(String template, String schema) {
    return template.replace("<schema>", '"' + schema + '"');
  }

  /**
   * The positional arguments of {@link #INSERT_EVENT} for {@code row} (nulls where a column is
   * empty). Id, seq and times are parameters so that the load driver's baseline can insert the
   * same rows under fresh keys; the store passes the event's own.
   */
  public static Object[] eventArguments(Row row, UUID id, long seq, Instant ts,
      Instant recordedAt) {
    AuditEvent e = row.event();
    return new Object[] {e.workspaceId(), seq, id, e.companyId(), e.projectId(),
        OffsetDateTime.ofInstant(ts, ZoneOffset.UTC),
        OffsetDateTime.ofInstant(recordedAt, ZoneOffset.UTC), e.category(), e.action(),
        row.actorId(), e.idempotencyKey(), e.prevHash().bytes(), e.hash().bytes(), row.view(),
        row.metadataJson()};
  }

  /**
   * Binds positional arguments 1, 2, … of a plain JDBC statement ({@code null} as an untyped
   * NULL, which PostgreSQL types from the statement).
   */
  public static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  /** The positional arguments of {@link #INSERT_PERSONAL} for one personal value. */
  public static Object[] personalArguments(UUID eventId, PersonalRow p) {
    return new Object[] {eventId, p.path(), p.salt(), p.value()};
  }

  /** One personal value of an event, as stored in event_personal. */
  public record PersonalRow(String path, byte[] salt, byte[] value) {}

  /** An event decomposed for insertion. */
  public record Row(AuditEvent event, Digest fingerprint, byte[] view, String metadataJson,
      String actorId, List<PersonalRow> personal) {}

  /** The row of a freshly sealed event; {@code fingerprint} is its request's. */
  public static Row toRow(PendingEvent.Sealed sealed, Digest fingerprint) {
    AuditEvent e = sealed.event();
    ObjectNode tree = EventJson.toTree(e);
    JsonNode metadata = tree.get("metadata");
    List<PersonalRow> personal = new ArrayList<>();
    String actorId = e.actor() == null || e.personal().containsKey("/actor/id") ? null
        : e.actor().id();
    for (Map.Entry<String, PersonalField> p : e.personal().entrySet()) {
      if (!p.getValue().erased()) {
        JsonNode value = PersonalDataPolicy.valueAt(tree, p.getKey());
        personal.add(new PersonalRow(p.getKey(), p.getValue().salt().bytes(),
            Jcs.canonicalize(value)));
      }
    }
    // The queryable metadata copy leaves out personal metadata keys: the row is immutable.
    ObjectNode queryable = (ObjectNode) metadata;
    for (String path : e.personal().keySet()) {
      if (path.startsWith("/metadata/")) {
        queryable.remove(path.substring("/metadata/".length()).replace("~1", "/")
            .replace("~0", "~"));
      }
    }
    return new Row(e, fingerprint, sealed.canonicalView(),
        new String(Jcs.canonicalize(queryable), StandardCharsets.UTF_8), actorId, personal);
  }

  /**
   * Rebuilds an event from its stored view, hash and personal values.
   *
   * @param personalJson JSON array of [path, salt hex or null, value (canonical JSON text) or
   *     null] triples, or {@code null} when the event has no stored personal rows
   */
  public static AuditEvent fromRow(byte[] view, byte[] hash, String personalJson) {
    ObjectNode tree = (ObjectNode) Jcs.parse(view);
    tree.remove("chainId");
    JsonNode commitments = tree.remove("commitments");
    tree.put("hash", HEX.formatHex(hash));
    if (commitments != null && commitments.size() > 0) {
      ObjectNode stored = F.objectNode();
      if (personalJson != null) {
        for (JsonNode triple : Jcs.parse(personalJson)) {
          stored.set(triple.get(0).textValue(), triple);
        }
      }
      ObjectNode personal = tree.putObject("personal");
      for (Iterator<Map.Entry<String, JsonNode>> it = commitments.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> c = it.next();
        ObjectNode entry = personal.putObject(c.getKey());
        entry.set("commitment", c.getValue());
        JsonNode row = stored.get(c.getKey());
        if (row == null || row.get(1).isNull()) {
          entry.put("erased", true);
        } else {
          entry.set("salt", row.get(1));
          putAt(tree, c.getKey(), Jcs.parse(row.get(2).textValue()));
        }
      }
    }
    return EventJson.fromTree(tree);
  }

  private static void putAt(ObjectNode tree, String pointer, JsonNode value) {
    int slash = pointer.indexOf('/', 1);
    String parent = pointer.substring(1, slash);
    String key = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
    JsonNode container = tree.get(parent);
    ObjectNode obj = container instanceof ObjectNode o ? o : tree.putObject(parent);
    obj.set(key, value);
  }
}
