package io.hyrelog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LazyStreamsTest {

  @Test
  void concat_iterator_pullsOneElementAtATime() {
    AtomicLong produced = new AtomicLong();
    Supplier<Stream<Long>> big = () -> LongStream.range(0, 1_000_000).boxed()
        .peek(x -> produced.incrementAndGet());
    try (Stream<Long> s = LazyStreams.concat(List.of(big, big))) {
      Iterator<Long> it = s.iterator();
      assertThat(it.next()).isZero();
      assertThat(produced.get()).isLessThan(1_000);
    }
  }

  @Test
  void concat_opensPartsInOrderWhenNeeded_andClosesEach() {
    List<String> log = new ArrayList<>();
    List<Supplier<Stream<Integer>>> parts = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int part = p;
      parts.add(() -> {
        log.add("open " + part);
        return Stream.of(part * 10, part * 10 + 1).onClose(() -> log.add("close " + part));
      });
    }
    Stream<Integer> s = LazyStreams.concat(parts);
    assertThat(log).isEmpty();
    Iterator<Integer> it = s.iterator();
    assertThat(it.next()).isZero();
    assertThat(log).containsExactly("open 0");
    assertThat(it.next()).isEqualTo(1);
    assertThat(it.next()).isEqualTo(10);
    assertThat(log).containsExactly("open 0", "close 0", "open 1");
    s.close();
    assertThat(log).containsExactly("open 0", "close 0", "open 1", "close 1");
  }

  @Test
  void concat_allPartsInOrder_emptyPartsSkipped() {
    List<Supplier<Stream<Integer>>> parts = List.of(Stream::empty, () -> Stream.of(1, 2),
        Stream::empty, () -> Stream.of(3));
    try (Stream<Integer> s = LazyStreams.concat(parts)) {
      assertThat(s.toList()).containsExactly(1, 2, 3);
    }
    try (Stream<Integer> s = LazyStreams.concat(List.<Supplier<Stream<Integer>>>of())) {
      assertThat(s.count()).isZero();
    }
  }
}
