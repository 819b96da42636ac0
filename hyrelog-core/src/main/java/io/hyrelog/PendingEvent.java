package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An event that has everything but its place in the chain: id, receipt time, tenancy and the
 * salts of its personal fields. An event store {@link #seal seals} it inside the transaction
 * that holds the chain head, which fixes {@code seq}, {@code prevHash} and {@code hash}.
 *
 * <p>{@link #fingerprint()} identifies the client's request body for idempotency: two
 * submissions with the same idempotency key are "the same" exactly when their fingerprints are
 * equal. Immutable and thread-safe.
 */
public final class PendingEvent {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final UUID id;
  private final WorkspaceRef workspace;
  private final Instant recordedAt;
  private final NewEvent event;
  private final Instant timestamp;
  // Commitments do not depend on the chain position: computed on the caller's thread, not
  // inside the store's transaction.
  private final SortedMap<String, PersonalField> personal;
  private final Digest fingerprint;

  private PendingEvent(UUID id, WorkspaceRef workspace, Instant recordedAt, NewEvent event,
      SortedMap<String, Salt> salts) {
    this.id = id;
    this.workspace = workspace;
    this.recordedAt = recordedAt;
    this.event = event;
    this.timestamp = event.timestamp() != null ? event.timestamp() : recordedAt;
    SortedMap<String, PersonalField> fields = new TreeMap<>();
    for (Map.Entry<String, Salt> s : salts.entrySet()) {
      fields.put(s.getKey(), new PersonalField(
          EventHashing.commitment(s.getValue(), valueAt(s.getKey())), s.getValue()));
    }
    this.personal = Collections.unmodifiableSortedMap(fields);
    this.fingerprint = fingerprint(event);
  }

  /**
   * Prepares a validated event for appending: assigns an id and receipt time from the seams and
   * draws a salt for every present field that {@code policy} declares personal.
   *
   * @param event an event already checked by {@link EventLimits#check}
   * @param now the receipt time (truncated to microseconds)
   * @param workspace the workspace whose chain the event joins
   * @param ids the source of the id and the salts
   * @param policy which fields are personal
   * @return the prepared event
   */
  public static PendingEvent prepare(WorkspaceRef workspace, NewEvent event, Instant now,
      IdSource ids, PersonalDataPolicy policy) {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(event, "event");
    UUID id = ids.newEventId();
    SortedMap<String, Salt> salts = new TreeMap<>();
    for (String path : policy.paths()) {
      if (AuditEvent.hasValue(path, event.actor(), event.resource(), event.metadata(),
          event.context())) {
        salts.put(path, ids.newSalt());
      }
    }
    return new PendingEvent(id, workspace, now.truncatedTo(ChronoUnit.MICROS),
        event, salts);
  }

  /**
   * The id the event will have.
   *
   * @return the event's id
   */
  public UUID id() {
    return id;
  }

  /**
   * The workspace whose chain the event joins.
   *
   * @return the workspace
   */
  public WorkspaceRef workspace() {
    return workspace;
  }

  /**
   * The event as the client sent it (after the limits check).
   *
   * @return the event
   */
  public NewEvent event() {
    return event;
  }

  /**
   * When the event was received, truncated to microseconds.
   *
   * @return the receipt time
   */
  public Instant recordedAt() {
    return recordedAt;
  }

  /**
   * The client's idempotency key, or {@code null}.
   *
   * @return the key, or null
   */
  public String idempotencyKey() {
    return event.idempotencyKey();
  }

  /**
   * SHA-256 of the canonical JSON of the client's request body (the {@link NewEvent}).
   *
   * @return the fingerprint
   */
  public Digest fingerprint() {
    return fingerprint;
  }

  /**
   * The stored form of this event at position {@code seq} after {@code prevHash}: commitments
   * computed, hash computed over the canonical view.
   *
   * @param seq the event's position in the chain, at least 1
   * @param prevHash the hash of the event before it ({@link Digest#ZERO} at seq 1)
   * @return the sealed event
   */
  public AuditEvent seal(long seq, Digest prevHash) {
    return sealWithView(seq, prevHash).event();
  }

  /**
   * A sealed event together with the canonical view bytes its hash covers.
   *
   * @param canonicalView exactly the bytes hashed (after the {@code 0x00} prefix); stores keep
   *     them so that reads return precisely what the hash covers
   */
  public record Sealed(AuditEvent event, byte[] canonicalView) {}

  /**
   * Like {@link #seal}, also returning the canonical view bytes (computed once).
   *
   * @param seq the event's position in the chain, at least 1
   * @param prevHash the hash of the event before it
   * @return the sealed event and its view bytes
   */
  public Sealed sealWithView(long seq, Digest prevHash) {
    AuditEvent unhashed = build(seq, prevHash, Digest.ZERO, personal);
    byte[] view = Jcs.canonicalize(EventHashing.view(EventJson.toTree(unhashed)));
    return new Sealed(build(seq, prevHash, EventHashing.leafHash(view), personal), view);
  }

  private AuditEvent build(long seq, Digest prevHash, Digest hash,
      SortedMap<String, PersonalField> personal) {
    return new AuditEvent(id, seq, prevHash, hash, workspace.companyId(),
        workspace.workspaceId(), event.projectId(), workspace.region(), timestamp, recordedAt,
        event.category(), event.action(), event.actor(), event.resource(), event.metadata(),
        event.context(), event.idempotencyKey(), personal);
  }

  private JsonNode valueAt(String path) {
    return path.startsWith("/metadata/")
        ? event.metadata().get(PersonalDataPolicy.metadataKey(path))
        : F.textNode(AuditEvent.textAt(path, event.actor(), event.resource(), event.context()));
  }

  /**
   * Canonical JSON of what the client sent. The request context (IP, user agent, trace id) is
   * left out: a retry may arrive over another connection and is still the same request.
   */
  static Digest fingerprint(NewEvent e) {
    ObjectNode n = F.objectNode();
    if (e.timestamp() != null) {
      n.put("timestamp", EventJson.formatInstant(e.timestamp()));
    }
    n.put("category", e.category());
    n.put("action", e.action());
    if (e.actor() != null) {
      ObjectNode a = n.putObject("actor");
      a.put("id", e.actor().id());
      a.put("email", e.actor().email());
      a.put("role", e.actor().role());
      a.put("name", e.actor().name());
    }
    if (e.resource() != null) {
      ObjectNode r = n.putObject("resource");
      r.put("type", e.resource().type());
      r.put("id", e.resource().id());
    }
    n.set("metadata", e.metadata().toNode());
    if (e.projectId() != null) {
      n.put("projectId", e.projectId().toString());
    }
    return Digest.sha256(Jcs.canonicalize(n));
  }
}
