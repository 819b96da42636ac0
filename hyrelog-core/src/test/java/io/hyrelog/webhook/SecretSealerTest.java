package io.hyrelog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretSealerTest {
  private static final String KEY = "000102030405060708090a0b0c0d0e0f"
      + "101112131415161718191a1b1c1d1e1f";
  private static final UUID ENDPOINT = UUID.fromString("0192f0c1-0000-7000-8000-0000000000e1");
  private final SecretSealer sealer = SecretSealer.fromHex(KEY);

  @Test
  void seal_thenOpen_sameSecret_nonceTagAndCiphertextLayout() {
    WebhookSecret s = WebhookSecret.generate();
    SealedSecret sealed = sealer.seal(ENDPOINT, s);
    assertThat(sealed.bytes()).hasSize(12 + 32 + 16);
    assertThat(sealer.open(ENDPOINT, sealed)).isEqualTo(s);
    // A fresh nonce each time.
    assertThat(sealer.seal(ENDPOINT, s)).isNotEqualTo(sealed);
  }

  @Test
  void open_anotherEndpoint_refused() {
    SealedSecret sealed = sealer.seal(ENDPOINT, WebhookSecret.generate());
    UUID other = UUID.fromString("0192f0c1-0000-7000-8000-0000000000e2");
    assertThatThrownBy(() -> sealer.open(other, sealed))
        .isInstanceOf(SealedSecretException.class).hasMessageContaining(other.toString());
  }

  @Test
  void open_anotherKeyOrChangedByte_refusedWithoutKeyOrSecret() {
    WebhookSecret s = WebhookSecret.generate();
    SealedSecret sealed = sealer.seal(ENDPOINT, s);
    SecretSealer other = SecretSealer.fromHex(SecretSealer.generateKeyHex());
    assertThatThrownBy(() -> other.open(ENDPOINT, sealed))
        .isInstanceOf(SealedSecretException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY)
            .doesNotContain(s.reveal().substring(6)));
    for (int i = 0; i < sealed.bytes().length; i++) {
      byte[] b = sealed.bytes();
      b[i] ^= 1;
      SealedSecret changed = SealedSecret.of(b);
      assertThatThrownBy(() -> sealer.open(ENDPOINT, changed)).as("byte " + i)
          .isInstanceOf(SealedSecretException.class);
    }
  }

  @Test
  void open_wrongLength_refused() {
    assertThatThrownBy(() -> sealer.open(ENDPOINT, SealedSecret.of(new byte[30])))
        .isInstanceOf(SealedSecretException.class).hasMessageContaining("30 bytes");
  }

  @Test
  void fromHex_badKeys_refusedGivingOnlyTheLength() {
    assertThatThrownBy(() -> SecretSealer.fromHex(KEY.substring(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("62")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY.substring(2)));
    String notHex = "zz" + KEY.substring(2);
    assertThatThrownBy(() -> SecretSealer.fromHex(notHex))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(notHex));
    assertThatThrownBy(() -> SecretSealer.of(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
    assertThat(sealer.toString()).doesNotContain(KEY).contains("masked");
    assertThat(SecretSealer.generateKeyHex()).matches("[0-9a-f]{64}");
  }

  @Test
  void signer_rotation_previousSignsUntilItsEnd() {
    WebhookSecret current = WebhookSecret.generate();
    WebhookSecret previous = WebhookSecret.generate();
    Instant until = Instant.parse("2026-12-02T00:00:00Z");
    WebhookSecrets secrets = new WebhookSecrets(sealer.seal(ENDPOINT, current),
        Optional.of(sealer.seal(ENDPOINT, previous)), Optional.of(until));
    byte[] body = "{}".getBytes();
    String during = sealer.signer(ENDPOINT, secrets, until.minusSeconds(1))
        .headers("d", 1, body).get("webhook-signature");
    String after = sealer.signer(ENDPOINT, secrets, until).headers("d", 1, body)
        .get("webhook-signature");
    String currentOnly = WebhookSigner.of(current).headers("d", 1, body)
        .get("webhook-signature");
    String previousOnly = WebhookSigner.of(previous).headers("d", 1, body)
        .get("webhook-signature");
    assertThat(during).isEqualTo(currentOnly + " " + previousOnly);
    assertThat(after).isEqualTo(currentOnly);
  }
}
