package io.hyrelog;

import io.hyrelog.InvalidEventException.Code;
import io.hyrelog.InvalidEventException.Violation;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Bounds on what an event may contain, and the check that applies them. Immutable and
 * thread-safe; build with {@link #builder()} ({@link #defaults()} for the documented defaults).
 *
 * <p>Defaults: category and action 1–128 printable ASCII characters without spaces; ids, roles,
 * resource types and trace ids up to 256 characters; emails up to 320; names and user agents up
 * to 1,024; idempotency keys 1–255 printable ASCII characters; metadata up to 32 KiB canonical
 * and 16 levels deep, without U+0000; timestamps at most 5 minutes in the future and 30 days in the past.
 *
 * <p>No validated string may hold a control character (C0, DEL or C1: {@code
 * CONTROL_CHARACTER_NOT_ALLOWED}); identifiers (category, action, actor id, role and email,
 * resource type and id, trace id, IP, idempotency key) may not hold a bidi override or isolate
 * either ({@code BIDI_CONTROL_NOT_ALLOWED}). Free text (actor name, user agent) may; metadata is
 * stored as given (only U+0000 is refused, which PostgreSQL cannot store).
 */
public final class EventLimits {
  private static final EventLimits DEFAULTS = builder().build();

  private final int maxTokenLength;
  private final int maxIdLength;
  private final int maxEmailLength;
  private final int maxTextLength;
  private final int maxIdempotencyKeyLength;
  private final int maxMetadataBytes;
  private final int maxMetadataDepth;
  private final Duration maxFutureSkew;
  private final Duration maxPastAge;
  private final int maxBatchSize;

  private EventLimits(Builder b) {
    this.maxTokenLength = b.maxTokenLength;
    this.maxIdLength = b.maxIdLength;
    this.maxEmailLength = b.maxEmailLength;
    this.maxTextLength = b.maxTextLength;
    this.maxIdempotencyKeyLength = b.maxIdempotencyKeyLength;
    this.maxMetadataBytes = b.maxMetadataBytes;
    this.maxMetadataDepth = b.maxMetadataDepth;
    this.maxFutureSkew = b.maxFutureSkew;
    this.maxPastAge = b.maxPastAge;
    this.maxBatchSize = b.maxBatchSize;
  }

  /**
   * The documented defaults.
   *
   * @return the default limits
   */
  public static EventLimits defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Largest number of events one batch append may carry.
   *
   * @return the batch limit
   */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * Largest canonical metadata size in bytes.
   *
   * @return the metadata limit in bytes
   */
  public int maxMetadataBytes() {
    return maxMetadataBytes;
  }

  /**
   * Deepest metadata nesting (a flat object is depth 1).
   *
   * @return the depth limit
   */
  public int maxMetadataDepth() {
    return maxMetadataDepth;
  }

  /**
   * Checks {@code e} against these limits at time {@code now}.
   *
   * @param e the event
   * @param now the receipt time timestamps are checked against
   * @return the event as it will be stored: its timestamp, if given, truncated to microseconds
   * @throws InvalidEventException listing every violation; nothing about the event is stored
   */
  public NewEvent check(NewEvent e, Instant now) {
    ProblemList<Violation> v = new ProblemList<>();
    token(v, "/category", e.category());
    token(v, "/action", e.action());
    if (e.actor() != null) {
      text(v, "/actor/id", e.actor().id(), maxIdLength, IDENTIFIER);
      email(v, "/actor/email", e.actor().email());
      text(v, "/actor/role", e.actor().role(), maxIdLength, IDENTIFIER);
      text(v, "/actor/name", e.actor().name(), maxTextLength, FREE_TEXT);
    }
    if (e.resource() != null) {
      text(v, "/resource/type", e.resource().type(), maxIdLength, IDENTIFIER);
      text(v, "/resource/id", e.resource().id(), maxIdLength, IDENTIFIER);
    }
    if (e.context() != null) {
      text(v, "/context/traceId", e.context().traceId(), maxIdLength, IDENTIFIER);
      if (text(v, "/context/ip", e.context().ip(), 45, IDENTIFIER)
          && !IpLiterals.isValid(e.context().ip())) {
        v.add(new Violation("/context/ip", Code.INVALID_FORMAT,
            "must be an IPv4 or IPv6 address literal"));
      }
      text(v, "/context/userAgent", e.context().userAgent(), maxTextLength, FREE_TEXT);
    }
    if (e.idempotencyKey() != null) {
      String k = e.idempotencyKey();
      if (controlOrBidi(v, "/idempotencyKey", k, IDENTIFIER)
          && (k.isEmpty() || k.length() > maxIdempotencyKeyLength || !printableAscii(k))) {
        v.add(new Violation("/idempotencyKey", Code.INVALID_FORMAT,
            "must be 1-" + maxIdempotencyKeyLength + " printable ASCII characters without spaces"));
      }
    }
    if (e.metadata().canonicalSize() > maxMetadataBytes) {
      v.add(new Violation("/metadata", Code.TOO_LARGE, "is " + e.metadata().canonicalSize()
          + " bytes in canonical form; the limit is " + maxMetadataBytes));
    }
    if (e.metadata().containsNul()) {
      // Valid JSON, but no PostgreSQL text or jsonb value can hold it.
      v.add(new Violation("/metadata", Code.INVALID_FORMAT,
          "must not contain U+0000 (NUL) in a string or key"));
    }
    if (e.metadata().depth() > maxMetadataDepth) {
      v.add(new Violation("/metadata", Code.TOO_DEEP,
          "nests " + e.metadata().depth() + " levels deep; the limit is " + maxMetadataDepth));
    }
    Instant ts = e.timestamp();
    if (ts != null) {
      if (ts.isAfter(now.plus(maxFutureSkew))) {
        v.add(new Violation("/timestamp", Code.OUT_OF_RANGE,
            "is more than " + maxFutureSkew + " ahead of the server clock"));
      } else if (ts.isBefore(now.minus(maxPastAge))) {
        v.add(new Violation("/timestamp", Code.OUT_OF_RANGE,
            "is more than " + maxPastAge + " before the server clock"));
      }
      ts = ts.truncatedTo(ChronoUnit.MICROS);
    }
    if (!v.isEmpty()) {
      throw new InvalidEventException(v);
    }
    return ts == e.timestamp()
        ? e
        : new NewEvent(ts, e.category(), e.action(), e.actor(), e.resource(), e.metadata(),
            e.context(), e.projectId(), e.idempotencyKey());
  }

  private void token(ProblemList<Violation> v, String field, String s) {
    if (s == null || s.isEmpty()) {
      v.add(new Violation(field, Code.REQUIRED, "is required"));
    } else if (controlOrBidi(v, field, s, IDENTIFIER)) {
      if (s.length() > maxTokenLength) {
        v.add(new Violation(field, Code.TOO_LONG,
            "is " + s.length() + " characters; the limit is " + maxTokenLength));
      } else if (!printableAscii(s)) {
        v.add(new Violation(field, Code.INVALID_FORMAT,
            "must be printable ASCII without spaces (e.g. user.login)"));
      }
    }
  }

  private void email(ProblemList<Violation> v, String field, String s) {
    if (text(v, field, s, maxEmailLength, IDENTIFIER)) {
      int at = s.lastIndexOf('@');
      if (at <= 0 || at == s.length() - 1 || s.chars().anyMatch(Character::isWhitespace)) {
        v.add(new Violation(field, Code.INVALID_FORMAT, "must be an email address"));
      }
    }
  }

  /** Identifiers refuse bidi controls as well as control characters. */
  private static final boolean IDENTIFIER = true;
  /** Free text (names, user agents) may carry bidi controls, never control characters. */
  private static final boolean FREE_TEXT = false;

  /** Checks an optional single-line string; returns whether it is present and valid. */
  private static boolean text(ProblemList<Violation> v, String field, String s, int max,
      boolean identifier) {
    if (s == null) {
      return false;
    }
    if (s.isEmpty()) {
      v.add(new Violation(field, Code.INVALID_FORMAT, "must not be empty (omit it instead)"));
      return false;
    }
    if (s.length() > max) {
      v.add(new Violation(field, Code.TOO_LONG,
          "is " + s.length() + " characters; the limit is " + max));
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        v.add(new Violation(field, Code.INVALID_UNICODE, "contains a lone surrogate"));
        return false;
      }
      if (Character.isLowSurrogate(c)) {
        v.add(new Violation(field, Code.INVALID_UNICODE, "contains a lone surrogate"));
        return false;
      }
    }
    return controlOrBidi(v, field, s, identifier);
  }

  /**
   * Reports the first control character (C0, DEL or C1: U+0000-U+001F, U+007F-U+009F) of
   * {@code s} and, in an identifier, the first bidi override or isolate (U+202A-U+202E,
   * U+2066-U+2069), which can make a log line read differently from what it holds. The
   * message names the code point and offset, never the value.
   *
   * @return whether {@code s} has neither
   */
  private static boolean controlOrBidi(ProblemList<Violation> v, String field, String s,
      boolean identifier) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isControl(c)) {
        int at = i;
        v.add(() -> new Violation(field, Code.CONTROL_CHARACTER_NOT_ALLOWED,
            "contains the control character " + codePoint(c) + " at offset " + at));
        return false;
      }
      if (identifier && isBidiControl(c)) {
        int at = i;
        v.add(() -> new Violation(field, Code.BIDI_CONTROL_NOT_ALLOWED,
            "contains the bidi control " + codePoint(c) + " at offset " + at
                + "; identifiers must read as they are stored"));
        return false;
      }
    }
    return true;
  }

  /** A C0 or C1 control character, or DEL. */
  static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  /** A bidi embedding, override or isolate control (U+202A-U+202E, U+2066-U+2069). */
  static boolean isBidiControl(char c) {
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  }

  private static String codePoint(char c) {
    return String.format("U+%04X", (int) c);
  }

  private static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Builder of {@link EventLimits}; each setter rejects a bad value at once. Not thread-safe.
   */
  public static final class Builder {
    private int maxTokenLength = 128;
    private int maxIdLength = 256;
    private int maxEmailLength = 320;
    private int maxTextLength = 1024;
    private int maxIdempotencyKeyLength = 255;
    private int maxMetadataBytes = 32 * 1024;
    private int maxMetadataDepth = 16;
    private Duration maxFutureSkew = Duration.ofMinutes(5);
    private Duration maxPastAge = Duration.ofDays(30);
    private int maxBatchSize = 1000;

    private Builder() {}

    /**
     * Longest category and action (default 128).
     *
     * @param n characters, 1..10,000
     * @return this builder
     */
    public Builder maxTokenLength(int n) {
      this.maxTokenLength = positive("maxTokenLength", n, 10_000);
      return this;
    }

    /**
     * Longest ids, roles, resource types and trace ids (default 256).
     *
     * @param n characters, 1..10,000
     * @return this builder
     */
    public Builder maxIdLength(int n) {
      this.maxIdLength = positive("maxIdLength", n, 10_000);
      return this;
    }

    /**
     * Longest actor email (default 320).
     *
     * @param n characters, 1..10,000
     * @return this builder
     */
    public Builder maxEmailLength(int n) {
      this.maxEmailLength = positive("maxEmailLength", n, 10_000);
      return this;
    }

    /**
     * Longest free text: actor names and user agents (default 1,024).
     *
     * @param n characters, 1..100,000
     * @return this builder
     */
    public Builder maxTextLength(int n) {
      this.maxTextLength = positive("maxTextLength", n, 100_000);
      return this;
    }

    /**
     * Longest idempotency key (default 255).
     *
     * @param n characters, 1..1,000
     * @return this builder
     */
    public Builder maxIdempotencyKeyLength(int n) {
      this.maxIdempotencyKeyLength = positive("maxIdempotencyKeyLength", n, 1_000);
      return this;
    }

    /**
     * Largest canonical metadata (default 32 KiB).
     *
     * @param n bytes, 1..16 MiB
     * @return this builder
     */
    public Builder maxMetadataBytes(int n) {
      this.maxMetadataBytes = positive("maxMetadataBytes", n, 16 * 1024 * 1024);
      return this;
    }

    /**
     * Deepest metadata nesting (default 16).
     *
     * @param n levels, 1..256
     * @return this builder
     */
    public Builder maxMetadataDepth(int n) {
      this.maxMetadataDepth = positive("maxMetadataDepth", n, 256);
      return this;
    }

    /**
     * How far in the future a timestamp may be (default 5 minutes).
     *
     * @param d the skew, not negative
     * @return this builder
     */
    public Builder maxFutureSkew(Duration d) {
      this.maxFutureSkew = nonNegative("maxFutureSkew", d);
      return this;
    }

    /**
     * How far in the past a timestamp may be (default 30 days).
     *
     * @param d the age, not negative
     * @return this builder
     */
    public Builder maxPastAge(Duration d) {
      this.maxPastAge = nonNegative("maxPastAge", d);
      return this;
    }

    /**
     * Most events in one batch append (default 1,000).
     *
     * @param n events, 1..100,000
     * @return this builder
     */
    public Builder maxBatchSize(int n) {
      this.maxBatchSize = positive("maxBatchSize", n, 100_000);
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return immutable limits
     */
    public EventLimits build() {
      return new EventLimits(this);
    }

    private static int positive(String name, int n, int max) {
      if (n < 1 || n > max) {
        throw new IllegalArgumentException(name + " must be in 1.." + max + ", got " + n);
      }
      return n;
    }

    private static Duration nonNegative(String name, Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be a non-negative duration, got " + d);
      }
      return d;
    }
  }
}
