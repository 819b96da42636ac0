package io.hyrelog.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An HTTPS endpoint a company registered to receive a workspace's events (or one project's of
 * that workspace). Its signing secret is not part of this value: stores keep it sealed ({@link
 * WebhookSecrets}) and hand it out only to deliveries.
 *
 * @param id the endpoint's id
 * @param companyId the owning company
 * @param workspaceId the workspace whose events are delivered
 * @param projectId when present, only that project's events of the workspace are delivered
 * @param url the target URL (absolute; the SSRF policy decides which are allowed)
 * @param events what it subscribes to, not empty
 * @param description free text for people, at most {@value #MAX_DESCRIPTION} characters
 * @param enabled whether new deliveries are sent
 * @param disabledReason why it was disabled (by a user, automatically after failing, or by a
 *     plan change); empty while enabled
 * @param failingSince when its current run of failed attempts began; empty after a success
 * @param createdAt when it was registered
 * @param updatedAt when it last changed
 */
public record WebhookEndpoint(
    UUID id,
    UUID companyId,
    UUID workspaceId,
    Optional<UUID> projectId,
    URI url,
    Set<WebhookEventType> events,
    String description,
    boolean enabled,
    Optional<String> disabledReason,
    Optional<Instant> failingSince,
    Instant createdAt,
    Instant updatedAt) {
  /** The longest URL accepted, in characters. */
  public static final int MAX_URL = 2048;
  /** The longest description accepted, in characters. */
  public static final int MAX_DESCRIPTION = 500;

  /**
   * Validates the endpoint.
   *
   * @param id the endpoint's id
   * @param companyId the owning company
   * @param workspaceId the workspace whose events are delivered
   * @param projectId the project filter, or empty
   * @param url the target URL, absolute, at most {@value #MAX_URL} characters
   * @param events what it subscribes to, not empty
   * @param description at most {@value #MAX_DESCRIPTION} characters, may be empty
   * @param enabled whether new deliveries are sent
   * @param disabledReason present exactly when not enabled
   * @param failingSince when the current run of failures began, or empty
   * @param createdAt when it was registered
   * @param updatedAt when it last changed, not before {@code createdAt}
   */
  public WebhookEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(disabledReason, "disabledReason");
    Objects.requireNonNull(failingSince, "failingSince");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (!url.isAbsolute() || url.toString().length() > MAX_URL) {
      throw new IllegalArgumentException("url must be absolute and at most " + MAX_URL
          + " characters");
    }
    if (events.isEmpty()) {
      throw new IllegalArgumentException("events must not be empty");
    }
    events = Set.copyOf(EnumSet.copyOf(events));
    if (description.length() > MAX_DESCRIPTION) {
      throw new IllegalArgumentException("description must be at most " + MAX_DESCRIPTION
          + " characters, got " + description.length());
    }
    if (enabled == disabledReason.isPresent()) {
      throw new IllegalArgumentException("disabledReason is present exactly when the endpoint"
          + " is disabled");
    }
    if (updatedAt.isBefore(createdAt)) {
      throw new IllegalArgumentException("updatedAt must not be before createdAt");
    }
  }
}
