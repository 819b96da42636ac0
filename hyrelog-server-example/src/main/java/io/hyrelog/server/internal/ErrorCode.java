package io.hyrelog.server.internal;

import java.util.Locale;

/** The stable error codes of the HTTP API; each problem's {@code type} is derived from one. */
public enum ErrorCode {
  VALIDATION_ERROR(400, "Invalid request"),
  UNAUTHORIZED(401, "Authentication required"),
  FORBIDDEN(403, "Forbidden"),
  PLAN_RESTRICTED(403, "Not available on this plan"),
  CUSTOM_CATEGORY_RESTRICTED(403, "Custom categories are not available on this plan"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  CONFLICT(409, "Conflict"),
  IDEMPOTENCY_CONFLICT(409, "Idempotency key reused with a different request"),
  RESTORE_REQUIRED(409, "Archived data must be restored first"),
  NOT_COLD(409, "The archive segment is not in cold storage"),
  RESTORE_REQUEST_EXISTS(409, "The archive segment already has an open restore request"),
  INVALID_TRANSITION(409, "Not possible in the restore request's current status"),
  GDPR_REQUEST_STATE(409, "Not possible in the personal-data request's current status"),
  PAYLOAD_TOO_LARGE(413, "Request body too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
  PLAN_LIMIT_EXCEEDED(422, "Over the plan's limit"),
  RETENTION_WINDOW_EXCEEDED(422, "Outside the plan's archive retention"),
  RATE_LIMITED(429, "Too many requests"),
  CONCURRENCY_LIMITED(429, "Too many requests in progress"),
  INTERNAL_ERROR(500, "Internal error"),
  SERVICE_UNAVAILABLE(503, "Service unavailable"),
  APPEND_OUTCOME_UNKNOWN(504, "The database did not confirm the append"),
  EVIDENCE_QUOTA_EXCEEDED(507, "Evidence storage quota exceeded");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The problem type URI, e.g. {@code urn:hyrelog:problem:validation-error}. */
  public String type() {
    return "urn:hyrelog:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
