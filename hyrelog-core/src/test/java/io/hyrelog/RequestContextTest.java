package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestContextTest {
  @Test
  void userAgent_controlCharacters_becomeSpaces() {
    assertThat(RequestContext.userAgent("curl/8.5\tx\u0085y\u0000z\u007f"))
        .isEqualTo("curl/8.5 x y z");
  }

  @Test
  void userAgent_tooLong_cutAt1024NeverInsideASurrogatePair() {
    assertThat(RequestContext.userAgent("a".repeat(5000))).hasSize(1024);
    String pairAtTheCut = "a".repeat(1023) + "\ud83d\ude00" + "b";
    assertThat(RequestContext.userAgent(pairAtTheCut)).isEqualTo("a".repeat(1023));
  }

  @Test
  void userAgent_blankOrNull_isNull_loneSurrogateReplaced() {
    assertThat(RequestContext.userAgent(null)).isNull();
    assertThat(RequestContext.userAgent(" \t ")).isNull();
    assertThat(RequestContext.userAgent("x\ud800y")).isEqualTo("x\ufffdy");
  }

  @Test
  void userAgent_normalized_alwaysPassesTheEventLimits() {
    String[] hostile = {"a\tb", "\u0085", "z".repeat(4000), "\ud800", "\u202e agent",
        "\u0001\u0002x"};
    for (String h : hostile) {
      NewEvent e = NewEvent.builder("user", "login")
          .context(new RequestContext(null, null, RequestContext.userAgent(h))).build();
      EventLimits.defaults().check(e, Instant.parse("2026-01-01T00:00:00Z"));
    }
  }
}
