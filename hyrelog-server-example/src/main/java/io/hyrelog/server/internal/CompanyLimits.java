package io.hyrelog.server.internal;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-company caps on the operations that read whole chains or write large files, so one
 * tenant's loop of them cannot take the database or disk from the others: over its cap a
 * request is refused at once with 429 CONCURRENCY_LIMITED and {@code Retry-After}. Entries
 * exist only while operations run, so memory is bounded by what is in flight. Thread-safe.
 */
public final class CompanyLimits {
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** What is capped, and how the refusal names it. */
  public enum Kind {
    VERIFY("chain verifications"),
    CHECKPOINT("checkpoint computations"),
    EXPORT("exports and event streams"),
    EVIDENCE("evidence bundle operations");

    private final String what;

    Kind(String what) {
      this.what = what;
    }
  }

  private record Slot(UUID company, Kind kind) {}

  private final Map<Kind, Integer> caps = new EnumMap<>(Kind.class);
  private final InFlightCounts<Slot> running = new InFlightCounts<>();

  /** Each argument: how many operations of that kind one company may run at once. */
  public CompanyLimits(int verify, int checkpoints, int exports, int evidence) {
    caps.put(Kind.VERIFY, verify);
    caps.put(Kind.CHECKPOINT, checkpoints);
    caps.put(Kind.EXPORT, exports);
    caps.put(Kind.EVIDENCE, evidence);
  }

  /** A running operation; close it when it ends. */
  @FunctionalInterface
  public interface Permit extends AutoCloseable {
    /** A permit of an operation that needs none (for example one served from stored tiles). */
    Permit NONE = () -> { };

    @Override
    void close();
  }

  /**
   * Starts an operation of {@code kind} for {@code company}.
   *
   * @throws ApiException 429 CONCURRENCY_LIMITED when the company runs its cap of them
   */
  public Permit acquire(UUID company, Kind kind) {
    Slot slot = new Slot(company, kind);
    int cap = caps.get(kind);
    if (!running.tryAcquire(slot, cap)) {
      throw new ApiException(ErrorCode.CONCURRENCY_LIMITED, "this company already runs " + cap
          + " " + kind.what + " at once, its limit; retry when one has finished (after the"
          + " Retry-After delay)", List.of(), RETRY);
    }
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic
        .AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        running.release(slot);
      }
    };
  }
}
