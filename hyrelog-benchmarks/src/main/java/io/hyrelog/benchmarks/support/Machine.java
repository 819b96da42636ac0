package io.hyrelog.benchmarks.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine a driver runs on, for its report (JDK, cores, CPU model, load) and its CPU
 * observations, read from {@code /proc} on Linux; elsewhere the optional parts are absent.
 */
public final class Machine {
  /** Jiffies per second ({@code USER_HZ} on Linux). */
  public static final long CLK_TCK = 100;

  private Machine() {}

  /** {@code JDK: <vm name> <runtime version>}. */
  public static String jdk() {
    return "JDK: " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version");
  }

  /** {@code Machine: N cores (model), load average at start a / b / c}. */
  public static String description() {
    return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores"
        + cpuModel().map(m -> " (" + m + ")").orElse("")
        + loadAverage().map(l -> ", load average at start " + l).orElse("");
  }

  public static Optional<String> cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public static Optional<String> loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return Optional.of(f[0] + " / " + f[1] + " / " + f[2]);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** total, busy, iowait jiffies of all CPUs; null when /proc is not there. */
  public static long[] machineJiffies() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      return new long[] {total, total - idle - iowait, iowait};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * CPU jiffies of a PostgreSQL postmaster, its reaped children and its live children; -1 when
   * unknown.
   */
  public static long postgresJiffies(long postmaster) {
    long sum = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : dir) {
        long[] s = stat(p);
        if (s == null) {
          continue;
        }
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == postmaster) {
          sum += s[1] + s[2] + s[3] + s[4];
        } else if (s[0] == postmaster) {
          sum += s[1] + s[2];
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return sum;
  }

  /** The parent of process {@code pid}, if it can be read. */
  public static Optional<Long> parentOf(long pid) {
    long[] s = stat(Path.of("/proc", Long.toString(pid)));
    return s == null ? Optional.empty() : Optional.of(s[0]);
  }

  /** ppid, utime, stime, cutime, cstime of /proc/[pid]/stat; null when unreadable. */
  private static long[] stat(Path procDir) {
    try {
      String s = Files.readString(procDir.resolve("stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
          Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
