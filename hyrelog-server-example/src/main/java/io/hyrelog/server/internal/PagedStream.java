package io.hyrelog.server.internal;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream read page by page: the next page is fetched only when the previous one is used
 * up, so memory is one page and nothing stays open between pages. Not part of the API.
 */
public final class PagedStream {
  private PagedStream() {}

  /**
   * The elements of the pages {@code nextPage} returns, in order, until it returns null (an
   * empty page is skipped, not the end).
   */
  public static <T> Stream<T> of(Supplier<List<T>> nextPage) {
    Iterator<T> it = new Iterator<>() {
      private List<T> page = List.of();
      private int at;
      private boolean done;

      @Override
      public boolean hasNext() {
        while (at >= page.size()) {
          if (done) {
            return false;
          }
          List<T> next = nextPage.get();
          if (next == null) {
            done = true;
            page = List.of();
          } else {
            page = next;
          }
          at = 0;
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(at++);
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }
}
