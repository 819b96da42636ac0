package io.hyrelog.server.internal;

import io.hyrelog.DataRegion;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The databases' health as {@code /internal/health} reports it, from a check of its own: a
 * fresh connection (no pool, so it never waits behind requests for one) that must answer the
 * driver's validity check (an empty query) with one-second connect and two-second socket and
 * validation timeouts, on a thread of its own. An
 * answer comes within {@link #ANSWER_WITHIN} whatever the database does; one check per region
 * runs at a time, and its result serves every caller for a second. Thread-safe.
 */
public final class HealthProbe implements AutoCloseable {
  /** The longest {@link #check()} takes. */
  public static final Duration ANSWER_WITHIN = Duration.ofMillis(1500);
  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What a check found. */
  public enum Status { OK, UNREACHABLE, TIMEOUT }

  private final Map<DataRegion, Probe> regions = new EnumMap<>(DataRegion.class);
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hyrelog-health-probe");
    t.setDaemon(true);
    return t;
  });

  /** Probes the database of each of {@code served} at its JDBC URL (with credentials). */
  public HealthProbe(Regions served) {
    served.forEach(r -> regions.put(r.id(), new Probe(r.pools().jdbcUrl())));
  }

  /** Each region's status, within {@link #ANSWER_WITHIN}. */
  public Map<DataRegion, Status> check() {
    long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
    Map<DataRegion, CompletableFuture<Status>> running = new EnumMap<>(DataRegion.class);
    regions.forEach((r, region) -> running.put(r, region.probe()));
    Map<DataRegion, Status> out = new EnumMap<>(DataRegion.class);
    running.forEach((r, f) -> {
      try {
        out.put(r, f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        out.put(r, Status.TIMEOUT);
      } catch (ExecutionException e) {
        out.put(r, Status.UNREACHABLE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.put(r, Status.TIMEOUT);
      }
    });
    return out;
  }

  private final class Probe {
    private final String url;
    private CompletableFuture<Status> current;
    private long startedAt;

    Probe(String url) {
      this.url = url;
    }

    /** The check under way, or one finished less than a second ago, or a new one. */
    synchronized CompletableFuture<Status> probe() {
      long now = System.nanoTime();
      if (current == null || (current.isDone() && now - startedAt > FRESH_NANOS)) {
        startedAt = now;
        current = CompletableFuture.supplyAsync(this::ping, executor);
      }
      return current;
    }

    private Status ping() {
      Properties p = new Properties();
      p.setProperty("connectTimeout", "1");
      p.setProperty("loginTimeout", "1");
      p.setProperty("socketTimeout", "2");
      p.setProperty("logServerErrorDetail", "false");
      try (Connection c = DriverManager.getConnection(url, p)) {
        return c.isValid(2) ? Status.OK : Status.UNREACHABLE;
      } catch (SQLException e) {
        return Status.UNREACHABLE;
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
