package io.hyrelog.spi;

import io.hyrelog.HyrelogException;
import java.util.UUID;

/**
 * An idempotency key was reused with a different request body. Nothing of the batch was
 * appended. The client must use a new key for a new event (HTTP 409).
 */
public final class IdempotencyConflictException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  private final UUID workspaceId;
  private final UUID originalEventId;

  public IdempotencyConflictException(UUID workspaceId, UUID originalEventId) {
    super("idempotency key already used with a different body in workspace " + workspaceId
        + " (original event " + originalEventId + "); use a new key for a new event");
    this.workspaceId = workspaceId;
    this.originalEventId = originalEventId;
  }

  public UUID workspaceId() {
    return workspaceId;
  }

  /** The event the key already belongs to. */
  public UUID originalEventId() {
    return originalEventId;
  }
}
