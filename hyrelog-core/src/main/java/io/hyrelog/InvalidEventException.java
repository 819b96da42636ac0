package io.hyrelog;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An event was rejected before anything was stored. Lists every violation found, each with the
 * field (a JSON Pointer such as {@code /actor/email}) and a stable code; messages never contain
 * the rejected values.
 */
public final class InvalidEventException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** One problem with one field. */
  public record Violation(String field, Code code, String message) {
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return field + " " + message;
    }
  }

  /** Stable violation codes (the HTTP API exposes them). */
  public enum Code {
    REQUIRED,
    TOO_LONG,
    TOO_LARGE,
    TOO_DEEP,
    INVALID_FORMAT,
    INVALID_UNICODE,
    OUT_OF_RANGE,
    NOT_ALLOWED
  }

  private final transient List<Violation> violations;

  public InvalidEventException(List<Violation> violations) {
    super(message(violations));
    this.violations = List.copyOf(violations);
  }

  private static String message(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidEventException needs a violation");
    }
    return "invalid event: "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** Every violation found, in field order. */
  public List<Violation> violations() {
    return violations;
  }
}
