package io.hyrelog.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The URL corpus in {@code src/test/resources/outbound}: every refused URL with its expected
 * reason, every allowed URL with the form it is returned in.
 */
class OutboundUrlCorpusTest {
  private static final OutboundPolicy STRICT = OutboundPolicy.builder()
      .hostLookup(host -> {
        throw new AssertionError("checkUrl must not resolve names, asked for " + host);
      })
      .build();

  static Stream<Arguments> refused() throws IOException {
    return lines("refused-urls.txt").stream().map(line -> {
      int space = line.indexOf(' ');
      return Arguments.of(OutboundRefusal.valueOf(line.substring(0, space)),
          line.substring(space + 1));
    });
  }

  static Stream<Arguments> allowed() throws IOException {
    return lines("allowed-urls.txt").stream().map(line -> {
      String[] parts = line.split(" -> ", 2);
      return Arguments.of(parts[0], parts[1]);
    });
  }

  @ParameterizedTest(name = "{1} -> {0}")
  @MethodSource("refused")
  void checkUrl_refusedCorpus_refusedWithItsReason(OutboundRefusal expected, String url) {
    assertThatThrownBy(() -> STRICT.checkUrl(url))
        .isInstanceOfSatisfying(OutboundRefusedException.class,
            e -> assertThat(e.refusal()).as(e.getMessage()).isEqualTo(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allowed")
  void checkUrl_allowedCorpus_returnsNormalizedUrl(String url, String expected) {
    assertThat(STRICT.checkUrl(url)).isEqualTo(URI.create(expected));
  }

  @Test
  void corpus_size_atLeastSixtyRefusedUrlsCoveringEveryReason() throws IOException {
    List<Arguments> all = refused().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(60);
    assertThat(all.stream().map(a -> a.get()[0]).distinct())
        .containsExactlyInAnyOrder(Stream.of(OutboundRefusal.values())
            .filter(r -> r != OutboundRefusal.UNRESOLVABLE_HOST && r != OutboundRefusal.URL_TOO_LONG)
            .toArray());
  }

  private static List<String> lines(String name) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = OutboundUrlCorpusTest.class.getResourceAsStream("/outbound/" + name);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line);
        }
      }
    }
    return out;
  }
}
