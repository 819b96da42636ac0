package io.hyrelog.testkit;

import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the contract suites of the ports that live in one storage share: a fresh {@link
 * StoragePorts} per test (from {@link #createPorts()}), a virtual clock, an {@link EventLog} on
 * the storage's events with seeded ids, and a way to race callers. An adapter's test class
 * extends a suite (say {@code RestoreRequestsContract}) and supplies the ports.
 */
public abstract class StorageContract {
  protected StoragePorts ports;
  protected MutableClock clock;
  protected EventLog log;

  /** Every port over one fresh, empty storage; called before each test. */
  protected abstract StoragePorts createPorts() throws Exception;

  /** The instant the clock starts at. */
  protected abstract Instant start();

  @BeforeEach
  final void openStoragePorts() throws Exception {
    ports = createPorts();
    clock = new MutableClock(start());
    log = EventLog.builder(ports.events()).clock(clock).idSource(IdSource.seeded(clock, 42))
        .build();
  }

  @AfterEach
  final void closeStoragePorts() throws Exception {
    if (ports != null) {
      ports.close();
    }
  }

  /** Stores a company (and nothing else) as the ports' references need. */
  protected Company company(UUID id, String name) {
    Company c = new Company(id, name, DataRegion.US, PlanTier.GROWTH, PlanOverrides.NONE);
    ports.tenants().createCompany(c);
    return c;
  }

  /** Stores a workspace of a stored company; returns it as a chain reference. */
  protected WorkspaceRef workspace(UUID companyId, UUID id) {
    ports.tenants().createWorkspace(new Workspace(id, companyId, "W " + id));
    return new WorkspaceRef(companyId, id, DataRegion.US);
  }

  /** The outcome of one racer: its result, or what it threw. */
  protected record Outcome<T>(T result, Throwable failure) {
    public boolean won() {
      return failure == null;
    }
  }

  /**
   * Runs {@code racers} at once (each on its own thread, released together) and returns each
   * one's outcome in order; whichever interleaving the threads produce, the caller checks the
   * outcome, never assumes one.
   */
  protected static <T> List<Outcome<T>> race(List<Callable<T>> racers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(racers.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> r : racers) {
        futures.add(pool.submit(() -> {
          go.await();
          return r.call();
        }));
      }
      go.countDown();
      List<Outcome<T>> out = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          out.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          out.add(new Outcome<>(null, e.getCause()));
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
