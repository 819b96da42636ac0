package io.hyrelog.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LookAheadIteratorTest {

  /** Counts 1..n, recording each computation. */
  private static final class Counter extends LookAheadIterator<Integer> {
    final List<String> log = new ArrayList<>();
    private final int n;
    private int i;

    Counter(int n) {
      this.n = n;
    }

    @Override
    protected Integer computeNext() {
      if (i == n) {
        log.add("end");
        return endOfData();
      }
      log.add("compute " + (i + 1));
      return ++i;
    }
  }

  @Test
  void hasNext_computesOneElementAheadOnly() {
    Counter c = new Counter(3);
    assertThat(c.log).isEmpty(); // nothing computed before it is asked for
    assertThat(c.hasNext()).isTrue();
    assertThat(c.hasNext()).isTrue();
    assertThat(c.log).containsExactly("compute 1");
    assertThat(c.next()).isEqualTo(1);
    assertThat(c.next()).isEqualTo(2);
    assertThat(c.log).containsExactly("compute 1", "compute 2");
  }

  @Test
  void next_afterEnd_throwsAndNeverComputesAgain() {
    Counter c = new Counter(1);
    assertThat(c.next()).isEqualTo(1);
    assertThat(c.hasNext()).isFalse();
    assertThat(c.hasNext()).isFalse();
    assertThatThrownBy(c::next).isInstanceOf(NoSuchElementException.class);
    assertThat(c.log).containsExactly("compute 1", "end");
  }

  @Test
  void computeNext_throws_exceptionReachesCallerAndNextCallRetries() {
    Iterator<String> it = new LookAheadIterator<>() {
      private int calls;

      @Override
      protected String computeNext() {
        calls++;
        if (calls == 1) {
          throw new IllegalStateException("source failed");
        }
        return calls == 2 ? "second try" : endOfData();
      }
    };
    assertThatThrownBy(it::hasNext).hasMessage("source failed");
    assertThat(it.next()).isEqualTo("second try");
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void computeNext_returnsNullWithoutEnd_rejected() {
    Iterator<String> it = new LookAheadIterator<>() {
      @Override
      protected String computeNext() {
        return null;
      }
    };
    assertThatThrownBy(it::hasNext).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("endOfData");
  }

  @Test
  void stream_pullsLazilyAndRunsOnClose() {
    Counter c = new Counter(1_000_000);
    List<String> closed = new ArrayList<>();
    try (Stream<Integer> s = c.stream().onClose(() -> closed.add("closed"))) {
      assertThat(s.limit(2)).containsExactly(1, 2);
    }
    assertThat(c.log).hasSizeLessThan(10);
    assertThat(closed).containsExactly("closed");
  }
}
