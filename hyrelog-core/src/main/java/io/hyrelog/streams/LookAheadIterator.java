package io.hyrelog.streams;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An iterator that computes each element when it is asked for ({@link #hasNext}) and holds at
 * most that one element: the one way HyreLog writes a lazy, look-ahead iterator (directory
 * walks, paginated listings, line readers, chains read part after part). A subclass implements
 * {@link #computeNext}, returning the next element or {@link #endOfData()}.
 *
 * <pre>{@code
 * Iterator<String> lines = new LookAheadIterator<>() {
 *   protected String computeNext() {
 *     String line = reader.readLine();
 *     return line != null ? line : endOfData();
 *   }
 * };
 * }</pre>
 *
 * <p>Once {@code computeNext} has returned {@code endOfData()} it is never called again. An
 * exception it throws reaches the caller of {@code hasNext} or {@code next}; a later call asks
 * {@code computeNext} again, unless it called {@code endOfData()} before throwing (a check at the
 * end that failed: the iterator has ended). Elements are never {@code null}. {@link #stream} exposes the same
 * elements as an ordered, sequential stream. Not thread-safe, like any iterator.
 *
 * @param <T> the element type
 */
public abstract class LookAheadIterator<T> implements Iterator<T> {
  private enum State { NOT_READY, READY, DONE, COMPUTING }

  private State state = State.NOT_READY;
  private T next;

  /** For subclasses. */
  protected LookAheadIterator() {}

  /**
   * The next element, or {@link #endOfData()} when there is none; called only when the
   * previous element was taken.
   */
  protected abstract T computeNext();

  /** What {@link #computeNext} returns at the end; always {@code null}. */
  protected final T endOfData() {
    state = State.DONE;
    return null;
  }

  @Override
  public final boolean hasNext() {
    switch (state) {
      case READY:
        return true;
      case DONE:
        return false;
      case COMPUTING:
        throw new IllegalStateException("hasNext() called from computeNext()");
      default:
        break;
    }
    state = State.COMPUTING;
    T computed;
    try {
      computed = computeNext();
    } catch (RuntimeException | Error e) {
      if (state == State.COMPUTING) {
        state = State.NOT_READY;
      }
      throw e;
    }
    if (state == State.DONE) {
      return false;
    }
    if (computed == null) {
      state = State.NOT_READY;
      throw new NullPointerException("computeNext() returned null without endOfData()");
    }
    next = computed;
    state = State.READY;
    return true;
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T t = next;
    next = null;
    state = State.NOT_READY;
    return t;
  }

  /**
   * This iterator's remaining elements as a sequential, ordered stream of non-null elements,
   * pulled one at a time. Attach what must be released with {@link Stream#onClose}.
   *
   * @return the stream
   */
  public final Stream<T> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }
}
