package io.hyrelog.benchmarks.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The measuring loop of the load drivers: N threads repeat an operation through a warm-up and
 * a measured window; what completes inside the window is counted (operations, units such as
 * events, exact latencies), what completes at any time is counted too (every unit the system
 * acknowledged, for the end-of-run check). The first failure stops every thread.
 */
public final class LoadWindow {
  private LoadWindow() {}

  /** One thread's operation, repeated; {@link #step} returns the units (events) it completed. */
  public interface Worker extends AutoCloseable {
    int step() throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** Creates thread {@code index}'s worker, on that thread, before the warm-up starts. */
  @FunctionalInterface
  public interface WorkerFactory {
    Worker create(int index) throws Exception;
  }

  /** Called on the driving thread at the window's start and end (CPU, sockets, samplers). */
  public interface Observer {
    default void windowStart() throws Exception {}

    default void windowEnd(double seconds) throws Exception {}
  }

  /**
   * What a run measured.
   *
   * @param operations operations completed inside the window
   * @param units units of those operations
   * @param totalUnits units of every completed operation (warm-up and drain included)
   * @param latencies wall times of the operations completed inside the window
   */
  public record Measurement(long operations, long units, long totalUnits, double seconds,
      Latencies latencies, Instant windowStart, Instant windowEnd) {
    public double unitsPerSecond() {
      return units / seconds;
    }

    public double operationsPerSecond() {
      return operations / seconds;
    }
  }

  /** Per-thread tallies. */
  private static final class Tally {
    final Latencies latencies = new Latencies();
    long operations;
    long units;
    long total;
  }

  /**
   * Runs {@code threads} workers (daemon threads named {@code threadName-i}) for the warm-up
   * and the window, then waits for each to finish its last operation.
   *
   * @throws IllegalStateException when a worker failed (its exception is the cause)
   */
  public static Measurement run(int threads, Duration warmup, Duration measure,
      String threadName, WorkerFactory factory, Observer observer) throws Exception {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean abort = new AtomicBoolean();
    long[] bounds = new long[2]; // window start and end, nanoTime; published by `go`
    List<Tally> tallies = new ArrayList<>(threads);
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int index = i;
      Tally tally = new Tally();
      tallies.add(tally);
      ts[i] = new Thread(() -> {
        Worker worker = null;
        try {
          worker = factory.create(index);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          abort.set(true);
        }
        ready.countDown();
        try {
          go.await();
          if (worker == null) {
            return;
          }
          long start = bounds[0];
          long end = bounds[1];
          while (!abort.get()) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
              break;
            }
            int k = worker.step();
            long t1 = System.nanoTime();
            tally.total += k;
            if (t1 >= start && t1 < end) {
              tally.operations++;
              tally.units += k;
              tally.latencies.record(t1 - t0);
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          abort.set(true);
        } finally {
          if (worker != null) {
            try {
              worker.close();
            } catch (Exception e) {
              failure.compareAndSet(null, e);
            }
          }
        }
      }, threadName + "-" + i);
      ts[i].setDaemon(true);
      ts[i].start();
    }
    ready.await();
    long now = System.nanoTime();
    bounds[0] = now + warmup.toNanos();
    bounds[1] = bounds[0] + measure.toNanos();
    go.countDown();
    sleepUntil(bounds[0], abort);
    Instant windowStart = Instant.now();
    observer.windowStart();
    sleepUntil(bounds[1], abort);
    Instant windowEnd = Instant.now();
    double seconds = (bounds[1] - bounds[0]) / 1e9;
    observer.windowEnd(seconds);
    for (Thread t : ts) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
    }
    long operations = 0;
    long units = 0;
    long total = 0;
    List<Latencies> latencies = new ArrayList<>(threads);
    for (Tally t : tallies) {
      operations += t.operations;
      units += t.units;
      total += t.total;
      latencies.add(t.latencies);
    }
    return new Measurement(operations, units, total, seconds, Latencies.merge(latencies),
        windowStart, windowEnd);
  }

  private static void sleepUntil(long deadline, AtomicBoolean abort) throws InterruptedException {
    long left;
    while (!abort.get() && (left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
    }
  }
}
