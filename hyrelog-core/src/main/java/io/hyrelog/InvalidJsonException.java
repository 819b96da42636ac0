package io.hyrelog;


/**
 * JSON that cannot be canonicalized: not well-formed, not I-JSON (RFC 7493), or a tree holding a
 * value that JSON cannot carry. The caller must fix the input; retrying cannot help.
 *
 * <p>The message names the problem and, for text input, the line and column where it was found.
 * It never quotes the input, because payloads may hold secrets. For the same reason the parser's
 * own exception, which may quote a token, is not attached as the cause.
 */
public final class InvalidJsonException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the input. */
  public enum Reason {
    /** Not well-formed JSON. */
    SYNTAX,
    /** Bytes that are not UTF-8 (RFC 3629): stray, overlong, surrogate or truncated sequences. */
    INVALID_UTF8,
    /** An object with the same key twice. */
    DUPLICATE_KEY,
    /** A string or key holding an unpaired UTF-16 surrogate. */
    LONE_SURROGATE,
    /** NaN or an infinity, written as a token or held by a tree. */
    NON_FINITE_NUMBER,
    /** A number beyond the double range: it would overflow to infinity or underflow to zero. */
    NUMBER_OUT_OF_RANGE,
    /** An integer beyond ±(2^53−1), which a double cannot hold exactly. */
    INTEGER_TOO_LARGE,
    /** Arrays and objects nested deeper than allowed. */
    TOO_DEEP,
    /** More than one top-level value. */
    TRAILING_CONTENT,
    /** No value at all. */
    EMPTY,
    /** A tree node that is not JSON: binary, POJO or missing. */
    UNSUPPORTED_NODE
  }

  /** What is wrong. */
  private final Reason reason;
  /** The problem, in words. */
  private final String problem;
  /** The 1-based line of the problem, or -1. */
  private final long line;
  /** The 1-based column of the problem, or -1. */
  private final long column;

  InvalidJsonException(Reason reason, String problem, long line, long column) {
    super(message(problem, line, column));
    this.reason = reason;
    this.problem = problem;
    this.line = line;
    this.column = column;
  }

  InvalidJsonException(Reason reason, String problem) {
    this(reason, problem, -1, -1);
  }

  /** The same problem at another location. */
  InvalidJsonException at(long line, long column) {
    return new InvalidJsonException(reason, problem, line, column);
  }

  private static String message(String problem, long line, long column) {
    if (line < 0) {
      return "not I-JSON: " + problem;
    }
    return "not I-JSON: " + problem + " at line " + line + ", column " + column;
  }

  /**
   * What is wrong.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The 1-based line of the problem in the input text, or −1 when not known.
   *
   * @return the line, or -1
   */
  public long line() {
    return line;
  }

  /**
   * The 1-based column of the problem in its line, counted in bytes for byte input and in UTF-16
   * units for string input, or −1 when not known.
   *
   * @return the column, or -1
   */
  public long column() {
    return column;
  }
}
