package io.hyrelog;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as a client submits it, before HyreLog gives it an id, a place in its chain and a
 * hash. The workspace (and so the company and region) comes from the caller's credentials, not
 * from the event.
 *
 * <p>Use {@link #builder(String, String)}; validate with {@link EventLimits#check}.
 *
 * @param timestamp when it happened; {@code null} means "now" (the time of receipt)
 * @param projectId optional project of the workspace
 * @param idempotencyKey optional; a retry with the same key and the same body returns the
 *     original event, with a different body it is a conflict
 */
public record NewEvent(
    Instant timestamp,
    String category,
    String action,
    Actor actor,
    Resource resource,
    Metadata metadata,
    RequestContext context,
    UUID projectId,
    String idempotencyKey) {

  public NewEvent {
    actor = actor == null || actor.isEmpty() ? null : actor;
    resource = resource == null || resource.isEmpty() ? null : resource;
    context = context == null || context.isEmpty() ? null : context;
    metadata = metadata == null ? Metadata.empty() : metadata;
  }

  /** A builder for an event with the given category and action. */
  public static Builder builder(String category, String action) {
    return new Builder(category, action);
  }

  /** This event with a different request context (servers fill it from the HTTP request). */
  public NewEvent withContext(RequestContext c) {
    return new NewEvent(timestamp, category, action, actor, resource, metadata, c, projectId,
        idempotencyKey);
  }

  /** This event with a different idempotency key. */
  public NewEvent withIdempotencyKey(String key) {
    return new NewEvent(timestamp, category, action, actor, resource, metadata, context,
        projectId, key);
  }

  /** Mutable builder of {@link NewEvent}; not thread-safe. */
  public static final class Builder {
    private Instant timestamp;
    private final String category;
    private final String action;
    private Actor actor;
    private Resource resource;
    private Metadata metadata = Metadata.empty();
    private RequestContext context;
    private UUID projectId;
    private String idempotencyKey;

    private Builder(String category, String action) {
      this.category = category;
      this.action = action;
    }

    public Builder timestamp(Instant t) {
      this.timestamp = t;
      return this;
    }

    public Builder actor(Actor a) {
      this.actor = a;
      return this;
    }

    public Builder resource(Resource r) {
      this.resource = r;
      return this;
    }

    public Builder metadata(Metadata m) {
      this.metadata = Objects.requireNonNull(m, "metadata");
      return this;
    }

    public Builder context(RequestContext c) {
      this.context = c;
      return this;
    }

    public Builder projectId(UUID p) {
      this.projectId = p;
      return this;
    }

    public Builder idempotencyKey(String k) {
      this.idempotencyKey = k;
      return this;
    }

    public NewEvent build() {
      return new NewEvent(timestamp, category, action, actor, resource, metadata, context,
          projectId, idempotencyKey);
    }
  }
}
