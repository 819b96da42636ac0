package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hyrelog.InvalidJsonException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JcsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Stands for a secret in a payload: it must never show up in an exception message. */
  private static final String SECRET = "hunter2";

  static Stream<Arguments> invalidText() {
    return Stream.of(
        Arguments.of("{\"hunter2\":1,\"hunter2\":2}", Reason.DUPLICATE_KEY),
        Arguments.of("{\"a\":{\"hunter2\":1,\"b\":[],\"hunter2\":1}}", Reason.DUPLICATE_KEY),
        Arguments.of("[{\"a\":1},{\"a\":1,\"hunter2\":{},\"hunter2\":{}}]", Reason.DUPLICATE_KEY),
        Arguments.of("\"hunter2\\ud800\"", Reason.LONE_SURROGATE),
        Arguments.of("[\"hunter2\\udc00\"]", Reason.LONE_SURROGATE),
        Arguments.of("\"\\udc00\\ud800hunter2\"", Reason.LONE_SURROGATE),
        Arguments.of("\"\\ud800\\ud800hunter2\"", Reason.LONE_SURROGATE),
        Arguments.of("{\"hunter2\\ud800\":1}", Reason.LONE_SURROGATE),
        Arguments.of("{\"a\":1,\"\\udc00hunter2\":1}", Reason.LONE_SURROGATE),
        Arguments.of("{\"hunter2\":NaN}", Reason.NON_FINITE_NUMBER),
        Arguments.of("[\"hunter2\",Infinity]", Reason.NON_FINITE_NUMBER),
        Arguments.of("-Infinity", Reason.NON_FINITE_NUMBER),
        Arguments.of("{\"hunter2\":1e400}", Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of("-1e400", Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of("{\"hunter2\":1e-400}", Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of("-2.4e-324", Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of("{\"hunter2\":9007199254740992}", Reason.INTEGER_TOO_LARGE),
        Arguments.of("-9007199254740992", Reason.INTEGER_TOO_LARGE),
        Arguments.of("9007199254740993", Reason.INTEGER_TOO_LARGE),
        Arguments.of("123456789012345678901234567890", Reason.INTEGER_TOO_LARGE),
        Arguments.of("1e20", Reason.INTEGER_TOO_LARGE),
        Arguments.of("2.5e16", Reason.INTEGER_TOO_LARGE),
        Arguments.of("9007199254740993.0", Reason.INTEGER_TOO_LARGE),
        Arguments.of("{\"hunter2\":1} {}", Reason.TRAILING_CONTENT),
        Arguments.of("{} {}", Reason.TRAILING_CONTENT),
        Arguments.of("1 2", Reason.TRAILING_CONTENT),
        Arguments.of("[\"hunter2\"]]", Reason.TRAILING_CONTENT),
        Arguments.of("{}hunter2", Reason.TRAILING_CONTENT),
        Arguments.of("", Reason.EMPTY),
        Arguments.of(" \n\t\r ", Reason.EMPTY),
        Arguments.of("{\"hunter2\":hunter2}", Reason.SYNTAX),
        Arguments.of("{\"hunter2\":1", Reason.SYNTAX),
        Arguments.of("[\"hunter2\",]", Reason.SYNTAX),
        Arguments.of("{'hunter2':1}", Reason.SYNTAX),
        Arguments.of("{\"hunter2\" 1}", Reason.SYNTAX),
        Arguments.of("\"hunter2\u0001\"", Reason.SYNTAX),
        Arguments.of("\"hunter2\\x\"", Reason.SYNTAX),
        Arguments.of("[01]", Reason.SYNTAX),
        Arguments.of("+1", Reason.SYNTAX),
        Arguments.of("/* hunter2 */ 1", Reason.SYNTAX),
        Arguments.of("\uFEFF{\"hunter2\":1}", Reason.SYNTAX));
  }

  @ParameterizedTest
  @MethodSource("invalidText")
  void parse_invalidText_throwsReasonWithoutQuotingInput(String json, Reason reason) {
    for (Runnable parse : new Runnable[] {
      () -> Jcs.parse(json), () -> Jcs.parse(json.getBytes(StandardCharsets.UTF_8))
    }) {
      assertThatThrownBy(parse::run).isInstanceOfSatisfying(InvalidJsonException.class, e -> {
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).startsWith("not I-JSON: ").doesNotContain(SECRET);
        if (!json.isBlank()) {
          assertThat(e.getMessage()).doesNotContain(json.strip());
        }
        assertThat(e.getCause()).isNull();
      });
    }
  }

  static Stream<Arguments> invalidBytes() {
    return Stream.of(
        Arguments.of(bytes("\"", 0xC3, 0x28, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0xC0, 0x80, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0xE0, 0x80, 0xAF, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0xF0, 0x82, 0x82, 0xAC, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("[\"hunter2", 0xED, 0xA0, 0x80, "\"]"), Reason.INVALID_UTF8, 10),
        Arguments.of(bytes("\"", 0xF4, 0x90, 0x80, 0x80, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0xF8, 0x88, 0x80, 0x80, 0x80, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0x80, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"", 0xFF, "\""), Reason.INVALID_UTF8, 2),
        Arguments.of(bytes("\"hunter2", 0xE2, 0x82), Reason.INVALID_UTF8, 9),
        Arguments.of(bytes(0xFE, 0xFF, 0, "1"), Reason.SYNTAX, 3),
        Arguments.of(bytes(0xEF, 0xBB, 0xBF, "{}"), Reason.SYNTAX, 1),
        Arguments.of(bytes(0, "1", 0, "2"), Reason.SYNTAX, 1));
  }

  @ParameterizedTest
  @MethodSource("invalidBytes")
  void parse_invalidBytes_throwsReasonAtColumn(byte[] json, Reason reason, int column) {
    assertThatThrownBy(() -> Jcs.parse(json))
        .isInstanceOfSatisfying(InvalidJsonException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.line()).isEqualTo(1);
          assertThat(e.column()).isEqualTo(column);
          assertThat(e.getMessage()).doesNotContain(SECRET);
        });
  }

  @Test
  void parse_invalidFirstByte_rejectsBeforeTheParserGuessesAnotherEncoding() {
    // FE FF is a UTF-16 byte order mark: Jackson would go on to read "[]" as one UTF-16 unit.
    assertThatThrownBy(() -> Jcs.parse(bytes(0xFE, 0xFF, "[]")))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_UTF8));
  }

  @Test
  void parse_errorOnLaterLine_reportsLineAndColumn() {
    String json = "{\n  \"a\": 1,\r\n  \"b\": {\r    \"hunter2\": 2,\n    \"hunter2\": 3\n  }\n}";

    assertThatThrownBy(() -> Jcs.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(InvalidJsonException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_KEY);
          assertThat(e.line()).isEqualTo(5);
          assertThat(e.column()).isEqualTo(5);
          assertThat(e.getMessage())
              .isEqualTo("not I-JSON: duplicate object key at line 5, column 5");
        });
  }

  @Test
  void parse_invalidUtf8OnLaterLine_countsLinesLikeTheParser() {
    byte[] json = bytes("[\r\n1,\r2,\n\"", 0xC3, 0x28, "\"]");

    assertThatThrownBy(() -> Jcs.parse(json))
        .isInstanceOfSatisfying(InvalidJsonException.class, e -> {
          assertThat(e.line()).isEqualTo(4);
          assertThat(e.column()).isEqualTo(2);
        });
  }

  @Test
  void parse_withoutLocation_reportsMinusOne() {
    InvalidJsonException e = new InvalidJsonException(Reason.EMPTY, "no JSON value in the input");

    assertThat(e.line()).isEqualTo(-1);
    assertThat(e.column()).isEqualTo(-1);
    assertThat(e.getMessage()).isEqualTo("not I-JSON: no JSON value in the input");
  }

  @Test
  void parse_nestingBeyondMaxDepth_throwsTooDeep() {
    assertThat(Jcs.parse("[[{\"a\":1}]]".getBytes(StandardCharsets.UTF_8), 3)).isNotNull();
    assertThat(Jcs.parse("1".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(LongNode.valueOf(1));

    assertThatThrownBy(() -> Jcs.parse("[[{\"a\":1}]]".getBytes(StandardCharsets.UTF_8), 2))
        .isInstanceOfSatisfying(InvalidJsonException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP);
          assertThat(e.column()).isEqualTo(3);
        });
    assertThatThrownBy(() -> Jcs.parse("[]".getBytes(StandardCharsets.UTF_8), 0))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP));
  }

  @Test
  void parse_defaultDepth_allows1000AndRejects1001() {
    assertThat(Jcs.parse("[".repeat(1000) + "]".repeat(1000))).isNotNull();

    assertThatThrownBy(() -> Jcs.parse("[".repeat(1001) + "]".repeat(1001)))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP));
    assertThatThrownBy(() -> Jcs.parse("{\"a\":".repeat(1001) + "1" + "}".repeat(1001)))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1001})
  void parse_maxDepthOutOfRange_throwsIllegalArgument(int maxDepth) {
    assertThatThrownBy(() -> Jcs.parse(new byte[] {'1'}, maxDepth))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_numbers_normalizesIntegralValuesToLongs() {
    JsonNode tree = Jcs.parse(
        "[0, -0, -0.0, 1.0, 56.0, 1e2, 9007199254740991, -9007199254740991, 1.5, 1e21, 0e-400]");

    assertThat(tree).containsExactly(
        LongNode.valueOf(0), LongNode.valueOf(0), LongNode.valueOf(0), LongNode.valueOf(1),
        LongNode.valueOf(56), LongNode.valueOf(100), LongNode.valueOf(9007199254740991L),
        LongNode.valueOf(-9007199254740991L), DoubleNode.valueOf(1.5), DoubleNode.valueOf(1e21),
        LongNode.valueOf(0));
  }

  @Test
  void parse_numbersNearTheDoubleLimits_roundsToNearest() {
    assertThat(Jcs.parse("[5e-324, 3e-324, 1.7976931348623157e308, 333333333.33333329]"))
        .containsExactly(DoubleNode.valueOf(Double.MIN_VALUE), DoubleNode.valueOf(Double.MIN_VALUE),
            DoubleNode.valueOf(Double.MAX_VALUE), DoubleNode.valueOf(333333333.3333333));
  }

  @Test
  void parse_anyTopLevelValue_isAccepted() {
    assertThat(Jcs.parse("\"x\"")).isEqualTo(TextNode.valueOf("x"));
    assertThat(Jcs.parse(" null ").isNull()).isTrue();
    assertThat(Jcs.parse("true").booleanValue()).isTrue();
    assertThat(Jcs.parse("[]").isArray()).isTrue();
  }

  @Test
  void parse_inputStream_readsToTheEnd() throws IOException {
    byte[] json = "{\"a\":[1]}".getBytes(StandardCharsets.UTF_8);

    JsonNode tree = Jcs.parse(new ByteArrayInputStream(json));

    assertThat(tree.get("a").get(0)).isEqualTo(LongNode.valueOf(1));
  }

  @Test
  void canonicalize_surrogatePairs_areWrittenAsFourByteUtf8() {
    byte[] expected = bytes("[\"", 0xF0, 0x9F, 0x98, 0x80, "\",\"", 0xF0, 0x9F, 0x98, 0x80, "\"]");

    assertThat(Jcs.canonicalize("[\"\\ud83d\\ude00\",\"\uD83D\uDE00\"]")).isEqualTo(expected);
    assertThat(Jcs.canonicalize(bytes("[\"\\uD83D\\uDE00\",\"", 0xF0, 0x9F, 0x98, 0x80, "\"]")))
        .isEqualTo(expected);
  }

  @Test
  void canonicalize_controlsAndSpecials_escapeExactlyAsJsonStringify() {
    StringBuilder input = new StringBuilder("\"");
    for (int c = 0; c < 0x20; c++) {
      input.append(String.format("\\u%04x", c));
    }
    input.append("\\u007f\\u2028\\u2029\\\"\\\\\\/\\u00e9\"");
    String expected = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
        + "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
        + "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
        + "\u007f\u2028\u2029\\\"\\\\/\u00e9\"";

    assertThat(new String(Jcs.canonicalize(input.toString()), StandardCharsets.UTF_8))
        .isEqualTo(expected);
  }

  @Test
  void canonicalize_longStrings_takeTheSameEscapesAsShortOnes() {
    String longTail = "0123456789abcdef";
    for (String special : new String[] {"?", "\\\"", "\\\\", "\\n", "\\u001f", "\u00e9", "\u20ac",
        "\\ud83d\\ude00", "\u007f"}) {
      String shortJson = "\"" + special + "\"";
      String longJson = "\"" + longTail + special + longTail + "\"";
      String shortOut = new String(Jcs.canonicalize(shortJson), StandardCharsets.UTF_8);
      String inner = shortOut.substring(1, shortOut.length() - 1);

      assertThat(new String(Jcs.canonicalize(longJson), StandardCharsets.UTF_8))
          .isEqualTo("\"" + longTail + inner + longTail + "\"");
    }
  }

  @Test
  void canonicalize_keysOutsideTheBmp_sortBeforeHighBmpKeys() {
    ObjectNode object = NODES.objectNode();
    object.put("\uFFFF", 1);
    object.put("\uD800\uDC00", 2);
    object.put("\uE000", 3);
    object.put("", 4);

    assertThat(new String(Jcs.canonicalize(object), StandardCharsets.UTF_8))
        .isEqualTo("{\"\":4,\"\uD800\uDC00\":2,\"\uE000\":3,\"\uFFFF\":1}");
  }

  @Test
  void canonicalize_manyMembers_sortsLikeFewMembers() {
    ObjectNode object = NODES.objectNode();
    StringBuilder expected = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      expected.append(i == 0 ? "" : ",").append(String.format("\"k%02d\":%d", i, i));
    }
    for (int i = 39; i >= 0; i--) {
      object.put(String.format("k%02d", i), i);
    }

    assertThat(new String(Jcs.canonicalize(object), StandardCharsets.UTF_8))
        .isEqualTo(expected.append('}').toString());
  }

  @Test
  void canonicalize_nestedObjects_sortEachLevelIndependently() {
    String json = "{\"b\":{\"z\":1,\"y\":{\"d\":1,\"c\":2,\"b\":3},\"x\":2},"
        + "\"a\":[{\"q\":1,\"p\":2}]}";

    assertThat(new String(Jcs.canonicalize(json), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":[{\"p\":2,\"q\":1}],"
            + "\"b\":{\"x\":2,\"y\":{\"b\":3,\"c\":2,\"d\":1},\"z\":1}}");
  }

  @Test
  void canonicalize_handBuiltNumbers_areTakenAsDoubles() {
    ArrayNode array = NODES.arrayNode()
        .add(IntNode.valueOf(-7))
        .add(LongNode.valueOf(9007199254740991L))
        .add(BigIntegerNode.valueOf(BigInteger.valueOf(-9007199254740991L)))
        .add(FloatNode.valueOf(0.1f))
        .add(DecimalNode.valueOf(new BigDecimal("1.10")))
        .add(DecimalNode.valueOf(new BigDecimal("1E+2")))
        .add(DecimalNode.valueOf(new BigDecimal("0.1000000000000000055511151231257827")))
        .add(DoubleNode.valueOf(-0.0))
        .add(DoubleNode.valueOf(1e21));

    assertThat(new String(Jcs.canonicalize(array), StandardCharsets.US_ASCII))
        .isEqualTo("[-7,9007199254740991,-9007199254740991,0.10000000149011612,1.1,100,0.1,0,"
            + "1e+21]");
  }

  static Stream<Arguments> invalidTrees() {
    ObjectNode loneInKey = NODES.objectNode();
    loneInKey.put("hunter2\uD800", 1);
    ArrayNode selfContaining = NODES.arrayNode();
    selfContaining.add(selfContaining);
    JsonNode deep = NODES.arrayNode();
    for (int i = 0; i < 1000; i++) {
      deep = NODES.arrayNode().add(deep);
    }
    return Stream.of(
        Arguments.of(DoubleNode.valueOf(Double.NaN), Reason.NON_FINITE_NUMBER),
        Arguments.of(DoubleNode.valueOf(Double.POSITIVE_INFINITY), Reason.NON_FINITE_NUMBER),
        Arguments.of(FloatNode.valueOf(Float.NaN), Reason.NON_FINITE_NUMBER),
        Arguments.of(BigIntegerNode.valueOf(BigInteger.TWO.pow(60)), Reason.INTEGER_TOO_LARGE),
        Arguments.of(BigIntegerNode.valueOf(BigInteger.TWO.pow(53)), Reason.INTEGER_TOO_LARGE),
        Arguments.of(BigIntegerNode.valueOf(BigInteger.TWO.pow(200)), Reason.INTEGER_TOO_LARGE),
        Arguments.of(LongNode.valueOf(1L << 53), Reason.INTEGER_TOO_LARGE),
        Arguments.of(LongNode.valueOf(Long.MIN_VALUE), Reason.INTEGER_TOO_LARGE),
        Arguments.of(DoubleNode.valueOf(1e20), Reason.INTEGER_TOO_LARGE),
        Arguments.of(DecimalNode.valueOf(new BigDecimal("12345678901234567890")),
            Reason.INTEGER_TOO_LARGE),
        Arguments.of(DecimalNode.valueOf(new BigDecimal("1E+400")), Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of(DecimalNode.valueOf(new BigDecimal("-1E-400")), Reason.NUMBER_OUT_OF_RANGE),
        Arguments.of(NODES.arrayNode().add(TextNode.valueOf("hunter2\uDC00")),
            Reason.LONE_SURROGATE),
        Arguments.of(TextNode.valueOf("hunter2\uD800"), Reason.LONE_SURROGATE),
        Arguments.of(TextNode.valueOf("hunter2-long-enough-for-bulk\uD800"), Reason.LONE_SURROGATE),
        Arguments.of(loneInKey, Reason.LONE_SURROGATE),
        Arguments.of(new POJONode("hunter2"), Reason.UNSUPPORTED_NODE),
        Arguments.of(BinaryNode.valueOf(SECRET.getBytes(StandardCharsets.UTF_8)),
            Reason.UNSUPPORTED_NODE),
        Arguments.of(NODES.objectNode().set("a", MissingNode.getInstance()),
            Reason.UNSUPPORTED_NODE),
        // Named: printing these trees for the test name would not end, or not end soon.
        Arguments.of(Named.of("array holding itself", selfContaining), Reason.TOO_DEEP),
        Arguments.of(Named.of("arrays nested 1001 deep", deep), Reason.TOO_DEEP));
  }

  @ParameterizedTest
  @MethodSource("invalidTrees")
  void canonicalize_invalidTree_throwsReasonAndWritesNothing(JsonNode tree, Reason reason) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> Jcs.canonicalize(tree))
        .isInstanceOfSatisfying(InvalidJsonException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.getMessage()).doesNotContain(SECRET);
          assertThat(e.line()).isEqualTo(-1);
        });
    assertThatThrownBy(() -> Jcs.write(tree, out)).isInstanceOf(InvalidJsonException.class);
    assertThat(out.size()).isZero();
  }

  @Test
  void canonicalize_nanInsideAHandBuiltObject_throws() {
    ObjectNode event = NODES.objectNode();
    event.put("amount", 12.5);
    event.set("ratio", DoubleNode.valueOf(Double.NaN));
    event.set("id", BigIntegerNode.valueOf(BigInteger.TWO.pow(60)));

    assertThatThrownBy(() -> Jcs.canonicalize(event)).isInstanceOf(InvalidJsonException.class);
  }

  @Test
  void write_validTree_writesTheCanonicalBytes() throws IOException {
    JsonNode tree = Jcs.parse("{\"b\":[true,false,null],\"a\":\"\u00e9\"}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    Jcs.write(tree, out);

    assertThat(out.toByteArray()).isEqualTo(Jcs.canonicalize(tree));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":\"\u00e9\",\"b\":[true,false,null]}");
  }

  @Test
  void canonicalize_doesNotModifyTheTree() {
    ObjectNode tree = (ObjectNode) Jcs.parse("{\"b\":1,\"a\":{\"d\":2,\"c\":3}}");
    String before = tree.toString();

    Jcs.canonicalize(tree);

    assertThat(tree.toString()).isEqualTo(before);
  }

  /** Builds bytes from ASCII strings and single byte values. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String) {
        out.writeBytes(((String) part).getBytes(StandardCharsets.US_ASCII));
      } else if (part instanceof Character) {
        out.write((Character) part);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }
}
