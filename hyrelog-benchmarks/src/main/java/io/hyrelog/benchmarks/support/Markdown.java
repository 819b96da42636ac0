package io.hyrelog.benchmarks.support;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The drivers' Markdown reports: table rows, number formats (events/s, milliseconds, ratios,
 * seconds) and bullet lists, the same in every report.
 */
public final class Markdown {
  private Markdown() {}

  /**
   * A table's header and alignment rows: the first column left-aligned, the others right.
   *
   * @return two lines, each ending in a newline
   */
  public static String header(String... columns) {
    StringBuilder align = new StringBuilder("|---|");
    for (int i = 1; i < columns.length; i++) {
      align.append("---:|");
    }
    return row((Object[]) columns) + align + "\n";
  }

  /** {@code | a | b | … |} and a newline. */
  public static String row(Object... cells) {
    StringBuilder s = new StringBuilder("|");
    for (Object c : cells) {
      s.append(' ').append(c).append(" |");
    }
    return s.append('\n').toString();
  }

  /** {@code - item} lines. */
  public static String bullets(List<String> items) {
    StringBuilder s = new StringBuilder();
    for (String i : items) {
      s.append("- ").append(i).append('\n');
    }
    return s.toString();
  }

  /** A rate or count: {@code 12,345}. */
  public static String number(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** Milliseconds: two decimals below 10, one above. */
  public static String millis(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }

  /** A ratio: three decimals below 0.1, two above. */
  public static String ratio(double v) {
    return String.format(Locale.ROOT, v < 0.1 ? "%.3f" : "%.2f", v);
  }

  /** {@code 12.3 s}. */
  public static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
