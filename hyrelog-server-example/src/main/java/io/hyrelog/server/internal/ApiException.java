package io.hyrelog.server.internal;

import io.hyrelog.HyrelogException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request that cannot be served, turned into an RFC 9457 problem by the server's one
 * exception mapper. The detail never quotes request values, keys or secrets.
 */
public final class ApiException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** One field-level problem: a JSON Pointer (or parameter name), a stable code, a message. */
  public record FieldError(String field, String code, String message) {}

  private final ErrorCode code;
  private final transient List<FieldError> errors;
  private final Duration retryAfter;
  private final transient Map<String, List<String>> extensions;

  public ApiException(ErrorCode code, String detail) {
    this(code, detail, List.of(), null);
  }

  public ApiException(ErrorCode code, String detail, List<FieldError> errors,
      Duration retryAfter) {
    this(code, detail, errors, retryAfter, Map.of());
  }

  /**
   * A problem with extension members: each a list of strings added to the problem body (for
   * example {@code archiveIds} of RESTORE_REQUIRED). They never hold secrets or payload values.
   */
  public ApiException(ErrorCode code, String detail, List<FieldError> errors,
      Duration retryAfter, Map<String, List<String>> extensions) {
    super(detail);
    this.code = Objects.requireNonNull(code, "code");
    this.errors = List.copyOf(errors);
    this.retryAfter = retryAfter;
    this.extensions = Map.copyOf(extensions);
  }

  public static ApiException validation(String field, String code, String message) {
    return new ApiException(ErrorCode.VALIDATION_ERROR, message,
        List.of(new FieldError(field, code, message)), null);
  }

  public static ApiException notFound(String what) {
    return new ApiException(ErrorCode.NOT_FOUND, what + " was not found");
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** Extension members of the problem body, by name. */
  public Map<String, List<String>> extensions() {
    return extensions;
  }

  /** How long the client should wait, or {@code null}. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
