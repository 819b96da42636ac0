package io.hyrelog;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * ECMAScript {@code Number::toString(10)} for finite doubles (ECMA-262 §7.1.12.1), the number
 * format of RFC 8785: the shortest decimal that reads back as the same double, the closest one
 * to the exact binary value when several are equally short (the even one on a tie), laid out as
 * an integer up to 21 digits, as {@code 0.000001}-style down to 1e-6 and in exponent form
 * otherwise.
 *
 * <p>{@link Double#toString(double)} cannot be reformatted instead: before JDK 19 it is not always
 * the shortest (JDK-4511638), and since then it prefers two digits over one. The digits come from
 * the Schubfach algorithm (R. Giulietti, "The Schubfach way to render doubles"), written here from
 * the paper. Stateless and thread-safe.
 */
final class Es6Numbers {
  /** Longest output, e.g. {@code -0.0000012345678901234567}. */
  static final int MAX_LENGTH = 25;

  private static final long SIGNIFICAND_MASK = (1L << 52) - 1;
  /** The hidden bit: the smallest significand of a normal double. */
  private static final long C_MIN = 1L << 52;
  /** Binary exponent of the subnormals and of the smallest normals. */
  private static final int Q_MIN = -1074;
  private static final int Q_MAX = 971;
  private static final double TWO_POW_53 = 0x1p53;

  /** Decimal exponents k that the conversion uses: floor(log10(2^q)) over all q. */
  static final int K_MIN = floorLog10Pow2(Q_MIN);
  static final int K_MAX = floorLog10Pow2(Q_MAX);

  /**
   * For each k, g = floor(10^-k * 2^(125 - floor(log2(10^-k)))) + 1, a 126-bit upper
   * approximation of 10^-k, split into its high and low 63 bits. Computed once with exact
   * arithmetic rather than pasted as a table.
   */
  private static final long[] G_HIGH = new long[K_MAX - K_MIN + 1];
  private static final long[] G_LOW = new long[K_MAX - K_MIN + 1];

  static {
    BigInteger low63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    for (int k = K_MIN; k <= K_MAX; k++) {
      int e = floorLog2Pow10(-k);
      BigInteger g;
      if (k <= 0) {
        BigInteger pow = BigInteger.TEN.pow(-k);
        g = e <= 125 ? pow.shiftLeft(125 - e) : pow.shiftRight(e - 125);
      } else {
        g = BigInteger.ONE.shiftLeft(125 - e).divide(BigInteger.TEN.pow(k));
      }
      g = g.add(BigInteger.ONE);
      if (g.bitLength() != 126) {
        throw new AssertionError("10^" + (-k) + " does not scale to 126 bits");
      }
      G_HIGH[k - K_MIN] = g.shiftRight(63).longValueExact();
      G_LOW[k - K_MIN] = g.and(low63).longValueExact();
    }
  }

  private Es6Numbers() {}

  /**
   * The ECMAScript string for {@code d}.
   *
   * @throws IllegalArgumentException when {@code d} is NaN or infinite, which ECMAScript would
   *     print but JSON cannot carry
   */
  static String format(double d) {
    byte[] out = new byte[MAX_LENGTH];
    int end = appendTo(d, out, 0);
    return new String(out, 0, end, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes the ECMAScript string for {@code d} as ASCII into {@code out} at {@code pos}, which
   * must have room for {@link #MAX_LENGTH} bytes, and returns the position after it.
   *
   * @throws IllegalArgumentException when {@code d} is NaN or infinite
   */
  static int appendTo(double d, byte[] out, int pos) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("NaN and infinities have no JSON form");
    }
    if (d == 0) {
      out[pos] = '0'; // -0 prints as 0 too
      return pos + 1;
    }
    if (d < 0) {
      out[pos++] = '-';
      d = -d;
    }
    if (d < TWO_POW_53 && d == (long) d) {
      // Every integer below 2^53 is exact and no shorter decimal rounds to it.
      return appendLong((long) d, out, pos);
    }
    return appendShortest(Double.doubleToRawLongBits(d), out, pos);
  }

  /** "00" to "99": integers are written two digits per division. */
  private static final byte[] DIGIT_PAIRS = new byte[200];
  /** 10^0 to 10^18. */
  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    long p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = p;
      p *= 10;
    }
  }

  /** Writes {@code v}, 0 <= v < 10^18, in decimal and returns the position after it. */
  static int appendLong(long v, byte[] out, int pos) {
    int end = pos + digitCount(v);
    int i = end;
    while (v >= 100) {
      long q = v / 100;
      int r = 2 * (int) (v - q * 100);
      out[--i] = DIGIT_PAIRS[r + 1];
      out[--i] = DIGIT_PAIRS[r];
      v = q;
    }
    if (v >= 10) {
      int r = 2 * (int) v;
      out[--i] = DIGIT_PAIRS[r + 1];
      out[--i] = DIGIT_PAIRS[r];
    } else {
      out[--i] = (byte) ('0' + v);
    }
    return end;
  }

  /** Decimal digits in {@code v}, 0 <= v < 10^18. */
  static int digitCount(long v) {
    int log2 = 63 - Long.numberOfLeadingZeros(v | 1);
    // floor(log2 * log10(2)) is floor(log10(v)) or one less.
    int lower = (log2 * 1233) >>> 12;
    return v >= POWERS_OF_TEN[lower + 1] ? lower + 2 : lower + 1;
  }

  /**
   * Finds the shortest-closest decimal f * 10^k for a positive finite double and lays it out.
   *
   * <p>With v = c * 2^q, every decimal in the rounding interval [vl, vr] reads back as v (the
   * bounds themselves only when c is even, by round-half-even). k is chosen so that 10^k is at
   * most the interval's width and 10^(k+1) more than it: then at most one multiple of 10^(k+1)
   * lies in the interval, and if there is one it is the unique shortest; otherwise the answer is
   * floor(v / 10^k) or that plus one, whichever lies inside, the nearer one if both do.
   */
  private static int appendShortest(long bits, byte[] out, int pos) {
    int biased = (int) (bits >>> 52);
    long t = bits & SIGNIFICAND_MASK;
    long c;
    int q;
    if (biased != 0) {
      c = C_MIN | t;
      q = biased - 1075;
    } else {
      c = t;
      q = Q_MIN;
    }
    // Work on 4 * v so that both interval bounds are integers times 2^q.
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2;
      k = floorLog10Pow2(q);
    } else {
      // At a power of two the double below is twice as close: the interval is asymmetric.
      cbl = cb - 1;
      k = floorLog10ThreeQuartersPow2(q);
    }
    int h = q + floorLog2Pow10(-k) + 2;
    long gHigh = G_HIGH[k - K_MIN];
    long gLow = G_LOW[k - K_MIN];
    // 4 * x / 10^k, rounded to odd so that comparisons with even integers stay exact.
    long vb = roundToOdd(gHigh, gLow, cb << h);
    long vbl = roundToOdd(gHigh, gLow, cbl << h);
    long vbr = roundToOdd(gHigh, gLow, cbr << h);
    int excluded = (int) (c & 1);

    long s = vb >> 2;
    long sp10 = s / 10 * 10;
    long tp10 = sp10 + 10;
    boolean sp10In = vbl + excluded <= sp10 << 2;
    boolean tp10In = (tp10 << 2) + excluded <= vbr;
    if (sp10In != tp10In) {
      return layout(sp10In ? sp10 : tp10, k, out, pos);
    }
    long t1 = s + 1;
    boolean sIn = vbl + excluded <= s << 2;
    boolean tIn = (t1 << 2) + excluded <= vbr;
    if (sIn != tIn) {
      return layout(sIn ? s : t1, k, out, pos);
    }
    // Both inside: the nearer one to v, the even one on a tie.
    long cmp = vb - ((s + t1) << 1);
    return layout(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t1, k, out, pos);
  }

  /**
   * g * cp / 2^127 rounded to odd (floor, with the lowest bit set when inexact), where
   * g = gHigh * 2^63 + gLow and 0 <= cp < 2^60.
   *
   * <p>The product bits below 2^64 are dropped on purpose: they hold the error of g over the
   * exact power of ten (g was rounded up), and the paper shows that a true fraction is never that
   * small. Keeping them would make exact quotients look inexact and break round-half-even ties.
   */
  private static long roundToOdd(long gHigh, long gLow, long cp) {
    long lowHi = Math.multiplyHigh(gLow, cp);
    long highHi = Math.multiplyHigh(gHigh, cp);
    long highLo = gHigh * cp;
    // (g * cp) / 2^64 = highHi * 2^63 + highLo / 2 + lowHi, less the dropped bits.
    long mid = (highLo >>> 1) + lowHi;
    long quotient = highHi + (mid >>> 63);
    boolean inexact = (mid & Long.MAX_VALUE) != 0;
    return quotient | (inexact ? 1 : 0);
  }

  /** Lays out f * 10^e (f > 0) by the ECMAScript rules and returns the position after it. */
  private static int layout(long f, int e, byte[] out, int pos) {
    while (f % 10 == 0) {
      f /= 10;
      e++;
    }
    int len = digitCount(f);
    // The value is 0.d1d2...dlen * 10^n.
    int n = len + e;
    if (len <= n && n <= 21) {
      pos = appendLong(f, out, pos);
      for (int i = len; i < n; i++) {
        out[pos++] = '0';
      }
      return pos;
    }
    if (0 < n && n <= 21) {
      appendLong(f, out, pos + 1);
      // Shift the integer part left by one to open the gap for the point.
      for (int i = 0; i < n; i++) {
        out[pos + i] = out[pos + i + 1];
      }
      out[pos + n] = '.';
      return pos + len + 1;
    }
    if (-6 < n && n <= 0) {
      out[pos++] = '0';
      out[pos++] = '.';
      for (int i = n; i < 0; i++) {
        out[pos++] = '0';
      }
      return appendLong(f, out, pos);
    }
    int end = appendLong(f, out, pos + 1);
    out[pos] = out[pos + 1];
    if (len == 1) {
      end = pos + 1;
    } else {
      out[pos + 1] = '.';
    }
    out[end++] = 'e';
    int exp = n - 1;
    if (exp < 0) {
      out[end++] = '-';
      exp = -exp;
    } else {
      out[end++] = '+';
    }
    return appendLong(exp, out, end);
  }

  // The three logarithms below multiply by the constant scaled by 2^41 or 2^38 and rounded down.
  // Es6NumbersTest checks them exactly over the whole range the conversion uses; a coarser
  // scaling, such as 78913 / 2^18 for log10(2), is off by one for some q in the 3/4 case.

  /** floor(q * log10(2)), exact for |q| <= 1100. */
  static int floorLog10Pow2(int q) {
    return (int) ((q * 661_971_961_083L) >> 41);
  }

  /** floor(log10(3/4 * 2^q)), exact for |q| <= 1100. */
  static int floorLog10ThreeQuartersPow2(int q) {
    return (int) ((q * 661_971_961_083L - 274_743_187_321L) >> 41);
  }

  /** floor(e * log2(10)), exact for |e| <= 400. */
  static int floorLog2Pow10(int e) {
    return (int) ((e * 913_124_641_741L) >> 38);
  }
}
