package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProblemListTest {
  @Test
  void add_pastTheLimit_keepsTheFirstAndCountsAll() {
    ProblemList<String> p = new ProblemList<>(3);
    for (int i = 0; i < 10; i++) {
      p.add("p" + i);
    }
    assertThat(p.kept()).containsExactly("p0", "p1", "p2");
    assertThat(p.total()).isEqualTo(10);
    assertThat(p.truncated()).isTrue();
    assertThat(p.isEmpty()).isFalse();
    assertThat(p).hasToString("[p0, p1, p2] (10 in all)");
  }

  @Test
  void addSupplier_pastTheLimit_buildsNothing() {
    ProblemList<String> p = new ProblemList<>();
    AtomicInteger built = new AtomicInteger();
    for (int i = 0; i < 1_000_000; i++) {
      p.add(() -> "problem " + built.incrementAndGet());
    }
    assertThat(built).hasValue(ProblemList.DEFAULT_LIMIT);
    assertThat(p.kept()).hasSize(20).first().isEqualTo("problem 1");
    assertThat(p.total()).isEqualTo(1_000_000);
  }

  @Test
  void addUnreported_countsWithoutKeeping() {
    ProblemList<String> p = new ProblemList<>();
    p.add("a");
    p.addUnreported(41);
    assertThat(p.kept()).containsExactly("a");
    assertThat(p.total()).isEqualTo(42);
    assertThat(p.truncated()).isTrue();
    assertThatIllegalArgumentException().isThrownBy(() -> p.addUnreported(-1));
  }

  @Test
  void empty_notTruncated() {
    ProblemList<String> p = new ProblemList<>();
    assertThat(p.isEmpty()).isTrue();
    assertThat(p.truncated()).isFalse();
    assertThat(p.kept()).isEmpty();
  }

  @Test
  void constructor_limitOutOfRange_refusedNamingIt() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ProblemList<String>(0))
        .withMessageContaining("limit");
    assertThatIllegalArgumentException().isThrownBy(() -> new ProblemList<String>(10_001));
  }

  @Test
  void invalidEventException_manyViolations_keepsTwentyAndAShortMessage() {
    ProblemList<InvalidEventException.Violation> v = new ProblemList<>();
    for (int i = 0; i < 5_000; i++) {
      v.add(new InvalidEventException.Violation("/events/" + i + "/category",
          InvalidEventException.Code.REQUIRED, "is required"));
    }
    InvalidEventException e = new InvalidEventException(v);
    assertThat(e.violations()).hasSize(20);
    assertThat(e.violationCount()).isEqualTo(5_000);
    assertThat(e.getMessage()).endsWith("5000 violations in all").hasSizeLessThan(1_000);
    // The list constructor bounds the same way.
    assertThat(new InvalidEventException(java.util.Collections.nCopies(100,
        v.kept().get(0))).violations()).hasSize(20);
  }
}
