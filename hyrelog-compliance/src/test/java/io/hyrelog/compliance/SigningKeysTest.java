package io.hyrelog.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.testkit.SeededKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
  private static final String TEXT = "example.com/log\n0\n"
      + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";

  @Test
  void verify_afterRotation_acceptsOldAndNewSignatures() {
    Ed25519NoteSigner old = SeededKeys.signer("log", 1);
    Ed25519NoteSigner current = SeededKeys.signer("log-2027", 2);
    SigningKeys keys = SigningKeys.of(current, List.of(old.verifier()));
    assertThat(keys.verifiers()).containsExactly(current.verifier(), old.verifier());
    assertThat(keys.isActive(current.verifier())).isTrue();
    assertThat(keys.isActive(old.verifier())).isFalse();
    assertThat(keys.verify(old.signNote(TEXT))).containsExactly(old.verifier());
    assertThat(keys.verify(current.signNote(TEXT))).containsExactly(current.verifier());
    assertThat(keys.find("log", old.verifier().keyId())).contains(old.verifier());
  }

  @Test
  void verify_unknownKey_refused() {
    SigningKeys keys = SigningKeys.of(SeededKeys.signer("log", 1), List.of());
    SignedNote foreign = SeededKeys.signer("log", 9).signNote(TEXT);
    assertThatThrownBy(() -> keys.verify(foreign))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void of_activeListedAsRetired_listedOnce() {
    Ed25519NoteSigner s = SeededKeys.signer("log", 1);
    assertThat(SigningKeys.of(s, List.of(s.verifier())).verifiers()).hasSize(1);
  }

  @Test
  void keyIdHex_isEightLowercaseHexDigits() {
    assertThat(SigningKeys.keyIdHex(SeededKeys.signer("log", 1).verifier())).matches("[0-9a-f]{8}");
  }
}
