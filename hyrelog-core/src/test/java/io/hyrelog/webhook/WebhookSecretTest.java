package io.hyrelog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {
  /** The Standard Webhooks specification's example secret (24 bytes). */
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void generate_always_whsecOf32BytesThatParsesBack() {
    WebhookSecret s = WebhookSecret.generate();
    String text = s.reveal();
    assertThat(text).startsWith("whsec_").hasSize(6 + 44);
    assertThat(Base64.getDecoder().decode(text.substring(6))).hasSize(32);
    assertThat(WebhookSecret.parse(text)).isEqualTo(s);
    assertThat(WebhookSecret.generate()).isNotEqualTo(s);
  }

  @Test
  void generate_sameSeededRandom_sameSecret() throws Exception {
    SecureRandom a = SecureRandom.getInstance("SHA1PRNG");
    a.setSeed(7);
    SecureRandom b = SecureRandom.getInstance("SHA1PRNG");
    b.setSeed(7);
    assertThat(WebhookSecret.generate(a)).isEqualTo(WebhookSecret.generate(b));
  }

  @Test
  void parse_specSecret_24Bytes() {
    assertThat(WebhookSecret.parse(SPEC_SECRET).length()).isEqualTo(24);
  }

  @Test
  void parse_badForms_refusedWithoutShowingTheText() {
    String b64of32 = Base64.getEncoder().encodeToString(new byte[32]);
    String[] bad = {
        "", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WHSEC_" + b64of32,
        "whsec_" + b64of32.replace('=', ' '), "whsec_" + b64of32.substring(0, 43),
        "whsec_" + b64of32 + "=", "whsec_!!!!" + b64of32.substring(4),
        "whsec_" + Base64.getEncoder().encodeToString(new byte[23]),
        "whsec_" + Base64.getEncoder().encodeToString(new byte[65]),
        "whsec_" + Base64.getUrlEncoder().encodeToString(new byte[]{-1, -2, -3}).repeat(8),
        "whsec_" + b64of32.substring(0, 42) + "B=", // a spare bit set
        "whsec_" + "A".repeat(5000)};
    for (String text : bad) {
      assertThatThrownBy(() -> WebhookSecret.parse(text)).as(text)
          .isInstanceOf(InvalidWebhookSecretException.class)
          .satisfies(e -> {
            if (text.length() > 8) {
              assertThat(e.getMessage()).doesNotContain(text.substring(6));
            }
          });
    }
  }

  @Test
  void ofKey_lengthOutOfRange_refused() {
    assertThatThrownBy(() -> WebhookSecret.ofKey(new byte[23]))
        .isInstanceOf(InvalidWebhookSecretException.class).hasMessageContaining("23");
    assertThatThrownBy(() -> WebhookSecret.ofKey(new byte[65]))
        .isInstanceOf(InvalidWebhookSecretException.class).hasMessageContaining("65");
  }

  @Test
  void toString_any_masked() {
    WebhookSecret s = WebhookSecret.parse(SPEC_SECRET);
    assertThat(s.toString()).doesNotContain("MfKQ").contains("masked");
  }
}
