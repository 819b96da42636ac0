package io.hyrelog;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An event was rejected before anything was stored. Lists the violations found (bounded: the
 * first ones and their total count), each with the field (a JSON Pointer such as {@code /actor/email}) and a stable code; messages never contain
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
    NOT_ALLOWED,
    /** A control character (C0, DEL or C1) in a string field. */
    CONTROL_CHARACTER_NOT_ALLOWED,
    /** A bidi override or isolate control in an identifier. */
    BIDI_CONTROL_NOT_ALLOWED
  }

  private final transient List<Violation> violations;
  private final long violationCount;

  /** The violations of {@code violations}, bounded as a {@link ProblemList} with its default limit. */
  public InvalidEventException(List<Violation> violations) {
    this(bounded(violations));
  }

  /**
   * The violations kept by {@code violations} and their total count.
   *
   * @throws IllegalArgumentException when it is empty
   */
  public InvalidEventException(ProblemList<Violation> violations) {
    super(message(violations));
    this.violations = List.copyOf(violations.kept());
    this.violationCount = violations.total();
  }

  private static ProblemList<Violation> bounded(List<Violation> violations) {
    ProblemList<Violation> p = new ProblemList<>();
    violations.forEach(p::add);
    return p;
  }

  private static String message(ProblemList<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidEventException needs a violation");
    }
    return "invalid event: "
        + violations.kept().stream().map(Violation::toString).collect(Collectors.joining("; "))
        + (violations.truncated() ? "; … " + violations.total() + " violations in all" : "");
  }

  /**
   * The violations found, in field order: the first {@link ProblemList#DEFAULT_LIMIT} (or the
   * given list's limit); {@link #violationCount()} says how many there were in all.
   */
  public List<Violation> violations() {
    return violations;
  }

  /** How many violations were found in all (more than {@link #violations()} holds when cut). */
  public long violationCount() {
    return violationCount;
  }
}
