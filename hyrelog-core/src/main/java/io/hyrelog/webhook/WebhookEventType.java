package io.hyrelog.webhook;

/** What an endpoint subscribes to. */
public enum WebhookEventType {
  /** An audit event was appended to a chain the endpoint covers. */
  AUDIT_EVENT_CREATED
}
