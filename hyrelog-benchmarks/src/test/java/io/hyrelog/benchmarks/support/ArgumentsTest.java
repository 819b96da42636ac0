package io.hyrelog.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  @Test
  void values_ofEachKind_parsed() {
    Arguments a = new Arguments(new String[] {"--seconds", "1.5", "--clients", "1, 16,64",
        "--events", "5000000", "--jar", "x.jar"}, "usage");
    assertThat(a.next()).isEqualTo("--seconds");
    assertThat(a.seconds()).isEqualTo(Duration.ofMillis(1500));
    assertThat(a.next()).isEqualTo("--clients");
    assertThat(a.counts()).containsExactly(1, 16, 64);
    assertThat(a.next()).isEqualTo("--events");
    assertThat(a.longValue()).isEqualTo(5_000_000L);
    assertThat(a.next()).isEqualTo("--jar");
    assertThat(a.value()).isEqualTo("x.jar");
    assertThat(a.hasNext()).isFalse();
  }

  @Test
  void value_missingOrMalformed_namesTheFlag() {
    Arguments a = new Arguments(new String[] {"--warmup", "soon", "--seconds"}, "usage");
    a.next();
    assertThatThrownBy(a::seconds).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--warmup needs a number of seconds, got soon");
    a.next();
    assertThatThrownBy(a::value).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--seconds needs a value");
  }

  @Test
  void intValue_outOfRange_rejected() {
    Arguments a = new Arguments(new String[] {"--rows-per-tx", "99999999999"}, "usage");
    a.next();
    assertThatThrownBy(a::intValue).hasMessageContaining("out of range");
  }
}
