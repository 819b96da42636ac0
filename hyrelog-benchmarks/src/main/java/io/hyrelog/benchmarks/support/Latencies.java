package io.hyrelog.benchmarks.support;

import java.util.Arrays;
import java.util.Collection;

/**
 * Operation latencies in nanoseconds, exact: one recorder per thread ({@link #record}), merged
 * and sorted for the report ({@link #merge}); percentiles by nearest rank. Not thread-safe.
 */
public final class Latencies {
  private long[] values = new long[4096];
  private int n;
  private boolean sorted = true;

  public void record(long nanos) {
    if (n == values.length) {
      values = Arrays.copyOf(values, n * 2);
    }
    values[n++] = nanos;
    sorted = false;
  }

  public int count() {
    return n;
  }

  /** All values of {@code parts}, sorted. */
  public static Latencies merge(Collection<Latencies> parts) {
    Latencies all = new Latencies();
    all.values = new long[Math.max(1, parts.stream().mapToInt(Latencies::count).sum())];
    for (Latencies p : parts) {
      System.arraycopy(p.values, 0, all.values, all.n, p.n);
      all.n += p.n;
    }
    Arrays.sort(all.values, 0, all.n);
    all.sorted = true;
    return all;
  }

  /** The nearest-rank {@code p} percentile in nanoseconds; 0 when there are none. */
  public long percentile(double p) {
    sort();
    return percentile(values, n, p);
  }

  /** {@link #percentile} in milliseconds. */
  public double percentileMillis(double p) {
    return percentile(p) / 1e6;
  }

  /** The largest value in milliseconds; 0 when there are none. */
  public double maxMillis() {
    sort();
    return n == 0 ? 0 : values[n - 1] / 1e6;
  }

  /** Nearest-rank percentile of sorted values; 0 when there are none. */
  public static long percentile(long[] sorted, double p) {
    return percentile(sorted, sorted.length, p);
  }

  private static long percentile(long[] sorted, int n, double p) {
    if (n == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, n);
      sorted = true;
    }
  }
}
