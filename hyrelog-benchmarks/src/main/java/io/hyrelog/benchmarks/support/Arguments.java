package io.hyrelog.benchmarks.support;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A load driver's command line, read flag by flag, and its {@code main}'s ending: the report
 * on stdout and exit 0, or the failure on stderr and exit 1; a bad argument exits 2.
 *
 * <pre>{@code
 * Arguments a = new Arguments(args, "usage: Driver [--seconds N]");
 * while (a.hasNext()) {
 *   switch (a.next()) {
 *     case "--seconds" -> cfg = cfg.withMeasure(a.seconds());
 *     default -> a.unknown();
 *   }
 * }
 * }</pre>
 */
public final class Arguments {
  private final String[] args;
  private final String usage;
  private int at;
  private String flag;

  public Arguments(String[] args, String usage) {
    this.args = args.clone();
    this.usage = usage;
  }

  public boolean hasNext() {
    return at < args.length;
  }

  /** The next flag; {@code -h} and {@code --help} print the usage and exit 0. */
  public String next() {
    flag = args[at++];
    if (flag.equals("-h") || flag.equals("--help")) {
      System.out.println(usage);
      System.exit(0);
    }
    return flag;
  }

  /** The current flag's value. */
  public String value() {
    if (at >= args.length) {
      throw bad(flag + " needs a value");
    }
    return args[at++];
  }

  /** The current flag's value in seconds (fractions allowed). */
  public Duration seconds() {
    String v = value();
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      throw bad(flag + " needs a number of seconds, got " + v);
    }
  }

  public long longValue() {
    String v = value();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(flag + " needs a whole number, got " + v);
    }
  }

  public int intValue() {
    long v = longValue();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw bad(flag + " is out of range: " + v);
    }
    return (int) v;
  }

  /** The current flag's comma-separated whole numbers ({@code 1,16,64}). */
  public List<Integer> counts() {
    List<Integer> out = new ArrayList<>();
    for (String c : value().split(",")) {
      try {
        out.add(Integer.parseInt(c.strip()));
      } catch (NumberFormatException e) {
        throw bad(flag + " needs comma-separated whole numbers, got " + c);
      }
    }
    return out;
  }

  /** Reports an unknown flag and exits 2. */
  public void unknown() {
    System.err.println("unknown argument: " + flag + " (try --help)");
    System.err.println(usage);
    System.exit(2);
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }

  /**
   * Runs a driver and exits: the Markdown report on stdout and status 0, or the failure on
   * stderr and status 1 (a bad argument: 2). Exiting ends what a run leaves behind (an embedded
   * PostgreSQL's shutdown hook, pools' and clients' daemon threads).
   */
  public static void report(Callable<String> run) {
    PrintStream err = System.err;
    int status = 0;
    try {
      System.out.println(run.call());
    } catch (IllegalArgumentException e) {
      err.println("bad argument: " + e.getMessage());
      status = 2;
    } catch (Exception e) {
      err.println("benchmark failed: " + e);
      e.printStackTrace(err);
      status = 1;
    }
    System.exit(status);
  }
}
