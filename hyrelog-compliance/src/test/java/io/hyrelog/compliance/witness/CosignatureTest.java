package io.hyrelog.compliance.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.ExternalNoteSigner;
import io.hyrelog.compliance.SigningException;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosignatureTest {
  private static final String NAME = "witness.example/w1";
  /** The checkpoint of hyrelog-core's test resources (checkpoints/hyrelog-test.checkpoint). */
  private static final String BODY =
      "hyrelog.test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
  private static final Instant TIME = Instant.ofEpochSecond(1_700_000_000L);

  /** Seed bytes 00 01 ... 1f, as the core checkpoint vectors use. */
  static Ed25519NoteSigner witnessKey() {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    return Ed25519NoteSigner.fromSeed(NAME, seed);
  }

  @Test
  void cosign_goldenVector_isStable() {
    Cosignature c = Cosigner.of(witnessKey()).cosign(BODY, TIME);

    assertThat(c.line()).isEqualTo("\u2014 witness.example/w1 519lMgAAAABlU/EAHkBYDL29HeenXhT77"
        + "Ernasl/4c/eIu0ijHFCJCprvEAsB+LQTBvqzcjx+JtYnV6W3O1a4yyKI9xBrt9rL1nnCA==\n");
  }

  @Test
  void cosign_verifiesWithTheJdksOwnEd25519OverTheSpecMessage() throws Exception {
    Cosigner cosigner = Cosigner.of(witnessKey());
    Cosignature c = cosigner.cosign(BODY, TIME);
    byte[] message = ("cosignature/v1\ntime 1700000000\n" + BODY)
        .getBytes(StandardCharsets.UTF_8);
    byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
    spki = Arrays.copyOf(spki, spki.length + 32);
    System.arraycopy(cosigner.verifier().rawPublicKey(), 0, spki, 12, 32);
    PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(pub);
    jdk.update(message);

    assertThat(jdk.verify(c.signature())).isTrue();
    assertThat(c.timestamp()).isEqualTo(1_700_000_000L);
    byte[] line = Base64.getDecoder().decode(c.line().substring(2 + NAME.length() + 1,
        c.line().length() - 1));
    assertThat(line).hasSize(4 + 8 + 64);
    assertThat(ByteBuffer.wrap(line, 4, 8).getLong()).isEqualTo(1_700_000_000L);
    assertThat(Arrays.copyOfRange(line, 12, 76)).isEqualTo(c.signature());
  }

  @Test
  void keyId_isSha256OfNameNewlineTypeFourAndKey() throws Exception {
    CosignatureVerifier v = Cosigner.of(witnessKey()).verifier();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(NAME.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x0a);
    md.update((byte) 0x04);
    md.update(v.rawPublicKey());

    assertThat(v.keyId()).isEqualTo(ByteBuffer.wrap(md.digest()).getInt());
    assertThat(v.keyId()).isNotEqualTo(witnessKey().verifier().keyId());
  }

  @Test
  void verify_changedBodyTimeOrKey_isFalse() {
    Cosigner cosigner = Cosigner.of(witnessKey());
    Cosignature c = cosigner.cosign(BODY, TIME);
    CosignatureVerifier v = cosigner.verifier();
    Cosignature laterTime = new Cosignature(NAME, v.keyId(), c.timestamp() + 1, c.signature());
    byte[] flipped = c.signature();
    flipped[10] ^= 1;

    assertThat(v.verify(BODY, c)).isTrue();
    assertThat(v.verify(BODY.replace("\n8\n", "\n9\n"), c)).isFalse();
    assertThat(v.verify(BODY, laterTime)).isFalse();
    assertThat(v.verify(BODY, new Cosignature(NAME, v.keyId(), c.timestamp(), flipped)))
        .isFalse();
    assertThat(v.verify(BODY, new Cosignature("other.example/w", v.keyId(), c.timestamp(),
        c.signature()))).isFalse();
  }

  @Test
  void verifierKey_roundTripsAndRefusesOtherTypesOrIds() {
    CosignatureVerifier v = Cosigner.of(witnessKey()).verifier();
    String vkey = v.verifierKey();

    assertThat(CosignatureVerifier.parse(vkey)).isEqualTo(v);
    assertThat(vkey).startsWith(NAME + "+" + String.format("%08x", v.keyId()) + "+BA");
    String noteKey = witnessKey().verifier().verifierKey();
    assertThatThrownBy(() -> CosignatureVerifier.parse(noteKey))
        .isInstanceOf(HyrelogException.class).hasMessageContaining("0x04");
    String wrongId = NAME + "+00000000+" + vkey.substring(NAME.length() + 10);
    assertThatThrownBy(() -> CosignatureVerifier.parse(wrongId))
        .isInstanceOf(HyrelogException.class).hasMessageContaining("does not match");
    assertThatThrownBy(() -> CosignatureVerifier.parse("no-plus"))
        .isInstanceOf(HyrelogException.class);
  }

  @Test
  void find_onANote_ignoresOthersAndRejectsABadLineOfTheTrustedKey() {
    Cosigner cosigner = Cosigner.of(witnessKey());
    Cosignature c = cosigner.cosign(BODY, TIME);
    NoteSignature logLine = Ed25519NoteSigner.fromSeed("hyrelog.test", new byte[32]).sign(BODY);
    SignedNote note = new SignedNote(BODY, List.of(logLine, c.toNoteSignature()));
    byte[] bad = c.signature();
    bad[0] ^= 1;
    SignedNote forged = new SignedNote(BODY, List.of(logLine,
        new Cosignature(NAME, c.keyId(), c.timestamp(), bad).toNoteSignature()));

    assertThat(cosigner.verifier().find(note)).contains(c);
    assertThat(cosigner.verifier().find(new SignedNote(BODY, List.of(logLine)))).isEmpty();
    assertThatThrownBy(() -> cosigner.verifier().find(forged))
        .isInstanceOf(InvalidSignatureException.class);
    assertThat(Cosignature.from(c.toNoteSignature())).isEqualTo(c);
  }

  @Test
  void cosigner_overAnExternalBackend_checksWhatTheBackendReturns() throws Exception {
    Ed25519NoteSigner real = witnessKey();
    byte[] pub = real.verifier().rawPublicKey();
    Cosigner viaKms = Cosigner.of(NAME, pub, message -> real.sign(
        new String(message, StandardCharsets.UTF_8)).signature());
    Ed25519NoteSigner other = Ed25519NoteSigner.fromSeed(NAME, new byte[32]);
    Cosigner wrongKey = Cosigner.of(ExternalNoteSigner.of(NAME, pub, message -> other.sign(
        new String(message, StandardCharsets.UTF_8)).signature()));

    assertThat(viaKms.cosign(BODY, TIME)).isEqualTo(Cosigner.of(real).cosign(BODY, TIME));
    assertThatThrownBy(() -> wrongKey.cosign(BODY, TIME)).isInstanceOf(SigningException.class);
  }

  @Test
  void values_outOfRange_areRejected() {
    Cosigner cosigner = Cosigner.of(witnessKey());
    assertThatIllegalArgumentException().isThrownBy(
        () -> cosigner.cosign(BODY, Instant.EPOCH));
    assertThatIllegalArgumentException().isThrownBy(
        () -> new Cosignature(NAME, 1, 0, new byte[64]));
    assertThatIllegalArgumentException().isThrownBy(
        () -> new Cosignature(NAME, 1, 5, new byte[63]));
    assertThatIllegalArgumentException().isThrownBy(
        () -> Cosignature.from(new NoteSignature(NAME, 1, new byte[64])));
    byte[] zeroTime = new byte[72];
    assertThatIllegalArgumentException().isThrownBy(
        () -> Cosignature.from(new NoteSignature(NAME, 1, zeroTime)));
  }
}
