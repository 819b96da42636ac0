package io.hyrelog;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A stored event: what was appended, where it sits in its chain, and the hash that covers it.
 *
 * <p>The chain of an event is its workspace ({@link #chainId()}); {@code seq} starts at 1 and has
 * no gaps; {@code prevHash} is the previous event's {@code hash} (64 zeros for seq 1); {@code
 * hash} is {@code SHA-256(0x00 || canonical bytes)} of the event's canonical view (see {@code
 * docs/format.md} and {@link io.hyrelog.EventHashing}).
 *
 * <p>Personal-data fields listed in {@link #personal()} hold their value in place (for example
 * {@code actor.email}) until erased; after erasure the value is {@code null} and the field's
 * {@link PersonalField#erased()} is true. Either way the hash still verifies, because it covers
 * the field's commitment, not its value.
 *
 * <p>Timestamps have microsecond precision (the ingestion path truncates them) and are shown in
 * UTC with six fractional digits.
 *
 * @param id the event's id, a UUIDv7 assigned on append
 * @param seq the event's position in its chain, from 1, without gaps
 * @param prevHash the previous event's {@code hash}; all zeros for seq 1
 * @param hash the event's leaf hash over its canonical view
 * @param companyId the company the event belongs to
 * @param workspaceId the workspace, which is also the chain
 * @param projectId optional project within the workspace
 * @param region the company's data region
 * @param timestamp when it happened, as given by the client (or the time of receipt)
 * @param recordedAt when HyreLog recorded it (server clock)
 * @param category what kind of event, e.g. {@code auth}
 * @param action what happened, e.g. {@code user.login}
 * @param actor optional; an empty actor is stored as {@code null}
 * @param resource optional; an empty resource is stored as {@code null}
 * @param metadata never {@code null}; may be empty
 * @param context optional; an empty context is stored as {@code null}
 * @param idempotencyKey optional client key that makes retries safe
 * @param personal commitments of personal-data fields, keyed by JSON Pointer, sorted
 */
public record AuditEvent(
    UUID id,
    long seq,
    Digest prevHash,
    Digest hash,
    UUID companyId,
    UUID workspaceId,
    UUID projectId,
    DataRegion region,
    Instant timestamp,
    Instant recordedAt,
    String category,
    String action,
    Actor actor,
    Resource resource,
    Metadata metadata,
    RequestContext context,
    String idempotencyKey,
    SortedMap<String, PersonalField> personal) {

  /** Earliest instant an event may carry: years have four digits in the canonical form. */
  public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

  /** Latest instant an event may carry. */
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  /**
   * Validates the event and copies its collections.
   *
   * @param id the event's id, a UUIDv7 assigned on append
   * @param seq the event's position in its chain, from 1, without gaps
   * @param prevHash the previous event's {@code hash}; all zeros for seq 1
   * @param hash the event's leaf hash over its canonical view
   * @param companyId the company the event belongs to
   * @param workspaceId the workspace, which is also the chain
   * @param projectId optional project within the workspace
   * @param region the company's data region
   * @param timestamp when it happened, as given by the client (or the time of receipt)
   * @param recordedAt when HyreLog recorded it (server clock)
   * @param category what kind of event, e.g. {@code auth}
   * @param action what happened, e.g. {@code user.login}
   * @param actor optional; an empty actor is stored as {@code null}
   * @param resource optional; an empty resource is stored as {@code null}
   * @param metadata never {@code null}; may be empty
   * @param context optional; an empty context is stored as {@code null}
   * @param idempotencyKey optional client key that makes retries safe
   * @param personal commitments of personal-data fields, keyed by JSON Pointer, sorted
   */
  public AuditEvent {
    Objects.requireNonNull(id, "id");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(region, "region");
    requireInstant("timestamp", timestamp);
    requireInstant("recordedAt", recordedAt);
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(action, "action");
    actor = actor == null || actor.isEmpty() ? null : actor;
    resource = resource == null || resource.isEmpty() ? null : resource;
    context = context == null || context.isEmpty() ? null : context;
    metadata = metadata == null ? Metadata.empty() : metadata;
    personal = personal == null || personal.isEmpty()
        ? Collections.emptySortedMap()
        : Collections.unmodifiableSortedMap(new TreeMap<>(personal));
    for (Map.Entry<String, PersonalField> e : personal.entrySet()) {
      String path = PersonalDataPolicy.requireAllowed(e.getKey());
      boolean present = hasValue(path, actor, resource, metadata, context);
      if (e.getValue().erased() && present) {
        throw new IllegalArgumentException("personal field " + path + " is erased but has a value");
      }
      if (!e.getValue().erased() && !present) {
        throw new IllegalArgumentException(
            "personal field " + path + " has a salt but no value (a field that is not erased"
                + " must carry its value)");
      }
    }
  }

  /**
   * The chain this event belongs to: one chain per workspace.
   *
   * @return the workspace's id, which is the chain's id
   */
  public UUID chainId() {
    return workspaceId;
  }

  /**
   * This event with every personal field erased: values and salts removed, commitments kept.
   * The hash is unchanged and still verifies.
   *
   * @return this event erased, or this event itself when it has no personal fields
   */
  public AuditEvent erasePersonalData() {
    if (personal.isEmpty()) {
      return this;
    }
    // Empty parts stand in for absent ones; the constructor turns them back into null.
    Actor a = actor != null ? actor : new Actor(null, null, null, null);
    Resource r = resource != null ? resource : new Resource(null, null);
    RequestContext c = context != null ? context : new RequestContext(null, null, null);
    Set<String> metaKeys = new HashSet<>();
    SortedMap<String, PersonalField> erased = new TreeMap<>();
    for (Map.Entry<String, PersonalField> e : personal.entrySet()) {
      erased.put(e.getKey(), e.getValue().erase());
      switch (e.getKey()) {
        case "/actor/id" -> a = new Actor(null, a.email(), a.role(), a.name());
        case "/actor/email" -> a = new Actor(a.id(), null, a.role(), a.name());
        case "/actor/role" -> a = new Actor(a.id(), a.email(), null, a.name());
        case "/actor/name" -> a = new Actor(a.id(), a.email(), a.role(), null);
        case "/resource/id" -> r = new Resource(r.type(), null);
        case "/context/traceId" -> c = new RequestContext(null, c.ip(), c.userAgent());
        case "/context/ip" -> c = new RequestContext(c.traceId(), null, c.userAgent());
        case "/context/userAgent" -> c = new RequestContext(c.traceId(), c.ip(), null);
        default -> metaKeys.add(PersonalDataPolicy.metadataKey(e.getKey()));
      }
    }
    return new AuditEvent(id, seq, prevHash, hash, companyId, workspaceId, projectId, region,
        timestamp, recordedAt, category, action, a, r, metadata.without(metaKeys), c, idempotencyKey,
        erased);
  }

  static boolean hasValue(
      String path, Actor actor, Resource resource, Metadata metadata, RequestContext context) {
    return path.startsWith("/metadata/")
        ? metadata.has(PersonalDataPolicy.metadataKey(path))
        : textAt(path, actor, resource, context) != null;
  }

  /** The value of a personal field other than a metadata key, or {@code null} when absent. */
  static String textAt(String path, Actor actor, Resource resource, RequestContext context) {
    return switch (path) {
      case "/actor/id" -> actor == null ? null : actor.id();
      case "/actor/email" -> actor == null ? null : actor.email();
      case "/actor/role" -> actor == null ? null : actor.role();
      case "/actor/name" -> actor == null ? null : actor.name();
      case "/resource/id" -> resource == null ? null : resource.id();
      case "/context/traceId" -> context == null ? null : context.traceId();
      case "/context/ip" -> context == null ? null : context.ip();
      case "/context/userAgent" -> context == null ? null : context.userAgent();
      default -> null;
    };
  }

  private static void requireInstant(String name, Instant t) {
    Objects.requireNonNull(t, name);
    if (t.getNano() % 1000 != 0) {
      throw new IllegalArgumentException(name + " must have microsecond precision, got " + t);
    }
    if (t.isBefore(MIN_INSTANT) || t.isAfter(MAX_INSTANT)) {
      throw new IllegalArgumentException(name + " must be within years 0001-9999, got " + t);
    }
  }

  /** Identity and chain position only: events may hold personal data. */
  @Override
  public String toString() {
    return "AuditEvent[id=" + id + ", workspace=" + workspaceId + ", seq=" + seq + ", hash="
        + hash.hex() + "]";
  }
}
