package io.hyrelog.server.internal;

import io.hyrelog.HyrelogException;
import io.hyrelog.ProblemList;
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
  private final long errorCount;
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
    this(code, detail, bounded(errors), retryAfter, extensions);
  }

  private ApiException(ErrorCode code, String detail, ProblemList<FieldError> errors,
      Duration retryAfter, Map<String, List<String>> extensions) {
    super(detail);
    this.code = Objects.requireNonNull(code, "code");
    this.errors = List.copyOf(errors.kept());
    this.errorCount = errors.total();
    this.retryAfter = retryAfter;
    this.extensions = Map.copyOf(extensions);
  }

  private static ProblemList<FieldError> bounded(List<FieldError> errors) {
    ProblemList<FieldError> p = new ProblemList<>();
    errors.forEach(p::add);
    return p;
  }

  /**
   * A {@code VALIDATION_ERROR} listing the first field errors of {@code errors} and their
   * total count ({@code errorCount}, {@code errorsTruncated} in the problem body).
   *
   * @param what the plural noun of the detail, e.g. {@code fields} or {@code input fields}
   * @throws IllegalArgumentException when {@code errors} is empty
   */
  public static ApiException invalid(ProblemList<FieldError> errors, String what) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation problem needs an error");
    }
    return new ApiException(ErrorCode.VALIDATION_ERROR, errors.total() == 1
        ? errors.kept().get(0).message() : errors.total() + " " + what + " are invalid",
        errors, null, Map.of());
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

  /** The field errors kept: at most {@link ProblemList#DEFAULT_LIMIT}. */
  public List<FieldError> errors() {
    return errors;
  }

  /** How many field errors there were in all (more than {@link #errors()} when cut). */
  public long errorCount() {
    return errorCount;
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
