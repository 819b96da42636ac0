package io.hyrelog.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void header_firstColumnLeftOthersRight() {
    assertThat(Markdown.header("scenario", "threads", "events/s"))
        .isEqualTo("| scenario | threads | events/s |\n|---|---:|---:|\n");
    assertThat(Markdown.row("a", 1, "2")).isEqualTo("| a | 1 | 2 |\n");
    assertThat(Markdown.bullets(List.of("x", "y"))).isEqualTo("- x\n- y\n");
  }

  @Test
  void formats_precisionBySize() {
    assertThat(Markdown.number(12345.6)).isEqualTo("12,346");
    assertThat(Markdown.millis(3.14159)).isEqualTo("3.14");
    assertThat(Markdown.millis(31.4159)).isEqualTo("31.4");
    assertThat(Markdown.ratio(0.0512)).isEqualTo("0.051");
    assertThat(Markdown.ratio(1.234)).isEqualTo("1.23");
    assertThat(Markdown.seconds(Duration.ofMillis(12_340))).isEqualTo("12.3 s");
  }
}
