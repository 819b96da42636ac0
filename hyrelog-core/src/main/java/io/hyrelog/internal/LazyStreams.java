package io.hyrelog.internal;

import io.hyrelog.streams.LookAheadIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Concatenation of streams that are opened one at a time, only when the previous one is used
 * up, and closed as soon as they are. Unlike {@code flatMap}, whose {@code iterator()} buffers a
 * whole inner stream before returning its first element, memory stays that of one element: use
 * it for event streams of any length. Not part of the public API.
 */
public final class LazyStreams {
  private LazyStreams() {}

  /** The elements of every part in order; closing the result closes the open part. */
  public static <T> Stream<T> concat(List<? extends Supplier<? extends Stream<? extends T>>> parts) {
    List<Supplier<? extends Stream<? extends T>>> queue = new ArrayList<>(parts);
    Part<T> it = new Part<>(queue);
    return it.stream().onClose(it::close);
  }

  private static final class Part<T> extends LookAheadIterator<T> {
    private final List<Supplier<? extends Stream<? extends T>>> queue;
    private int next;
    private Stream<? extends T> open;
    private Iterator<? extends T> current;

    Part(List<Supplier<? extends Stream<? extends T>>> queue) {
      this.queue = queue;
    }

    @Override
    protected T computeNext() {
      while (current == null || !current.hasNext()) {
        close();
        if (next >= queue.size()) {
          return endOfData();
        }
        open = Objects.requireNonNull(queue.get(next++).get(), "part");
        current = open.iterator();
      }
      return current.next();
    }

    void close() {
      Stream<? extends T> s = open;
      open = null;
      current = null;
      if (s != null) {
        s.close();
      }
    }
  }
}
