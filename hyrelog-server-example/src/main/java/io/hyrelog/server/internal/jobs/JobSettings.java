package io.hyrelog.server.internal.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * How this process takes part in running jobs.
 *
 * @param enabled whether it runs jobs at all; a process with false still enqueues runs (others
 *     run them) and still runs synchronous on-demand runs itself
 * @param pollInterval how often each region's scheduler looks for due executions
 * @param heartbeatInterval how often a running execution's heartbeat is written
 * @param missedHeartbeats after how many missed heartbeats (at least 4) an execution counts as
 *     dead and another worker runs it again
 * @param threads executions one region's scheduler runs at once
 * @param workerName this process's name in the history and the scheduler table
 */
public record JobSettings(boolean enabled, Duration pollInterval, Duration heartbeatInterval,
    int missedHeartbeats, int threads, String workerName) {
  public JobSettings {
    positive("pollInterval", pollInterval);
    positive("heartbeatInterval", heartbeatInterval);
    if (missedHeartbeats < 4) {
      throw new IllegalArgumentException("missedHeartbeats must be >= 4, got "
          + missedHeartbeats);
    }
    if (threads < 1 || threads > 100) {
      throw new IllegalArgumentException("threads must be 1..100, got " + threads);
    }
    Objects.requireNonNull(workerName, "workerName");
    if (workerName.isBlank() || workerName.length() > 100) {
      throw new IllegalArgumentException("workerName must be 1..100 characters");
    }
  }

  /** How long a stale heartbeat lasts before its execution is taken over. */
  public Duration deadAfter() {
    return heartbeatInterval.multipliedBy(missedHeartbeats);
  }

  /** A copy with another worker name. */
  public JobSettings withWorkerName(String name) {
    return new JobSettings(enabled, pollInterval, heartbeatInterval, missedHeartbeats, threads,
        name);
  }

  /** {@code <pid>@<host>}, unique per process on a machine. */
  public static String defaultWorkerName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    String n = ProcessHandle.current().pid() + "@" + host;
    return n.length() > 100 ? n.substring(0, 100) : n;
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
