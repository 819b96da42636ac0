package io.hyrelog.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many operations run per key, each key capped. A key's entry exists only while its count is
 * above zero, so memory is bounded by what runs. Thread-safe.
 */
final class InFlightCounts<K> {
  private final ConcurrentHashMap<K, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** Counts one more for {@code key} unless it has {@code max} already; says whether it did. */
  boolean tryAcquire(K key, int max) {
    boolean[] ok = {false};
    counts.compute(key, (k, n) -> {
      AtomicInteger c = n == null ? new AtomicInteger() : n;
      if (c.get() < max) {
        c.incrementAndGet();
        ok[0] = true;
      }
      return c.get() == 0 ? null : c;
    });
    return ok[0];
  }

  /** Counts one less for {@code key} (once per successful {@link #tryAcquire}). */
  void release(K key) {
    counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() == 0 ? null : n);
  }

  /** Keys with operations running. */
  int keys() {
    return counts.size();
  }
}
