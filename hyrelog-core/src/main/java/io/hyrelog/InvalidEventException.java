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

  /**
   * One problem with one field.
   *
   * @param field the offending field as a JSON Pointer, e.g. {@code /actor/email}
   * @param code what kind of problem, stable across releases
   * @param message the problem in words, never the rejected value
   */
  public record Violation(String field, Code code, String message) {
    /**
     * Validates the violation.
     *
     * @param field the offending field as a JSON Pointer, e.g. {@code /actor/email}
     * @param code what kind of problem, stable across releases
     * @param message the problem in words, never the rejected value
     */
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
    /** A required field is missing. */
    REQUIRED,
    /** A string is longer than allowed. */
    TOO_LONG,
    /** A value is larger than allowed (metadata size, batch size). */
    TOO_LARGE,
    /** Metadata nests deeper than allowed. */
    TOO_DEEP,
    /** A value does not have the required form. */
    INVALID_FORMAT,
    /** A string is not valid Unicode. */
    INVALID_UNICODE,
    /**
     * A value is outside its allowed range (for example a timestamp too far in the future or past).
     */
    OUT_OF_RANGE,
    /** A value that is not allowed here. */
    NOT_ALLOWED,
    /** A control character (C0, DEL or C1) in a string field. */
    CONTROL_CHARACTER_NOT_ALLOWED,
    /** A bidi override or isolate control in an identifier. */
    BIDI_CONTROL_NOT_ALLOWED
  }

  private final transient List<Violation> violations;
  /** How many violations were found in all. */
  private final long violationCount;

  /**
   * The violations of {@code violations}, bounded as a {@link ProblemList} with its default limit.
   *
   * @param violations the violations
   */
  public InvalidEventException(List<Violation> violations) {
    this(bounded(violations));
  }

  /**
   * The violations kept by {@code violations} and their total count.
   *
   * @param violations the violations
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
   *
   * @return the violations, unmodifiable
   */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * How many violations were found in all (more than {@link #violations()} holds when cut).
   *
   * @return the total count
   */
  public long violationCount() {
    return violationCount;
  }
}
