package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Properties of the canonical form over random trees; seeded, so every run sees the same cases. */
class JcsPropertiesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  @Property(tries = 300, seed = "8785")
  void canonicalize_keyInsertionOrder_doesNotChangeBytes(
      @ForAll("trees") JsonNode tree, @ForAll Random random) {
    JsonNode shuffled = shuffledCopy(tree, random);

    assertThat(Jcs.canonicalize(shuffled)).isEqualTo(Jcs.canonicalize(tree));
  }

  @Property(tries = 300, seed = "8786")
  void canonicalize_whitespaceEscapesAndNumberSpelling_doNotChangeBytes(
      @ForAll("trees") JsonNode tree, @ForAll Random random) {
    StringBuilder text = new StringBuilder();
    render(tree, random, text);
    byte[] expected = Jcs.canonicalize(tree);

    assertThat(Jcs.canonicalize(text.toString())).isEqualTo(expected);
    assertThat(Jcs.canonicalize(text.toString().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(expected);
  }

  @Property(tries = 300, seed = "8787")
  void canonicalize_canonicalBytes_isIdempotent(
      @ForAll("trees") JsonNode tree, @ForAll Random random) {
    StringBuilder text = new StringBuilder();
    render(tree, random, text);
    byte[] once = Jcs.canonicalize(text.toString());

    assertThat(Jcs.canonicalize(once)).isEqualTo(once);
  }

  @Property(tries = 300, seed = "8788")
  void parse_canonicalBytes_givesAnEqualTree(@ForAll("trees") JsonNode tree) {
    assertThat(Jcs.parse(Jcs.canonicalize(tree))).isEqualTo(tree);
  }

  @Property(tries = 3000, seed = "8789")
  void format_finiteDouble_roundTripsInNoMoreDigitsThanJava(@ForAll("finiteDoubles") double d) {
    String es = Es6Numbers.format(d);

    assertThat(Double.parseDouble(es)).isEqualTo(d == 0 ? 0.0 : d);
    assertThat(significantDigits(es)).isLessThanOrEqualTo(significantDigits(Double.toString(d)));
  }

  @Property(tries = 1000, seed = "8790")
  void canonicalize_anyWellFormedString_escapesAsJsonStringify(@ForAll("texts") String s) {
    assertThat(Jcs.canonicalize(TextNode.valueOf(s)))
        .isEqualTo(jsonStringify(s).getBytes(StandardCharsets.UTF_8));
  }

  // --- Generators

  @Provide
  Arbitrary<JsonNode> trees() {
    return tree(3);
  }

  private Arbitrary<JsonNode> tree(int depth) {
    if (depth == 0) {
      return scalars();
    }
    Arbitrary<JsonNode> child = tree(depth - 1);
    Arbitrary<JsonNode> arrays = child.list().ofMaxSize(5).map(elements -> {
      ArrayNode array = NODES.arrayNode();
      elements.forEach(array::add);
      return array;
    });
    Arbitrary<JsonNode> objects = Arbitraries.maps(texts(), child).ofMaxSize(6).map(members -> {
      ObjectNode object = NODES.objectNode();
      members.forEach(object::set);
      return object;
    });
    return Arbitraries.frequencyOf(
        Tuple.of(3, scalars()), Tuple.of(1, arrays), Tuple.of(2, objects));
  }

  private Arbitrary<JsonNode> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, texts().map(s -> (JsonNode) TextNode.valueOf(s))),
        Tuple.of(2, Arbitraries.longs().between(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
            .map(v -> (JsonNode) LongNode.valueOf(v))),
        Tuple.of(2, finiteDoubles().filter(JcsPropertiesTest::acceptable)
            .map(JcsPropertiesTest::numberNode)),
        Tuple.of(1,
            Arbitraries.<JsonNode>of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance)));
  }

  /** Strings of any Unicode scalar values, leaning on the characters that need care. */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.integers().between(0x20, 0x7E)),
        Tuple.of(2, Arbitraries.integers().between(0, 0x1F)),
        Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '?', (int) '/', 0x7F)),
        Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
        Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF)
            .filter(c -> c < 0xD800 || c > 0xDFFF)),
        Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    return codePoints.list().ofMaxSize(40).map(cps -> {
      StringBuilder s = new StringBuilder();
      cps.forEach(s::appendCodePoint);
      return s.toString();
    });
  }

  /** Random bit patterns and short decimals, every finite double eventually. */
  @Provide
  Arbitrary<Double> finiteDoubles() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
        Arbitraries.doubles().between(-1e6, 1e6).ofScale(4),
        Arbitraries.integers().between(-330, 308).map(e -> Math.pow(10, e)));
  }

  /** Excludes the integral doubles from 2^53 to 10^21, which canonicalization rejects. */
  private static boolean acceptable(double d) {
    double a = Math.abs(d);
    return a <= MAX_SAFE_INTEGER || a >= 1e21;
  }

  /** A number node as parsing produces it. */
  private static JsonNode numberNode(double d) {
    return Math.abs(d) <= MAX_SAFE_INTEGER && d == (long) d
        ? LongNode.valueOf((long) d)
        : DoubleNode.valueOf(d);
  }

  // --- Helpers

  private static JsonNode shuffledCopy(JsonNode node, Random random) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
      Collections.shuffle(members, random);
      ObjectNode copy = NODES.objectNode();
      members.forEach(m -> copy.set(m.getKey(), shuffledCopy(m.getValue(), random)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      node.forEach(element -> copy.add(shuffledCopy(element, random)));
      return copy;
    }
    return node;
  }

  /** JSON text for a tree with random whitespace, random escapes and varied number spellings. */
  private static void render(JsonNode node, Random random, StringBuilder out) {
    whitespace(random, out);
    if (node.isObject()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> member : node.properties()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        whitespace(random, out);
        string(member.getKey(), random, out);
        whitespace(random, out);
        out.append(':');
        render(member.getValue(), random, out);
      }
      whitespace(random, out);
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        render(node.get(i), random, out);
      }
      whitespace(random, out);
      out.append(']');
    } else if (node.isTextual()) {
      string(node.textValue(), random, out);
    } else if (node.isLong()) {
      long v = node.longValue();
      String[] spellings = {
        Long.toString(v), v + ".0", v + "e0", v == 0 ? "0" : v + "0E-1", v + ".000e+0",
        Double.toString(v)
      };
      out.append(spellings[random.nextInt(spellings.length)]);
    } else if (node.isDouble()) {
      double d = node.doubleValue();
      // The exact value of an integral double would be an integer literal, which is too large.
      int choice = random.nextInt(d == Math.rint(d) ? 2 : 3);
      if (choice == 0) {
        out.append(Double.toString(d));
      } else if (choice == 1) {
        out.append(Es6Numbers.format(d));
      } else {
        // The exact binary value: a long decimal that must round back to d.
        out.append(new BigDecimal(d).toString());
      }
    } else {
      out.append(node.toString());
    }
    whitespace(random, out);
  }

  private static void whitespace(Random random, StringBuilder out) {
    String[] blanks = {"", "", " ", "\n", "\t", "\r\n", "  \r "};
    out.append(blanks[random.nextInt(blanks.length)]);
  }

  /**
   * Escapes what must be escaped, and any other character now and then; both halves of a
   * surrogate pair alike, since a lone raw half would not survive encoding to UTF-8.
   */
  private static void string(String s, Random random, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int units = Character.charCount(cp);
      boolean must = cp < 0x20 || cp == '"' || cp == '\\';
      if (must || random.nextInt(8) == 0) {
        for (int j = i; j < i + units; j++) {
          String hex = String.format("%04x", (int) s.charAt(j));
          out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase());
        }
      } else {
        out.appendCodePoint(cp);
      }
      i += units;
    }
    out.append('"');
  }

  /** ECMAScript JSON.stringify of a well-formed string, spelled out. */
  private static String jsonStringify(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\b': out.append("\\b"); break;
        case '\t': out.append("\\t"); break;
        case '\n': out.append("\\n"); break;
        case '\f': out.append("\\f"); break;
        case '\r': out.append("\\r"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  /** Significant digits of a decimal in any of the Java or ECMAScript spellings. */
  private static int significantDigits(String number) {
    String s = number.replace("-", "");
    int e = Math.max(s.indexOf('e'), s.indexOf('E'));
    if (e >= 0) {
      s = s.substring(0, e);
    }
    s = s.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
    return Math.max(1, s.length());
  }
}
