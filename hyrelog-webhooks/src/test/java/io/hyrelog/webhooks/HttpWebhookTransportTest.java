package io.hyrelog.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.net.OutboundPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpWebhookTransportTest {
  private static final URI URL = URI.create("https://hooks.example.com/");

  @Test
  void builder_badValues_rejectedNamingTheParameter() {
    HttpWebhookTransport.Builder b = HttpWebhookTransport.builder(OutboundPolicy.strict());
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofMinutes(11)))
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> b.maxConnections(0)).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> b.maxConnectionsPerHost(-1))
        .hasMessageContaining("maxConnectionsPerHost");
    assertThatThrownBy(() -> b.sslContext(null)).hasMessage("sslContext");
    assertThatThrownBy(() -> HttpWebhookTransport.builder(null)).hasMessage("policy");
  }

  @Test
  void build_inconsistentCombination_rejected() {
    assertThatThrownBy(() -> HttpWebhookTransport.builder(OutboundPolicy.strict())
        .connectTimeout(Duration.ofSeconds(20)).build())
        .hasMessageContaining("connectTimeout (20000 ms) must not exceed requestTimeout");
    assertThatThrownBy(() -> HttpWebhookTransport.builder(OutboundPolicy.strict())
        .maxConnections(4).build())
        .hasMessageContaining("maxConnectionsPerHost (8) must not exceed maxConnections (4)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Webhook-Id", "content-type", "user-agent", "authorization",
      "cookie", "host", "transfer-encoding", "bad name", "x:y", ""})
  void post_headerNotAllowed_illegalArgumentBeforeAnyRequest(String name) {
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(OutboundPolicy.strict())
        .build()) {
      assertThatThrownBy(() -> t.post(URL, Map.of(name, "v"), new byte[0]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void post_headerValueWithLineBreak_illegalArgument() {
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(OutboundPolicy.strict())
        .build()) {
      assertThatThrownBy(() -> t.post(URL, Map.of("webhook-id", "a\r\nx-evil: 1"), new byte[0]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("evil");
    }
  }

  @Test
  void post_refusedUrl_addressRefusedWithoutNetwork() {
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(OutboundPolicy.strict())
        .build()) {
      var r = t.post(URI.create("https://169.254.169.254/latest/meta-data/"), Map.of(),
          new byte[0]);
      assertThat(r.statusCode()).isZero();
      assertThat(r.errorClass()).isEqualTo("ADDRESS_REFUSED");
      assertThat(r.excerpt()).isEmpty();
    }
  }

  @Test
  void completeUtf8_cutSequence_droppedWholeSequencesKept() {
    byte[] b = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
    assertThat(HttpWebhookTransport.completeUtf8(b, 10)).isEqualTo(10);
    assertThat(HttpWebhookTransport.completeUtf8(b, 9)).isEqualTo(6);
    assertThat(HttpWebhookTransport.completeUtf8(b, 7)).isEqualTo(6);
    assertThat(HttpWebhookTransport.completeUtf8(b, 5)).isEqualTo(3);
    assertThat(HttpWebhookTransport.completeUtf8(b, 2)).isEqualTo(1);
    assertThat(HttpWebhookTransport.completeUtf8(b, 1)).isEqualTo(1);
  }
}
