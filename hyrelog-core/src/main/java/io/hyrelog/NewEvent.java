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
 * @param category what kind of event, e.g. {@code auth}; required
 * @param action what happened, e.g. {@code user.login}; required
 * @param actor who acted; optional
 * @param resource what was acted on; optional
 * @param metadata free-form JSON object; never {@code null} after construction
 * @param context the request the event came with; optional
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

  /**
   * Normalizes the event: empty actor, resource and context become null, null metadata becomes
   * empty.
   *
   * @param timestamp when it happened; {@code null} means "now" (the time of receipt)
   * @param category what kind of event, e.g. {@code auth}; required
   * @param action what happened, e.g. {@code user.login}; required
   * @param actor who acted; optional
   * @param resource what was acted on; optional
   * @param metadata free-form JSON object; never {@code null} after construction
   * @param context the request the event came with; optional
   * @param projectId optional project of the workspace
   * @param idempotencyKey optional; a retry with the same key and the same body returns the
   *     original event, with a different body it is a conflict
   */
  public NewEvent {
    actor = actor == null || actor.isEmpty() ? null : actor;
    resource = resource == null || resource.isEmpty() ? null : resource;
    context = context == null || context.isEmpty() ? null : context;
    metadata = metadata == null ? Metadata.empty() : metadata;
  }

  /**
   * A builder for an event with the given category and action.
   *
   * @param category the event's category
   * @param action the event's action
   * @return a new builder
   */
  public static Builder builder(String category, String action) {
    return new Builder(category, action);
  }

  /**
   * This event with a different request context (servers fill it from the HTTP request).
   *
   * @param c the context
   * @return a copy with that context
   */
  public NewEvent withContext(RequestContext c) {
    return new NewEvent(timestamp, category, action, actor, resource, metadata, c, projectId,
        idempotencyKey);
  }

  /**
   * This event with a different idempotency key.
   *
   * @param key the key, or null
   * @return a copy with that key
   */
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

    /**
     * When the event happened; null to take the receipt time.
     *
     * @param t the time, or null
     * @return this builder
     */
    public Builder timestamp(Instant t) {
      this.timestamp = t;
      return this;
    }

    /**
     * Who acted; null for nobody.
     *
     * @param a the actor, or null
     * @return this builder
     */
    public Builder actor(Actor a) {
      this.actor = a;
      return this;
    }

    /**
     * What was acted on; null for nothing.
     *
     * @param r the resource, or null
     * @return this builder
     */
    public Builder resource(Resource r) {
      this.resource = r;
      return this;
    }

    /**
     * Free-form JSON data about the event (default empty).
     *
     * @param m the metadata
     * @return this builder
     */
    public Builder metadata(Metadata m) {
      this.metadata = Objects.requireNonNull(m, "metadata");
      return this;
    }

    /**
     * The request the event came with; null for none.
     *
     * @param c the context, or null
     * @return this builder
     */
    public Builder context(RequestContext c) {
      this.context = c;
      return this;
    }

    /**
     * The project the event belongs to; null for none.
     *
     * @param p the project id, or null
     * @return this builder
     */
    public Builder projectId(UUID p) {
      this.projectId = p;
      return this;
    }

    /**
     * The client's idempotency key: an append with a key already used returns the stored event;
     * null for none.
     *
     * @param k the key, or null
     * @return this builder
     */
    public Builder idempotencyKey(String k) {
      this.idempotencyKey = k;
      return this;
    }

    /**
     * Builds the event; {@link EventLimits#check} validates it.
     *
     * @return the event
     */
    public NewEvent build() {
      return new NewEvent(timestamp, category, action, actor, resource, metadata, context,
          projectId, idempotencyKey);
    }
  }
}
