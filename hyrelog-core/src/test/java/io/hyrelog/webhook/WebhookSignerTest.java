package io.hyrelog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  // The Standard Webhooks specification's published example (its libraries' test suites use it):
  // this secret, id, timestamp and body sign to this v1 signature.
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330L;
  static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  // The seed header of the same example, computed with openssl (docs/webhooks.md shows how):
  // printf '%s' '1614265330.{"test": 2432232314}' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key>
  static final String SPEC_SEED_SIGNATURE =
      "v1=e96203c6de850e7dc1fde7489ef6140b402d3a5a64fe250cd2eef9830fac1cef";

  @Test
  void headers_specExample_publishedSignature() {
    Map<String, String> h = WebhookSigner.of(WebhookSecret.parse(SPEC_SECRET))
        .headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertThat(h).containsEntry("webhook-id", SPEC_ID)
        .containsEntry("webhook-timestamp", "1614265330")
        .containsEntry("webhook-signature", SPEC_SIGNATURE)
        .containsEntry("x-hyrelog-timestamp", "1614265330")
        .containsEntry("x-hyrelog-signature", SPEC_SEED_SIGNATURE);
    assertThat(h.keySet()).containsExactly("webhook-id", "webhook-timestamp",
        "webhook-signature", "x-hyrelog-timestamp", "x-hyrelog-signature");
  }

  @Test
  void headers_seedSignature_hexHmacOfTimestampDotBody() throws Exception {
    WebhookSecret s = WebhookSecret.generate();
    byte[] body = "{\"seq\":1}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSigner.of(s).headers("d1", 1700000000L, body)
        .get("x-hyrelog-signature");
    // A second computation, by hand from the documented rule.
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(s.reveal().substring(6)),
        "HmacSHA256"));
    String expected = "v1=" + HexFormat.of().formatHex(
        mac.doFinal(("1700000000." + "{\"seq\":1}").getBytes(StandardCharsets.UTF_8)));
    assertThat(header).isEqualTo(expected);
    // The seed's flaw is fixed: another timestamp gives another signature.
    assertThat(WebhookSigner.of(s).headers("d1", 1700000001L, body).get("x-hyrelog-signature"))
        .isNotEqualTo(header);
  }

  @Test
  void headers_rotation_currentFirstThenPrevious_seedWithCurrentOnly() {
    WebhookSecret current = WebhookSecret.generate();
    WebhookSecret old = WebhookSecret.parse(SPEC_SECRET);
    Map<String, String> h = WebhookSigner.of(current, List.of(old))
        .headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    Map<String, String> alone = WebhookSigner.of(current)
        .headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertThat(h.get("webhook-signature"))
        .isEqualTo(alone.get("webhook-signature") + " " + SPEC_SIGNATURE);
    assertThat(h.get("x-hyrelog-signature")).isEqualTo(alone.get("x-hyrelog-signature"));
  }

  @Test
  void headers_badIdOrTimestamp_refused() {
    WebhookSigner s = WebhookSigner.of(WebhookSecret.generate());
    for (String id : new String[] {"", "a.b", "a b", "é", "x".repeat(257)}) {
      assertThatThrownBy(() -> s.headers(id, 1, new byte[0])).as(id)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
    }
    assertThatThrownBy(() -> s.headers("a", -1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }

  @Test
  void of_tooManySecrets_refused() {
    List<WebhookSecret> nine = java.util.Collections.nCopies(8, WebhookSecret.generate());
    assertThatThrownBy(() -> WebhookSigner.of(WebhookSecret.generate(), nine))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
  }
}
