package io.hyrelog.benchmarks.support;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * CPU over a measured window, in cores: the whole machine (busy and iowait), and each named
 * counter (this JVM, a server process, PostgreSQL, a thread). A counter that reads -1 is
 * unknown and left out. Not thread-safe: one window at a time.
 */
public final class CpuMeter {
  private final Map<String, LongSupplier> counters = new LinkedHashMap<>();
  private boolean rest;
  private long[] machine0;
  private long[] values0;

  /** CPU time of this JVM in nanoseconds; -1 when the platform does not say. */
  public static long thisJvmNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  /** Jiffies of {@link Machine#postgresJiffies} as nanoseconds; -1 stays unknown. */
  public static long jiffiesToNanos(long jiffies) {
    return jiffies < 0 ? -1 : jiffies * (1_000_000_000L / Machine.CLK_TCK);
  }

  /** Adds a counter of CPU nanoseconds, reported as {@code name}. */
  public CpuMeter add(String name, LongSupplier nanos) {
    counters.put(name, nanos);
    return this;
  }

  /**
   * Also reports what the machine spent beyond the counters (other processes, the kernel);
   * only meaningful when the counters do not overlap.
   */
  public CpuMeter withRest() {
    this.rest = true;
    return this;
  }

  public void start() {
    machine0 = Machine.machineJiffies();
    values0 = read();
  }

  /** {@code CPU (cores): machine …, name …}, or empty when nothing could be read. */
  public Optional<String> stop(double seconds) {
    long[] machine1 = Machine.machineJiffies();
    long[] values1 = read();
    List<String> cpu = new ArrayList<>();
    double busy = -1;
    if (machine0 != null && machine1 != null) {
      double total = machine1[0] - machine0[0];
      int cores = Runtime.getRuntime().availableProcessors();
      busy = (machine1[1] - machine0[1]) / total * cores;
      cpu.add(String.format(Locale.ROOT, "machine %.2f of %d cores busy (iowait %.2f)", busy,
          cores, (machine1[2] - machine0[2]) / total * cores));
    }
    double ours = 0;
    boolean all = true;
    int i = 0;
    for (String name : counters.keySet()) {
      if (values0[i] >= 0 && values1[i] >= 0) {
        double cores = (values1[i] - values0[i]) / 1e9 / seconds;
        ours += cores;
        cpu.add(String.format(Locale.ROOT, "%s %.2f", name, cores));
      } else {
        all = false;
      }
      i++;
    }
    if (rest && busy >= 0 && all) {
      cpu.add(String.format(Locale.ROOT, "rest (other processes on the machine, kernel) %.2f",
          Math.max(0, busy - ours)));
    }
    return cpu.isEmpty() ? Optional.empty()
        : Optional.of("CPU (cores): " + String.join(", ", cpu));
  }

  private long[] read() {
    long[] v = new long[counters.size()];
    int i = 0;
    for (LongSupplier c : counters.values()) {
      v[i++] = c.getAsLong();
    }
    return v;
  }
}
