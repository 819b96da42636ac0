import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the golden ECMAScript number vectors for Es6NumbersTest: gzip text, one line per double,
 * {@code <16 lowercase hex digits of the raw bits> <expected Number::toString>}.
 *
 * <p>Run with JDK 19 or newer, whose {@link Double#toString(double)} gives the shortest decimal
 * that rounds back, the closest one when several are equally short (JDK-4511638 fixed). Its only
 * remaining difference from ECMAScript is that it never settles for one digit when two digits
 * get closer (it prints 4.9E-324 where ECMAScript prints 5e-324); that case is corrected below.
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *   hyrelog-core/src/test/scripts/GenerateEs6NumberVectors.java \
 *   hyrelog-core/src/test/resources/es6-numbers.txt.gz
 * </pre>
 *
 * The seed is fixed, so the output is reproducible byte for byte on the same JDK.
 */
public final class GenerateEs6NumberVectors {
  private static final long SEED = 0x4a43535f4553364cL;

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GenerateEs6NumberVectors OUT.txt.gz");
      System.exit(2);
    }
    if (Runtime.version().feature() < 19) {
      System.err.println(
          "needs JDK 19+ (shortest Double.toString), running on " + Runtime.version());
      System.exit(2);
    }
    Set<Long> bits = values();
    Path out = Path.of(args[0]);
    try (Writer w = new BufferedWriter(new OutputStreamWriter(
        new GZIPOutputStream(Files.newOutputStream(out)), StandardCharsets.US_ASCII))) {
      for (long b : bits) {
        w.write(String.format(Locale.ROOT, "%016x", b));
        w.write(' ');
        w.write(es6(Double.longBitsToDouble(b)));
        w.write('\n');
      }
    }
    System.out.println(bits.size() + " values written to " + args[0]);
  }

  private static Set<Long> values() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    Set<Long> out = new LinkedHashSet<>();
    double[] fixed = {
      0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL,
      Math.nextDown(Double.MIN_NORMAL), 1e21, 1e-6, 1e-7, 0x1p53, 0x1p53 - 1, 1e23, 2e-3,
      0x1p-44, 9.007199254740993E15, 333333333.33333329, 1e30, 4.5, 1e-27
    };
    for (double d : fixed) {
      addWithNeighbours(out, d, 3);
    }
    // Every power of two, normal and subnormal, with its neighbours: the asymmetric intervals.
    for (int e = -1074; e <= 1023; e++) {
      addWithNeighbours(out, Math.scalb(1.0, e), 2);
    }
    // Every power of ten that is a finite non-zero double, with neighbours: layout boundaries.
    for (int e = -323; e <= 308; e++) {
      addWithNeighbours(out, Double.parseDouble("1e" + e), 2);
    }
    // Long runs across the ECMAScript layout boundaries and the 2^53 exact-integer edge.
    for (double d : new double[] {1e21, 1e-6, 1e-7, 0x1p53}) {
      addWithNeighbours(out, d, 400);
    }
    // Integers near 2^53 and random integers below it.
    for (int i = 0; i < 1000; i++) {
      add(out, 0x1p53 + 2.0 * i);
      add(out, 0x1p53 - i);
      add(out, (double) rnd.nextLong(1L << 53));
    }
    // The smallest subnormals, where one digit is often enough, then random subnormals.
    for (long c = 1; c <= 2000; c++) {
      add(out, Double.longBitsToDouble(c));
    }
    for (int i = 0; i < 3000; i++) {
      add(out, Double.longBitsToDouble(rnd.nextLong(1L << 52)));
    }
    // Short decimals as people write them (12.5, 0.07, 1234.5678), across magnitudes.
    for (int i = 0; i < 9000; i++) {
      int digits = 1 + rnd.nextInt(17);
      long m = rnd.nextLong((long) Math.pow(10, Math.min(digits, 18)));
      int exp = rnd.nextInt(-30, 30);
      add(out, Double.parseDouble(m + "e" + exp));
    }
    // Uniform doubles in common ranges.
    for (int i = 0; i < 5000; i++) {
      add(out, rnd.nextDouble());
      add(out, rnd.nextDouble(-1e6, 1e6));
    }
    // Random bit patterns: every exponent, every significand.
    for (int added = 0; added < 25_000; ) {
      long b = rnd.nextLong();
      if (Double.isFinite(Double.longBitsToDouble(b)) && out.add(b)) {
        added++;
      }
    }
    return out;
  }

  private static void addWithNeighbours(Set<Long> out, double d, int n) {
    add(out, d);
    double up = d;
    double down = d;
    for (int i = 0; i < n; i++) {
      up = Math.nextUp(up);
      down = Math.nextDown(down);
      add(out, up);
      add(out, down);
    }
  }

  private static void add(Set<Long> out, double d) {
    if (Double.isFinite(d)) {
      out.add(Double.doubleToRawLongBits(d));
      out.add(Double.doubleToRawLongBits(-d));
    }
  }

  /** ECMAScript Number::toString(10) built on JDK 19+'s shortest-closest Double.toString. */
  static String es6(double d) {
    if (d == 0) {
      return "0";
    }
    String sign = d < 0 ? "-" : "";
    double a = Math.abs(d);
    String j = Double.toString(a); // "123.45", "1.0E-5", "1.234E10"
    int ePos = j.indexOf('E');
    String mantissa = ePos < 0 ? j : j.substring(0, ePos);
    int exp10 = ePos < 0 ? 0 : Integer.parseInt(j.substring(ePos + 1));
    int dot = mantissa.indexOf('.');
    String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    // The value is 0.<digits> * 10^n.
    int n = dot + exp10;
    int lead = 0;
    while (digits.charAt(lead) == '0') {
      lead++;
    }
    digits = digits.substring(lead);
    n -= lead;
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(0, end);

    if (digits.length() == 2) {
      // Java keeps two digits when they are closer than any one-digit decimal; ECMAScript takes
      // the closest one-digit decimal whenever one reads back as the same double.
      BigDecimal exact = new BigDecimal(a);
      String best = null;
      int bestN = 0;
      BigDecimal bestDistance = null;
      int first = digits.charAt(0) - '0';
      for (int cand : new int[] {first, first + 1}) {
        String candDigits = cand == 10 ? "1" : Integer.toString(cand);
        int candN = cand == 10 ? n + 1 : n;
        BigDecimal value = new BigDecimal("0." + candDigits + "E" + candN);
        if (Double.parseDouble(value.toString()) != a) {
          continue;
        }
        BigDecimal distance = value.subtract(exact).abs();
        int c = bestDistance == null ? -1 : distance.compareTo(bestDistance);
        if (c < 0 || (c == 0 && (candDigits.charAt(0) - '0') % 2 == 0)) {
          best = candDigits;
          bestN = candN;
          bestDistance = distance;
        }
      }
      if (best != null) {
        digits = best;
        n = bestN;
      }
    }
    return sign + layout(digits, n);
  }

  /** The ECMAScript layout of 0.<digits> * 10^n (ECMA-262 Number::toString, steps 6 to 10). */
  static String layout(String digits, int n) {
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
    int e = n - 1;
    String exp = "e" + (e < 0 ? "-" : "+") + Math.abs(e);
    return k == 1 ? digits + exp : digits.charAt(0) + "." + digits.substring(1) + exp;
  }
}
