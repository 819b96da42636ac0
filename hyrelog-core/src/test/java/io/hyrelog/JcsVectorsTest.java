package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.DoubleNode;
import io.hyrelog.InvalidJsonException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Published RFC 8785 vectors, byte for byte. */
class JcsVectorsTest {

  /** The reference test data of the scheme's authors: input/X.json gives output/X.json. */
  @ParameterizedTest
  @ValueSource(strings = {"arrays", "structures", "unicode"})
  void canonicalize_referenceVector_matchesOutputFileExactly(String name) throws IOException {
    byte[] input = resource("/jcs/input/" + name + ".json");
    byte[] expected = resource("/jcs/output/" + name + ".json");

    assertThat(Jcs.canonicalize(input)).isEqualTo(expected);
    assertThat(Jcs.canonicalize(new String(input, StandardCharsets.UTF_8))).isEqualTo(expected);
    assertThat(Jcs.canonicalize(Jcs.parse(input))).isEqualTo(expected);
  }

  /** RFC 8785 §3.2.2 input, sorted as in §3.2.3, with the UTF-8 bytes of §3.2.4. */
  @Test
  void canonicalize_rfcSection3Example_matchesRfcBytes() {
    String input = "{\n"
        + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
        + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        + "  \"literals\": [null, true, false]\n"
        + "}";
    String expected = "{\"literals\":[null,true,false],"
        + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    byte[] rfcBytes = HexFormat.ofDelimiter(" ").parseHex(
        "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 "
            + "5d 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 "
            + "33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 5d 2c "
            + "22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 "
            + "5c 5c 5c 5c 5c 22 2f 22 7d");

    byte[] canonical = Jcs.canonicalize(input);

    assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(canonical).isEqualTo(rfcBytes);
    assertThat(Jcs.canonicalize(input.getBytes(StandardCharsets.UTF_8))).isEqualTo(rfcBytes);
  }

  /** RFC 8785 §3.2.3: member names sort by UTF-16 code units, not code points or UTF-8. */
  @Test
  void canonicalize_rfcSortingExample_ordersByUtf16CodeUnits() {
    String input = "{\n"
        + "  \"\\u20ac\": \"Euro Sign\",\n"
        + "  \"\\r\": \"Carriage Return\",\n"
        + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
        + "  \"1\": \"One\",\n"
        + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
        + "  \"\\u0080\": \"Control\",\n"
        + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
        + "}";
    String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
        + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

    assertThat(new String(Jcs.canonicalize(input), StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  /** RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript serializations. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ' ', value = {
    "0000000000000000 0",
    "8000000000000000 0",
    "0000000000000001 5e-324",
    "8000000000000001 -5e-324",
    "7fefffffffffffff 1.7976931348623157e+308",
    "ffefffffffffffff -1.7976931348623157e+308",
    "4340000000000000 9007199254740992",
    "c340000000000000 -9007199254740992",
    "4430000000000000 295147905179352830000",
    "44b52d02c7e14af5 9.999999999999997e+22",
    "44b52d02c7e14af6 1e+23",
    "44b52d02c7e14af7 1.0000000000000001e+23",
    "444b1ae4d6e2ef4e 999999999999999700000",
    "444b1ae4d6e2ef4f 999999999999999900000",
    "444b1ae4d6e2ef50 1e+21",
    "3eb0c6f7a0b5ed8c 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d 0.000001",
    "41b3de4355555553 333333333.3333332",
    "41b3de4355555554 333333333.33333325",
    "41b3de4355555555 333333333.3333333",
    "41b3de4355555556 333333333.3333334",
    "41b3de4355555557 333333333.33333343",
    "becbf647612f3696 -0.0000033333333333333333",
    "43143ff3c1cb0959 1424953923781206.2",
  })
  void format_rfcAppendixB_matchesExactly(String hex, String expected) {
    double d = Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));

    assertThat(Es6Numbers.format(d)).isEqualTo(expected);
  }

  /**
   * The same Appendix B numbers held by a tree. The integral ones from 2^53 up to 10^21 print as
   * bare integer literals beyond ±(2^53−1), which parsing rejects, so canonicalization rejects
   * them too instead of producing bytes that cannot be read back.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ' ', value = {
    "0000000000000000 0",
    "8000000000000001 -5e-324",
    "7fefffffffffffff 1.7976931348623157e+308",
    "4340000000000000 ",
    "c340000000000000 ",
    "4430000000000000 ",
    "444b1ae4d6e2ef4f ",
    "44b52d02c7e14af6 1e+23",
    "444b1ae4d6e2ef50 1e+21",
    "becbf647612f3696 -0.0000033333333333333333",
    "43143ff3c1cb0959 1424953923781206.2",
  })
  void canonicalize_rfcAppendixBInTree_matchesOrRejectsUnsafeInteger(String hex, String expected) {
    DoubleNode node = DoubleNode.valueOf(Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16)));

    if (expected == null) {
      assertThatThrownBy(() -> Jcs.canonicalize(node))
          .isInstanceOfSatisfying(InvalidJsonException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.INTEGER_TOO_LARGE));
    } else {
      assertThat(new String(Jcs.canonicalize(node), StandardCharsets.US_ASCII)).isEqualTo(expected);
    }
  }

  /** Appendix B's NaN and Infinity rows: JSON cannot carry them. */
  @ParameterizedTest
  @ValueSource(strings = {"7fffffffffffffff", "7ff0000000000000", "fff0000000000000"})
  void canonicalize_rfcAppendixBNonFinite_isRejected(String hex) {
    double d = Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));

    assertThatThrownBy(() -> Jcs.canonicalize(DoubleNode.valueOf(d)))
        .isInstanceOfSatisfying(InvalidJsonException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NON_FINITE_NUMBER));
    assertThatThrownBy(() -> Es6Numbers.format(d)).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = JcsVectorsTest.class.getResourceAsStream(path)) {
      assertThat(in).as("test resource %s", path).isNotNull();
      return in.readAllBytes();
    }
  }
}
