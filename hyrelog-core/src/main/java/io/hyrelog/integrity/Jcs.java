package io.hyrelog.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.integrity.InvalidJsonException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON Canonicalization Scheme (RFC 8785) over strict I-JSON (RFC 7493): the bytes that event
 * hashes are computed over. The output is fixed by the RFC and must never change.
 *
 * <p>Parsing accepts exactly one JSON value of any kind in UTF-8 and rejects, with {@link
 * InvalidJsonException}, everything I-JSON rules out: invalid UTF-8, a byte order mark, duplicate
 * keys, unpaired surrogates, NaN and infinities, numbers that overflow or underflow a double, and
 * integers beyond ±(2^53−1). Numbers are read as doubles, as RFC 8785 requires; an integral value
 * within ±(2^53−1) becomes a {@link LongNode}, any other a {@link DoubleNode}. The result is a
 * plain Jackson tree; callers must treat it as immutable.
 *
 * <p>One rule goes beyond the letter of I-JSON so that canonicalization is idempotent: an integral
 * number from 2^53 up to 10^21 is rejected however it is written ({@code 1e20}, {@code 2.5e16}),
 * because RFC 8785 writes it back as a bare integer literal ({@code 100000000000000000000}), which
 * the integer rule above would then reject. From 10^21 on the canonical form has an exponent, so
 * {@code 1e21} and {@code 1e30} are fine.
 *
 * <p>All methods are static and thread-safe. Nothing is written to a stream unless the whole value
 * is valid.
 */
public final class Jcs {
  /** Nesting limit of arrays and objects when none is given, and the largest one allowed. */
  private static final int MAX_DEPTH = 1000;

  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final double MAX_SAFE_DOUBLE = MAX_SAFE_INTEGER;
  /** The smallest integral double that ECMAScript writes with an exponent. */
  private static final double FIRST_EXPONENT_INTEGER = 1e21;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      // Lets NaN and Infinity through as number tokens, so they are rejected by name, not as typos.
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      // Depth is checked here, with its own reason; the input size is the caller's limit.
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH + 1)
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .build())
      .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Jcs() {}

  /**
   * Parses one I-JSON value from UTF-8 bytes, nested at most 1000 deep. Thread-safe.
   *
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static JsonNode parse(byte[] utf8) {
    return parse(utf8, MAX_DEPTH);
  }

  /**
   * Parses one I-JSON value from UTF-8 bytes with arrays and objects nested at most {@code
   * maxDepth} deep ({@code []} is depth 1, a bare scalar depth 0). Thread-safe.
   *
   * @throws IllegalArgumentException when {@code maxDepth} is not between 0 and 1000
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value or nest deeper
   */
  public static JsonNode parse(byte[] utf8, int maxDepth) {
    Objects.requireNonNull(utf8, "utf8");
    if (maxDepth < 0 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("maxDepth must be between 0 and " + MAX_DEPTH);
    }
    checkEncoding(utf8);
    try (JsonParser parser = FACTORY.createParser(utf8)) {
      return new TreeReader(parser, maxDepth).document();
    } catch (InvalidJsonException e) {
      throw e.reason() == Reason.SYNTAX ? refine(e, utf8, maxDepth) : e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  /**
   * Parses one I-JSON value from text, nested at most 1000 deep. Thread-safe.
   *
   * @throws InvalidJsonException when the text is not one valid I-JSON value; columns in its
   *     location count UTF-16 units
   */
  public static JsonNode parse(String json) {
    Objects.requireNonNull(json, "json");
    if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
      throw new InvalidJsonException(Reason.SYNTAX, "byte order mark", 1, 1);
    }
    try (JsonParser parser = FACTORY.createParser(json)) {
      return new TreeReader(parser, MAX_DEPTH).document();
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  /**
   * Reads {@code in} to its end and parses it as one I-JSON value in UTF-8, nested at most 1000
   * deep. Does not close {@code in}. Thread-safe if {@code in} is not shared.
   *
   * @throws IOException when reading {@code in} fails
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static JsonNode parse(InputStream in) throws IOException {
    return parse(in.readAllBytes());
  }

  /**
   * The canonical form of one I-JSON value given as UTF-8 bytes. Thread-safe.
   *
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static byte[] canonicalize(byte[] utf8) {
    JsonNode tree = parse(utf8);
    Writer writer = new Writer(utf8.length + 16);
    writer.value(tree, 0);
    return writer.toByteArray();
  }

  /**
   * The canonical form, in UTF-8, of one I-JSON value given as text. Thread-safe.
   *
   * @throws InvalidJsonException when the text is not one valid I-JSON value
   */
  public static byte[] canonicalize(String json) {
    JsonNode tree = parse(json);
    Writer writer = new Writer(json.length() + 16);
    writer.value(tree, 0);
    return writer.toByteArray();
  }

  /**
   * The canonical form of a tree, parsed or built by hand. Numbers are taken as doubles: {@code
   * FloatNode} and {@code DecimalNode} values are converted to the nearest double first. Does not
   * modify the tree; thread-safe as long as no other thread modifies it meanwhile.
   *
   * @throws InvalidJsonException when the tree holds something I-JSON cannot carry: NaN or an
   *     infinity, an integer beyond ±(2^53−1), a decimal beyond the double range, an unpaired
   *     surrogate, a binary, POJO or missing node, or nesting deeper than 1000
   */
  public static byte[] canonicalize(JsonNode node) {
    Objects.requireNonNull(node, "node");
    Writer writer = new Writer(1024);
    writer.value(node, 0);
    return writer.toByteArray();
  }

  /**
   * Writes the canonical form of a tree to {@code out}, as {@link #canonicalize(JsonNode)} does.
   * The whole form is built before anything is written, so an invalid tree writes nothing. Does
   * not flush or close {@code out}.
   *
   * @throws InvalidJsonException when the tree holds something I-JSON cannot carry
   * @throws IOException when writing to {@code out} fails
   */
  public static void write(JsonNode node, OutputStream out) throws IOException {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(out, "out");
    Writer writer = new Writer(1024);
    writer.value(node, 0);
    out.write(writer.buf, 0, writer.pos);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /**
   * Rejects what Jackson would let through or misread: a BOM (skipped silently), NUL in the first
   * bytes (taken as UTF-16 or UTF-32) and malformed UTF-8 (decoded leniently).
   */
  private static void checkEncoding(byte[] b) {
    if (b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
      throw new InvalidJsonException(Reason.SYNTAX, "byte order mark", 1, 1);
    }
    for (int i = 0; i < Math.min(4, b.length); i++) {
      if (b[i] == 0) {
        throw located(Reason.SYNTAX, "NUL byte", b, i);
      }
    }
    int bad = firstInvalidUtf8(b);
    if (bad >= 0) {
      throw located(Reason.INVALID_UTF8, "invalid UTF-8", b, bad);
    }
  }

  /**
   * Jackson's byte parser rejects an escaped unpaired surrogate in a key as malformed JSON, where
   * its char parser decodes it and lets the surrogate check name it. Reading the text again, on
   * this error path only, gives the precise reason at the byte parser's location.
   */
  private static InvalidJsonException refine(
      InvalidJsonException syntax, byte[] utf8, int maxDepth) {
    try (JsonParser parser = FACTORY.createParser(new String(utf8, StandardCharsets.UTF_8))) {
      new TreeReader(parser, maxDepth).document();
    } catch (InvalidJsonException e) {
      if (e.reason() != Reason.SYNTAX) {
        return e.at(syntax.line(), syntax.column());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
    return syntax;
  }

  /** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
  static int firstInvalidUtf8(byte[] b) {
    int n = b.length;
    int i = 0;
    while (i < n) {
      if (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      if (c < 0xC2) {
        return i; // a continuation byte, or an overlong two-byte form
      }
      if (c < 0xE0) {
        if (!continuation(b, i + 1)) {
          return i;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (!continuation(b, i + 1) || !continuation(b, i + 2)) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
          return i; // overlong, or an encoded surrogate
        }
        i += 3;
      } else if (c < 0xF5) {
        if (!continuation(b, i + 1) || !continuation(b, i + 2) || !continuation(b, i + 3)) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
          return i; // overlong, or beyond U+10FFFF
        }
        i += 4;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean continuation(byte[] b, int i) {
    return i < b.length && (b[i] & 0xC0) == 0x80;
  }

  /** An exception located at a byte offset, counting lines the way Jackson does. */
  private static InvalidJsonException located(Reason reason, String problem, byte[] b, int offset) {
    long line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= b.length || b[i + 1] != '\n'))) {
        line++;
        lineStart = i + 1;
      }
    }
    return new InvalidJsonException(reason, problem, line, offset - lineStart + 1);
  }

  /** Builds a tree from a parser, checking every I-JSON rule that Jackson does not. */
  private static final class TreeReader {
    private final JsonParser parser;
    private final int maxDepth;

    TreeReader(JsonParser parser, int maxDepth) {
      this.parser = parser;
      this.maxDepth = maxDepth;
    }

    JsonNode document() throws IOException {
      JsonNode root;
      try {
        JsonToken token = parser.nextToken();
        if (token == null) {
          throw new InvalidJsonException(Reason.EMPTY, "no JSON value in the input");
        }
        root = value(token, 0);
      } catch (JsonProcessingException e) {
        throw fromJackson(Reason.SYNTAX, "malformed JSON", e);
      }
      try {
        if (parser.nextToken() != null) {
          throw fail(Reason.TRAILING_CONTENT, "content after the top-level value");
        }
      } catch (JsonProcessingException e) {
        throw fromJackson(Reason.TRAILING_CONTENT, "content after the top-level value", e);
      }
      return root;
    }

    private JsonNode value(JsonToken token, int depth) throws IOException {
      switch (token) {
        case START_OBJECT:
          return object(depth + 1);
        case START_ARRAY:
          return array(depth + 1);
        case VALUE_STRING:
          return TextNode.valueOf(checkSurrogates(parser.getText(), "string"));
        case VALUE_NUMBER_INT:
          return integer();
        case VALUE_NUMBER_FLOAT:
          return fraction();
        case VALUE_TRUE:
          return BooleanNode.TRUE;
        case VALUE_FALSE:
          return BooleanNode.FALSE;
        case VALUE_NULL:
          return NullNode.instance;
        default:
          throw fail(Reason.SYNTAX, "unexpected token");
      }
    }

    private JsonNode object(int depth) throws IOException {
      checkDepth(depth);
      ObjectNode object = new ObjectNode(NODES);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = checkSurrogates(parser.currentName(), "key");
        if (object.has(key)) {
          throw fail(Reason.DUPLICATE_KEY, "duplicate object key");
        }
        object.replace(key, value(parser.nextToken(), depth));
      }
      return object;
    }

    private JsonNode array(int depth) throws IOException {
      checkDepth(depth);
      var array = NODES.arrayNode();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        array.add(value(token, depth));
      }
      return array;
    }

    private void checkDepth(int depth) {
      if (depth > maxDepth) {
        throw fail(Reason.TOO_DEEP, "nesting deeper than " + maxDepth);
      }
    }

    /** A number without fraction or exponent: exact, so it must be within ±(2^53−1). */
    private JsonNode integer() throws IOException {
      // JSON has no leading zeros, so 17 characters ("-" and 16 digits) bound every safe integer;
      // longer ones are rejected before Jackson would build a BigInteger for them.
      if (parser.getTextLength() <= 17) {
        long v = parser.getLongValue();
        if (-MAX_SAFE_INTEGER <= v && v <= MAX_SAFE_INTEGER) {
          return LongNode.valueOf(v);
        }
      }
      throw fail(Reason.INTEGER_TOO_LARGE, "integer beyond ±(2^53−1)");
    }

    /** A number with a fraction or an exponent, or a non-numeric token such as NaN. */
    private JsonNode fraction() throws IOException {
      if (parser.isNaN()) {
        throw fail(Reason.NON_FINITE_NUMBER, "NaN or infinity");
      }
      String text = parser.getText();
      double d = Double.parseDouble(text);
      if (Double.isInfinite(d)) {
        throw fail(Reason.NUMBER_OUT_OF_RANGE, "number overflows a double");
      }
      if (d == 0 && hasNonZeroDigit(text)) {
        throw fail(Reason.NUMBER_OUT_OF_RANGE, "number underflows a double to zero");
      }
      double a = Math.abs(d);
      if (a <= MAX_SAFE_DOUBLE) {
        long l = (long) d;
        if (l == d) {
          return LongNode.valueOf(l);
        }
      } else if (a < FIRST_EXPONENT_INTEGER) {
        throw fail(Reason.INTEGER_TOO_LARGE, "integral number beyond ±(2^53−1)");
      }
      return DoubleNode.valueOf(d);
    }

    private static boolean hasNonZeroDigit(String number) {
      for (int i = 0; i < number.length(); i++) {
        char c = number.charAt(i);
        if (c == 'e' || c == 'E') {
          return false;
        }
        if (c >= '1' && c <= '9') {
          return true;
        }
      }
      return false;
    }

    /** Jackson decodes escaped surrogates such as <code>&#92;ud800</code> without complaint. */
    private String checkSurrogates(String s, String what) {
      for (int i = 0, n = s.length(); i < n; i++) {
        char c = s.charAt(i);
        if (Character.isSurrogate(c)) {
          boolean paired = Character.isHighSurrogate(c) && i + 1 < n
              && Character.isLowSurrogate(s.charAt(i + 1));
          if (paired) {
            i++;
          } else {
            throw fail(Reason.LONE_SURROGATE, "unpaired surrogate in a " + what);
          }
        }
      }
      return s;
    }

    private InvalidJsonException fail(Reason reason, String problem) {
      return located(reason, problem, parser.currentTokenLocation());
    }

    /** Jackson's message may quote the input, so only its location is kept. */
    private static InvalidJsonException fromJackson(
        Reason reason, String problem, JsonProcessingException e) {
      return located(reason, problem, e.getLocation());
    }

    private static InvalidJsonException located(
        Reason reason, String problem, JsonLocation location) {
      if (location == null || location.getLineNr() < 1) {
        return new InvalidJsonException(reason, problem);
      }
      return new InvalidJsonException(
          reason, problem, location.getLineNr(), Math.max(1, location.getColumnNr()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /**
   * For each ASCII character, 0 when it is written as itself, otherwise the letter after the
   * backslash of its escape: the short forms JSON.stringify uses, 'u' for the other controls.
   */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  /** RFC 8785 §3.2.3: property names compare as arrays of UTF-16 code units. */
  private static final Comparator<Map.Entry<String, JsonNode>> BY_KEY =
      (a, b) -> a.getKey().compareTo(b.getKey());

  /** Strings at least this long are tried through {@link String#getBytes} first. */
  private static final int BULK_MIN = 16;

  /** Non-ASCII strings are encoded this many characters at a time. */
  private static final int CHUNK = 1024;

  /** Appends the canonical form of a tree to a growable byte array. */
  private static final class Writer {
    byte[] buf;
    int pos;
    /** Sorted members of the objects being written, innermost last, as a stack. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map.Entry<String, JsonNode>[] members = new Map.Entry[32];
    private int membersTop;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    private void raw(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, pos, bytes.length);
      pos += bytes.length;
    }

    private void put(char c) {
      ensure(1);
      buf[pos++] = (byte) c;
    }

    void value(JsonNode node, int depth) {
      // Type tests for the common node classes are cheaper than the megamorphic virtual calls.
      if (node instanceof TextNode) {
        string(node.textValue(), "string");
        return;
      }
      if (node instanceof ObjectNode) {
        object(node, depth + 1);
        return;
      }
      if (node instanceof LongNode || node instanceof IntNode) {
        integer(node.longValue());
        return;
      }
      switch (node.getNodeType()) {
        case OBJECT:
          object(node, depth + 1);
          break;
        case ARRAY:
          array(node, depth + 1);
          break;
        case STRING:
          string(node.textValue(), "string");
          break;
        case NUMBER:
          number(node);
          break;
        case BOOLEAN:
          raw(node.booleanValue() ? TRUE : FALSE);
          break;
        case NULL:
          raw(NULL);
          break;
        default:
          throw new InvalidJsonException(
              Reason.UNSUPPORTED_NODE, node.getNodeType() + " node has no JSON form");
      }
    }

    private void object(JsonNode node, int depth) {
      checkDepth(depth);
      put('{');
      int n = node.size();
      if (n == 1) {
        member(node.properties().iterator().next(), depth);
      } else if (n > 1) {
        int base = membersTop;
        int end = sortMembers(node, base, n);
        membersTop = end;
        for (int i = base; i < end; i++) {
          if (i > base) {
            put(',');
          }
          member(members[i], depth);
        }
        membersTop = base;
      }
      put('}');
    }

    /** Puts the members of {@code node} in key order at {@code base} and returns their end. */
    private int sortMembers(JsonNode node, int base, int n) {
      if (base + n > members.length) {
        members = Arrays.copyOf(members, Math.max(members.length * 2, base + n));
      }
      Map.Entry<String, JsonNode>[] m = members;
      int end = base;
      if (n > 16) {
        for (Map.Entry<String, JsonNode> member : node.properties()) {
          m[end++] = member;
        }
        Arrays.sort(m, base, end, BY_KEY);
        return end;
      }
      // Insertion sort while iterating: the usual object has a handful of members.
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        String key = member.getKey();
        int j = end - 1;
        while (j >= base && m[j].getKey().compareTo(key) > 0) {
          m[j + 1] = m[j];
          j--;
        }
        m[j + 1] = member;
        end++;
      }
      return end;
    }

    private void member(Map.Entry<String, JsonNode> member, int depth) {
      string(member.getKey(), "key");
      put(':');
      value(member.getValue(), depth);
    }

    private void array(JsonNode node, int depth) {
      checkDepth(depth);
      put('[');
      int n = node.size();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          put(',');
        }
        value(node.get(i), depth);
      }
      put(']');
    }

    private static void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw new InvalidJsonException(Reason.TOO_DEEP, "nesting deeper than " + MAX_DEPTH);
      }
    }

    private void number(JsonNode node) {
      JsonParser.NumberType type = node.numberType();
      if (type == null) {
        throw new InvalidJsonException(Reason.UNSUPPORTED_NODE, "number node without a value");
      }
      switch (type) {
        case INT:
        case LONG:
          integer(node.longValue());
          break;
        case BIG_INTEGER:
          BigInteger big = node.bigIntegerValue();
          if (big.bitLength() > 63) {
            throw new InvalidJsonException(Reason.INTEGER_TOO_LARGE, "integer beyond ±(2^53−1)");
          }
          integer(big.longValue());
          break;
        case BIG_DECIMAL:
          decimal(node.decimalValue());
          break;
        default:
          real(node.doubleValue());
      }
    }

    private void integer(long v) {
      if (v < -MAX_SAFE_INTEGER || v > MAX_SAFE_INTEGER) {
        throw new InvalidJsonException(Reason.INTEGER_TOO_LARGE, "integer beyond ±(2^53−1)");
      }
      ensure(17);
      if (v < 0) {
        buf[pos++] = '-';
        v = -v;
      }
      pos = Es6Numbers.appendLong(v, buf, pos);
    }

    /** A decimal with scale 0 stands for an integer literal, any other for a double. */
    private void decimal(BigDecimal v) {
      if (v.scale() == 0) {
        BigInteger unscaled = v.unscaledValue();
        if (unscaled.bitLength() > 63) {
          throw new InvalidJsonException(Reason.INTEGER_TOO_LARGE, "integer beyond ±(2^53−1)");
        }
        integer(unscaled.longValue());
        return;
      }
      double d = v.doubleValue();
      if (Double.isInfinite(d)) {
        throw new InvalidJsonException(Reason.NUMBER_OUT_OF_RANGE, "number overflows a double");
      }
      if (d == 0 && v.signum() != 0) {
        throw new InvalidJsonException(
            Reason.NUMBER_OUT_OF_RANGE, "number underflows a double to zero");
      }
      real(d);
    }

    private void real(double d) {
      if (!Double.isFinite(d)) {
        throw new InvalidJsonException(Reason.NON_FINITE_NUMBER, "NaN or infinity");
      }
      double a = Math.abs(d);
      if (a <= MAX_SAFE_DOUBLE) {
        long l = (long) d;
        if (l == d) {
          integer(l);
          return;
        }
      } else if (a < FIRST_EXPONENT_INTEGER) {
        throw new InvalidJsonException(
            Reason.INTEGER_TOO_LARGE, "integral number beyond ±(2^53−1)");
      }
      ensure(Es6Numbers.MAX_LENGTH);
      pos = Es6Numbers.appendTo(d, buf, pos);
    }

    /**
     * Writes a string as JSON.stringify does: the short escapes, <code>&#92;u00xx</code> for the
     * other controls, everything else as UTF-8.
     */
    private void string(String s, String what) {
      int n = s.length();
      if (n >= BULK_MIN && bulkString(s)) {
        return;
      }
      ensure(n + 2);
      byte[] b = buf;
      int p = pos;
      b[p++] = '"';
      int i = 0;
      // Plain ASCII, the usual case, goes straight through.
      for (; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80 || ESCAPES[c] != 0) {
          break;
        }
        b[p++] = (byte) c;
      }
      pos = p;
      if (i < n) {
        encodedTail(s, i, what);
      }
      put('"');
    }

    /**
     * Writes a longer string through the JDK's vectorized UTF-8 encoder when it needs no escape,
     * and returns false, writing nothing, otherwise. The encoder turns an unpaired surrogate into
     * '?', so a string whose bytes hold no '?' had none.
     */
    private boolean bulkString(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      int n = utf8.length;
      int i = 0;
      for (; i + 8 <= n; i += 8) {
        if (needsCare((long) LONGS.get(utf8, i))) {
          return false;
        }
      }
      for (; i < n; i++) {
        int c = utf8[i];
        if ((c >= 0 && ESCAPES[c] != 0) || c == '?') {
          return false;
        }
      }
      ensure(n + 2);
      buf[pos++] = '"';
      System.arraycopy(utf8, 0, buf, pos, n);
      pos += n;
      buf[pos++] = '"';
      return true;
    }

    /** Whether any of 8 bytes is below 0x20, '"', '\\' or '?'; bytes from 0x80 never count. */
    private static boolean needsCare(long x) {
      long controls = (x - 0x2020202020202020L) & ~x;
      long quote = x ^ 0x2222222222222222L;
      long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
      long question = x ^ 0x3F3F3F3F3F3F3F3FL;
      long zeros = ((quote - 0x0101010101010101L) & ~quote)
          | ((backslash - 0x0101010101010101L) & ~backslash)
          | ((question - 0x0101010101010101L) & ~question);
      return ((controls | zeros) & HIGH_BITS) != 0;
    }

    /** The rest of a string from its first character that is not plain ASCII. */
    private void encodedTail(String s, int i, String what) {
      int n = s.length();
      while (i < n) {
        // At most 6 bytes per character (an escape); a surrogate pair takes 4 for two.
        int end = Math.min(n, i + CHUNK);
        ensure(6 * (end - i));
        byte[] b = buf;
        int p = pos;
        for (; i < end; i++) {
          char c = s.charAt(i);
          if (c < 0x80) {
            byte escape = ESCAPES[c];
            if (escape == 0) {
              b[p++] = (byte) c;
            } else {
              b[p++] = '\\';
              b[p++] = escape;
              if (escape == 'u') {
                b[p++] = '0';
                b[p++] = '0';
                b[p++] = HEX[c >> 4];
                b[p++] = HEX[c & 0xF];
              }
            }
          } else if (c < 0x800) {
            b[p++] = (byte) (0xC0 | (c >> 6));
            b[p++] = (byte) (0x80 | (c & 0x3F));
          } else if (!Character.isSurrogate(c)) {
            b[p++] = (byte) (0xE0 | (c >> 12));
            b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            b[p++] = (byte) (0x80 | (c & 0x3F));
          } else {
            char low = i + 1 < n ? s.charAt(i + 1) : 0;
            if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(low)) {
              throw new InvalidJsonException(
                  Reason.LONE_SURROGATE, "unpaired surrogate in a " + what);
            }
            int cp = Character.toCodePoint(c, low);
            b[p++] = (byte) (0xF0 | (cp >> 18));
            b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            b[p++] = (byte) (0x80 | (cp & 0x3F));
            i++;
          }
        }
        pos = p;
      }
    }
  }
}
