package io.hyrelog.server.internal;

import io.hyrelog.streams.LookAheadIterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

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
    return new LookAheadIterator<T>() {
      private List<T> page = List.of();
      private int at;

      @Override
      protected T computeNext() {
        while (at >= page.size()) {
          List<T> next = nextPage.get();
          if (next == null) {
            return endOfData();
          }
          page = next;
          at = 0;
        }
        return page.get(at++);
      }
    }.stream();
  }
}
