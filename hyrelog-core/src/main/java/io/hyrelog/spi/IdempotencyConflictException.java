package io.hyrelog.spi;

import io.hyrelog.HyrelogException;
import java.util.UUID;

/**
 * An idempotency key was reused with a different request body. Nothing of the batch was
 * appended. The client must use a new key for a new event (HTTP 409).
 */
public final class IdempotencyConflictException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** The workspace of the key. */
  private final UUID workspaceId;
  /** The event the key already belongs to. */
  private final UUID originalEventId;

  /**
   * An idempotency key reused with a different body.
   *
   * @param workspaceId the workspace of the key
   * @param originalEventId the event the key already belongs to
   */
  public IdempotencyConflictException(UUID workspaceId, UUID originalEventId) {
    super("idempotency key already used with a different body in workspace " + workspaceId
        + " (original event " + originalEventId + "); use a new key for a new event");
    this.workspaceId = workspaceId;
    this.originalEventId = originalEventId;
  }

  /**
   * The workspace of the key.
   *
   * @return the workspace's id
   */
  public UUID workspaceId() {
    return workspaceId;
  }

  /**
   * The event the key already belongs to.
   *
   * @return the original event's id
   */
  public UUID originalEventId() {
    return originalEventId;
  }
}
