package io.hyrelog.testkit;

import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ChangeLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link ChangeLog} in memory: it passes {@code ChangeLogContract} like the PostgreSQL
 * adapter, and nothing survives the JVM. A unit of work collects its records on its thread and
 * publishes them all at once when it returns (none when it throws), so records are drained in
 * the order their units completed. The testkit's other in-memory ports write at once and cannot
 * roll back: with them, only the records are atomic. Thread-safe.
 */
public final class InMemoryChangeLog implements ChangeLog {
  private final ThreadLocal<List<Change>> unit = new ThreadLocal<>();
  private final List<Change> pending = new ArrayList<>();
  private final Set<UUID> ids = new HashSet<>();
  private final ConcurrentMap<UUID, ReentrantLock> drains = new ConcurrentHashMap<>();

  @Override
  public <T> T atomically(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (unit.get() != null) {
      return work.get();
    }
    List<Change> records = new ArrayList<>();
    unit.set(records);
    T result;
    try {
      result = work.get();
    } finally {
      unit.remove();
    }
    synchronized (this) {
      for (Change c : records) {
        if (!ids.add(c.id())) {
          throw new AlreadyStoredException("change " + c.id() + " is already stored");
        }
      }
      pending.addAll(records);
    }
    return result;
  }

  @Override
  public void record(Change change) {
    Objects.requireNonNull(change, "change");
    List<Change> records = unit.get();
    if (records == null) {
      throw new IllegalStateException("a change is recorded inside atomically(…), in the"
          + " transaction of the change it records");
    }
    synchronized (this) {
      if (ids.contains(change.id())
          || records.stream().anyMatch(c -> c.id().equals(change.id()))) {
        throw new AlreadyStoredException("change " + change.id() + " is already stored");
      }
    }
    records.add(change);
  }

  @Override
  public synchronized List<UUID> pending(int limit) {
    ChangeLog.requireLimit(limit);
    Set<UUID> companies = new LinkedHashSet<>();
    for (Change c : pending) {
      if (companies.size() == limit) {
        break;
      }
      companies.add(c.companyId());
    }
    return List.copyOf(companies);
  }

  @Override
  public int drain(UUID companyId, int limit, Consumer<Change> append) {
    Objects.requireNonNull(companyId, "companyId");
    ChangeLog.requireLimit(limit);
    Objects.requireNonNull(append, "append");
    if (unit.get() != null) {
      throw new IllegalStateException("drain runs after the unit of work committed, not in it");
    }
    ReentrantLock lock = drains.computeIfAbsent(companyId, k -> new ReentrantLock());
    lock.lock();
    try {
      List<Change> rows;
      synchronized (this) {
        rows = pending.stream().filter(c -> c.companyId().equals(companyId)).limit(limit)
            .toList();
      }
      int n = 0;
      for (Change c : rows) {
        append.accept(c); // a failure keeps c and the records after it
        synchronized (this) {
          pending.remove(c);
        }
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }
}
