package io.hyrelog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.InvalidJsonException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/** Appends the RFC 8785 canonical form of a tree to a growable byte array, for {@link Jcs}. */
final class JcsWriter {
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

  byte[] buf;
  int pos;
  /** Sorted members of the objects being written, innermost last, as a stack. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Map.Entry<String, JsonNode>[] members = new Map.Entry[32];
  private int membersTop;

  JcsWriter(int capacity) {
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
    if (depth > Jcs.MAX_DEPTH) {
      throw new InvalidJsonException(Reason.TOO_DEEP, "nesting deeper than " + Jcs.MAX_DEPTH);
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
    if (v < -Jcs.MAX_SAFE_INTEGER || v > Jcs.MAX_SAFE_INTEGER) {
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
    if (a <= Jcs.MAX_SAFE_DOUBLE) {
      long l = (long) d;
      if (l == d) {
        integer(l);
        return;
      }
    } else if (a < Jcs.FIRST_EXPONENT_INTEGER) {
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
      if (needsCare((long) Utf8.LONGS.get(utf8, i))) {
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
    return ((controls | zeros) & Utf8.HIGH_BITS) != 0;
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

  /** Writes what was appended so far. */
  void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, pos);
  }
}
