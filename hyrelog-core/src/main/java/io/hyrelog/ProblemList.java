package io.hyrelog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The problems a check found, bounded: the first {@link #limit()} are kept, the rest only
 * counted. Every list of violations or problems built from input (request validation, job
 * input, event limits, evidence and export verification) is one of these, so a hostile input
 * with a million bad fields yields a report of the same small size, in constant memory, saying
 * how many problems there were in total.
 *
 * <p>Not thread-safe; one list per check.
 *
 * @param <T> the problem type
 */
public final class ProblemList<T> {
  /** How many problems are kept by default. */
  public static final int DEFAULT_LIMIT = 20;

  private final int limit;
  private final List<T> kept = new ArrayList<>();
  private long total;

  /** A list keeping the first {@value #DEFAULT_LIMIT} problems. */
  public ProblemList() {
    this(DEFAULT_LIMIT);
  }

  /**
   * A list keeping the first {@code limit} problems.
   *
   * @param limit how many problems to keep, 1..10,000
   * @throws IllegalArgumentException when {@code limit} is not in 1..10,000
   */
  public ProblemList(int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be in 1..10000, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Reports a problem: kept while fewer than {@link #limit()} are, counted always.
   *
   * @param problem the problem
   */
  public void add(T problem) {
    Objects.requireNonNull(problem, "problem");
    total++;
    if (kept.size() < limit) {
      kept.add(problem);
    }
  }

  /**
   * Reports a problem made only when it is kept: past the limit nothing is built, so
   * reporting costs no memory.
   *
   * @param problem makes the problem when it is kept
   */
  public void add(Supplier<? extends T> problem) {
    total++;
    if (kept.size() < limit) {
      kept.add(Objects.requireNonNull(problem.get(), "problem"));
    }
  }

  /**
   * Counts {@code n} more problems that were not reported one by one (none is kept).
   *
   * @param n the number of problems, not negative
   */
  public void addUnreported(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    total += n;
  }

  /**
   * The problems kept, in the order reported; at most {@link #limit()}.
   *
   * @return the kept problems, unmodifiable
   */
  public List<T> kept() {
    return Collections.unmodifiableList(kept);
  }

  /**
   * How many problems were reported in all, kept or not.
   *
   * @return the total count
   */
  public long total() {
    return total;
  }

  /**
   * Whether problems were reported beyond those kept.
   *
   * @return true when some were not kept
   */
  public boolean truncated() {
    return total > kept.size();
  }

  /**
   * Whether no problem was reported.
   *
   * @return true when none was reported
   */
  public boolean isEmpty() {
    return total == 0;
  }

  /**
   * How many problems are kept at most.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  @Override
  public String toString() {
    return kept + (truncated() ? " (" + total + " in all)" : "");
  }
}
