package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Es6NumbersTest {

  /**
   * Golden vectors written by src/test/scripts/GenerateEs6NumberVectors.java from JDK 25's
   * shortest-closest {@link Double#toString}: powers of two and ten with neighbours, layout
   * boundaries, subnormals, integers near 2^53, short decimals and random bit patterns.
   */
  @Test
  void format_goldenVectorsFromJdk25_matchEveryLine() throws IOException {
    List<String> failures = new ArrayList<>();
    int lines = 0;
    try (InputStream raw = Es6NumbersTest.class.getResourceAsStream("/es6-numbers.txt.gz")) {
      assertThat(raw).as("es6-numbers.txt.gz on the test classpath").isNotNull();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
      String line;
      while ((line = in.readLine()) != null) {
        lines++;
        int space = line.indexOf(' ');
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(line.substring(0, space), 16));
        String expected = line.substring(space + 1);
        String actual = Es6Numbers.format(d);
        if (!actual.equals(expected) && failures.size() < 20) {
          failures.add(line + " but got " + actual);
        }
      }
    }
    assertThat(lines).isGreaterThan(100_000);
    assertThat(failures).isEmpty();
  }

  /**
   * Doubles that Java 17's {@link Double#toString} gets wrong (JDK-4511638: too many digits, or
   * not the closest), plus the one-digit case where even JDK 19+ differs from ECMAScript.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ' ', value = {
    "1.0E23 1e+23",
    "2.0E23 2e+23",
    "8.41E21 8.41e+21",
    "5.684341886080802E-14 5.684341886080802e-14",
    "2.82879384806159E17 282879384806159000",
    "1.782404921010505E17 178240492101050500",
    "1.300056759135734E18 1300056759135734000",
    "5.538249361284741E16 55382493612847410",
    "2.0E-3 0.002",
    "5.0E-324 5e-324",
    "1.0E-323 1e-323",
    "9.007199254740993E15 9007199254740992",
  })
  void format_valuesJava17GetsWrong_isShortestClosest(String literal, String expected) {
    assertThat(Es6Numbers.format(Double.parseDouble(literal))).isEqualTo(expected);
  }

  @Test
  void format_twoToTheMinus44_isShortest() {
    assertThat(Es6Numbers.format(Math.scalb(1.0, -44))).isEqualTo("5.684341886080802e-14");
  }

  /** ECMA-262 Number::toString steps: integer up to 21 digits, 0.000001 down to 1e-6. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ' ', value = {
    "0 0",
    "-0.0 0",
    "1 1",
    "-1 -1",
    "12.5 12.5",
    "-0.1 -0.1",
    "9007199254740991 9007199254740991",
    "1e20 100000000000000000000",
    "1.23e20 123000000000000000000",
    "1e21 1e+21",
    "1.5e21 1.5e+21",
    "123456789.125 123456789.125",
    "0.000001 0.000001",
    "0.0000012345 0.0000012345",
    "1e-7 1e-7",
    "1.5e-7 1.5e-7",
    "-1.2345e-300 -1.2345e-300",
    "1e300 1e+300",
  })
  void format_layoutBoundaries_followEcmaScript(String literal, String expected) {
    assertThat(Es6Numbers.format(Double.parseDouble(literal))).isEqualTo(expected);
  }

  @Test
  void format_nonFinite_throws() {
    assertThatThrownBy(() -> Es6Numbers.format(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Es6Numbers.format(Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** An oracle straight from the ECMAScript definition, in exact decimal arithmetic. */
  @Test
  void format_randomAndPowerOfTwoDoubles_matchExactDefinition() {
    SplittableRandom random = new SplittableRandom(8785);
    List<Double> values = new ArrayList<>();
    for (int e = -1074; e <= 1023; e++) {
      double p = Math.scalb(1.0, e);
      values.add(p);
      values.add(Math.nextUp(p));
      values.add(Math.nextDown(p));
    }
    for (int i = 0; i < 10_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(d)) {
        values.add(d);
      }
    }
    List<String> failures = new ArrayList<>();
    for (double d : values) {
      String expected = shortestByDefinition(d);
      String actual = Es6Numbers.format(d);
      if (!actual.equals(expected) && failures.size() < 20) {
        failures.add(
            Long.toHexString(Double.doubleToRawLongBits(d)) + ": " + actual + " != " + expected);
      }
    }
    assertThat(failures).isEmpty();
  }

  /** The approximations the conversion relies on, checked over their whole range of use. */
  @Test
  void floorLogarithms_overTheDoubleExponentRange_areExact() {
    BigInteger two = BigInteger.TWO;
    for (int q = -1100; q <= 1100; q++) {
      assertThat(Es6Numbers.floorLog10Pow2(q)).as("floor(log10(2^%d))", q)
          .isEqualTo(floorLog10(two.pow(Math.abs(q)), q < 0));
      BigInteger threeQuarters = BigInteger.valueOf(3);
      int shift = q - 2;
      int expected = shift >= 0
          ? floorLog10(threeQuarters.shiftLeft(shift), false)
          : floorLog10Fraction(threeQuarters, two.pow(-shift));
      assertThat(Es6Numbers.floorLog10ThreeQuartersPow2(q)).as("floor(log10(3/4*2^%d))", q)
          .isEqualTo(expected);
    }
    for (int e = -400; e <= 400; e++) {
      BigInteger pow = BigInteger.TEN.pow(Math.abs(e));
      int expected = e >= 0 ? pow.bitLength() - 1 : -pow.bitLength();
      assertThat(Es6Numbers.floorLog2Pow10(e)).as("floor(log2(10^%d))", e).isEqualTo(expected);
    }
  }

  @Test
  void appendLong_digitBoundaries_writesExactDecimal() {
    long p = 1;
    for (int digits = 1; digits <= 18; digits++) {
      for (long v : new long[] {p, p + 1, 10 * p - 1}) {
        byte[] out = new byte[20];
        int end = Es6Numbers.appendLong(v, out, 1);
        assertThat(new String(out, 1, end - 1, StandardCharsets.US_ASCII))
            .isEqualTo(Long.toString(v));
        assertThat(Es6Numbers.digitCount(v)).isEqualTo(Long.toString(v).length());
      }
      p *= 10;
    }
    assertThat(Es6Numbers.digitCount(0)).isEqualTo(1);
  }

  /** floor(log10(x)) for x = n or x = 1/n. */
  private static int floorLog10(BigInteger n, boolean reciprocal) {
    if (!reciprocal) {
      return n.toString().length() - 1;
    }
    return floorLog10Fraction(BigInteger.ONE, n);
  }

  /** floor(log10(num / den)) for num < den. */
  private static int floorLog10Fraction(BigInteger num, BigInteger den) {
    int k = 0;
    BigInteger scaled = num;
    while (scaled.compareTo(den) < 0) {
      scaled = scaled.multiply(BigInteger.TEN);
      k--;
    }
    return k;
  }

  /**
   * ECMA-262 Number::toString by its definition: the fewest digits that read back as d (reading
   * rounds half to even, so the interval bounds count when d's significand is even), then the
   * closest such decimal, then the even one.
   */
  static String shortestByDefinition(double d) {
    if (d == 0) {
      return "0";
    }
    double a = Math.abs(d);
    BigDecimal v = new BigDecimal(a);
    BigDecimal half = new BigDecimal("0.5");
    BigDecimal low = v.add(new BigDecimal(Math.nextDown(a))).multiply(half);
    BigDecimal high = v.add(new BigDecimal(Math.ulp(a)).multiply(half));
    boolean inclusive = (Double.doubleToRawLongBits(a) & 1) == 0;
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal best = null;
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal candidate = v.round(new MathContext(precision, mode));
        int lo = candidate.compareTo(low);
        int hi = candidate.compareTo(high);
        boolean inside = inclusive ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
        if (!inside) {
          continue;
        }
        if (best == null) {
          best = candidate;
          continue;
        }
        int closer = candidate.subtract(v).abs().compareTo(best.subtract(v).abs());
        if (closer < 0 || (closer == 0 && !candidate.unscaledValue().testBit(0))) {
          best = candidate;
        }
      }
      if (best != null) {
        BigDecimal stripped = best.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        return (d < 0 ? "-" : "") + layout(digits, digits.length() - stripped.scale());
      }
    }
    throw new AssertionError("17 digits always suffice");
  }

  /** ECMA-262 Number::toString layout of 0.digits * 10^n. */
  private static String layout(String digits, int n) {
    int k = digits.length();
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    String exponent = "e" + (n - 1 < 0 ? "-" : "+") + Math.abs(n - 1);
    return k == 1 ? digits + exponent : digits.charAt(0) + "." + digits.substring(1) + exponent;
  }
}
