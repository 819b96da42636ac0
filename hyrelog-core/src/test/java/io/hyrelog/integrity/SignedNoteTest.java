package io.hyrelog.integrity;

import static io.hyrelog.integrity.NoteVerifierTest.ENOCH_KEY;
import static io.hyrelog.integrity.NoteVerifierTest.PETER_KEY;
import static io.hyrelog.integrity.NoteVerifierTest.PETER_TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignedNoteTest {
  // Signature lines from golang.org/x/mod/sumdb/note note_test.go (TestOpen).
  private static final String PETER_SIG =
      "\u2014 PeterNeumann"
          + " x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  private static final String ENOCH_SIG =
      "\u2014 EnochRoot"
          + " rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

  private static final NoteVerifier PETER = NoteVerifier.parse(PETER_KEY);
  private static final NoteVerifier ENOCH = NoteVerifier.parse(ENOCH_KEY);

  @Test
  void parse_goPeterNeumannNote_splitsTextAndSignature() {
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG);

    assertThat(note.text()).isEqualTo(PETER_TEXT);
    assertThat(note.signatures()).containsExactly(NoteVerifierTest.peterSignature());
  }

  @Test
  void format_parsedGoNotes_reproducesInputExactly() {
    String single = PETER_TEXT + "\n" + PETER_SIG;
    String both = PETER_TEXT + "\n" + PETER_SIG + ENOCH_SIG;

    assertThat(SignedNote.parse(single).format()).isEqualTo(single);
    assertThat(SignedNote.parse(both).format()).isEqualTo(both);
  }

  @Test
  void parse_c2spSignedNoteExample_keepsBlankLinesInsideText() {
    String text =
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito"
            + " sera.\n";
    String note =
        text
            + "\n"
            + "\u2014 quasimodo.example/salvatore"
            + " NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

    SignedNote parsed = SignedNote.parse(note);

    assertThat(parsed.text()).isEqualTo(text);
    assertThat(parsed.signatures())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.keyName()).isEqualTo("quasimodo.example/salvatore");
              assertThat(s.signature()).hasSize(64);
            });
    assertThat(parsed.format()).isEqualTo(note);
  }

  @Test
  void verify_goNoteWithTrustedPeter_returnsPeter() {
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG);

    assertThat(note.verify(List.of(PETER))).containsExactly(PETER);
  }

  @Test
  void verify_unknownEnochSignatureBesidePeter_isIgnored() {
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG + ENOCH_SIG);

    assertThat(note.verify(List.of(PETER))).containsExactly(PETER);
    assertThat(note.verify(List.of(ENOCH, PETER))).containsExactly(PETER, ENOCH);
  }

  @Test
  void verify_onlyUnknownSigner_throwsNamingTheSigner() {
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG);

    assertThatThrownBy(() -> note.verify(List.of(ENOCH)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("no signature from a trusted key")
        .hasMessageContaining("PeterNeumann+c74f20a3");
    assertThatThrownBy(() -> note.verify(List.of())).isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void verify_trustedSignerWithCorruptSignature_throwsNamingKey() {
    // Go's TestOpen corruption: "ABCD" spliced into the base64.
    String corrupt = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + corrupt);

    assertThatThrownBy(() -> note.verify(List.of(PETER)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessage("signature from trusted key PeterNeumann+c74f20a3 does not verify");
  }

  @Test
  void verify_corruptTrustedBesideValidTrusted_stillThrows() {
    String corrupt = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG + corrupt);

    assertThatThrownBy(() -> note.verify(List.of(PETER)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("PeterNeumann+c74f20a3");
  }

  @Test
  void verify_tamperedText_throws() {
    SignedNote note =
        SignedNote.parse(PETER_TEXT.replace("cryptography", "blockchain") + "\n" + PETER_SIG);

    assertThatThrownBy(() -> note.verify(List.of(PETER)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("PeterNeumann+c74f20a3");
  }

  @Test
  void verify_sameNameOtherKeyId_isIgnoredAsUnknown() {
    Ed25519NoteSigner impostor =
        Ed25519NoteSigner.fromSeed("PeterNeumann", Digest.sha256(new byte[] {1}).bytes());
    SignedNote impostorNote = impostor.signNote(PETER_TEXT);
    SignedNote both =
        SignedNote.parse(
            PETER_TEXT
                + "\n"
                + PETER_SIG
                + impostorNote.format().substring(PETER_TEXT.length() + 1));

    assertThat(impostor.verifier().keyId()).isNotEqualTo(PETER.keyId());
    assertThat(both.verify(List.of(PETER))).containsExactly(PETER);
    assertThatThrownBy(() -> impostorNote.verify(List.of(PETER)))
        .isInstanceOf(InvalidSignatureException.class);
  }

  @Test
  void verify_duplicateTrustedVerifier_isAccepted() {
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG);

    assertThat(note.verify(List.of(PETER, ENOCH, NoteVerifier.parse(PETER_KEY))))
        .containsExactly(PETER);
  }

  @Test
  void verify_twoDifferentTrustedKeysWithSameNameAndId_throwsIllegalArgument() {
    // Found by a birthday search: these two raw keys collide on key id ab9fc2a3 under this name.
    NoteVerifier a = NoteVerifier.of("collide.test", collisionKey(8183));
    NoteVerifier b = NoteVerifier.of("collide.test", collisionKey(48562));
    SignedNote note = SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG);

    assertThat(a.keyId()).isEqualTo(b.keyId()).isEqualTo(0xab9fc2a3);
    assertThat(a).isNotEqualTo(b);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> note.verify(List.of(PETER, a, b)))
        .withMessageContaining("collide.test+ab9fc2a3");
  }

  static Stream<Arguments> malformedNotes() {
    String text = PETER_TEXT;
    String sig = PETER_SIG;
    return Stream.of(
        // Go's badMsgs, with "\xff" replaced by a lone surrogate (Java strings cannot hold
        // invalid UTF-8).
        Arguments.of("text only", text),
        Arguments.of("text and blank line only", text + "\n"),
        Arguments.of("no final newline", text + "\n" + sig.substring(0, sig.length() - 1)),
        Arguments.of("leading control character", "\u0001" + text + "\n" + sig),
        Arguments.of("lone high surrogate", "\ud800" + text + "\n" + sig),
        Arguments.of("lone low surrogate", text.replace("you", "y\udc00u") + "\n" + sig),
        Arguments.of(
            "name with a space",
            text
                + "\n"
                + "\u2014 Bad Name"
                + " x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="),
        Arguments.of("line after signatures", text + "\n" + sig + "Unexpected line.\n"),
        // HyreLog's own cases.
        Arguments.of("tab in text", text.replace(' ', '\t') + "\n" + sig),
        Arguments.of("carriage return", text.replace("\n", "\r\n") + "\n" + sig),
        Arguments.of("hyphen instead of em dash", text + "\n" + sig.replace('\u2014', '-')),
        Arguments.of("en dash instead of em dash", text + "\n" + sig.replace('\u2014', '\u2013')),
        Arguments.of("name with plus", text + "\n" + sig.replace("PeterNeumann", "Peter+Neumann")),
        Arguments.of(
            "name with no-break space", text + "\n" + sig.replace("PeterNeumann", "Peter\u00a0N")),
        Arguments.of("empty name", text + "\n" + sig.replace("PeterNeumann", "")),
        Arguments.of("two spaces", text + "\n" + sig.replace(" x08go", "  x08go")),
        Arguments.of("unpadded base64", text + "\n" + sig.replace("=\n", "\n")),
        Arguments.of("base64url", text + "\n" + sig.replace('/', '_')),
        Arguments.of("non-canonical trailing bits", text + "\n" + sig.replace("AM=\n", "AN=\n")),
        Arguments.of("signature too short", text + "\n\u2014 PeterNeumann x08gow==\n"),
        Arguments.of("no signature bytes", text + "\n\u2014 PeterNeumann \n"),
        Arguments.of("no space after name", text + "\n\u2014 PeterNeumann\n"),
        Arguments.of("trailing blank line", text + "\n" + sig + "\n"),
        Arguments.of("101 signatures", text + "\n" + sig.repeat(101)),
        Arguments.of("over 1 MiB", "a".repeat(1 << 20) + "\n\n" + sig),
        Arguments.of(
            "over 1 MiB of UTF-8 in fewer chars", "\u00e9".repeat(600_000) + "\n\n" + sig));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedNotes")
  void parse_malformedNote_throwsMalformedNote(String description, String note) {
    assertThatThrownBy(() -> SignedNote.parse(note)).isInstanceOf(MalformedNoteException.class);
  }

  @Test
  void parse_malformedNote_messageDoesNotEchoContent() {
    assertThatThrownBy(
            () -> SignedNote.parse("secret payload\n\n\u2014 Bad Name c2VjcmV0IHBheWxvYWQ=\n"))
        .isInstanceOf(MalformedNoteException.class)
        .hasMessage("signature line 1 is not canonical standard base64")
        .hasMessageNotContaining("secret");
  }

  @Test
  void parse_sixteenAndOneHundredSignatures_areAccepted() {
    assertThat(SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG.repeat(16)).signatures()).hasSize(16);
    assertThat(SignedNote.parse(PETER_TEXT + "\n" + PETER_SIG.repeat(100)).signatures())
        .hasSize(100);
  }

  @Test
  void parse_nonAsciiNameAndText_roundTrips() {
    Ed25519NoteSigner signer =
        Ed25519NoteSigner.fromSeed(
            "\u65e5\u672c.example/\ud83d\udd12", Digest.sha256(new byte[0]).bytes());
    SignedNote note = signer.signNote("caf\u00e9 \ud83d\udcdc\n\n\u00a0indented\n");

    SignedNote parsed = SignedNote.parse(note.format());

    assertThat(parsed).isEqualTo(note);
    assertThat(parsed.verify(List.of(signer.verifier()))).containsExactly(signer.verifier());
  }

  @Test
  void constructor_invalidTextOrSignatureCount_throwsIllegalArgument() {
    NoteSignature sig = NoteVerifierTest.peterSignature();

    assertThatIllegalArgumentException().isThrownBy(() -> new SignedNote("abc", List.of(sig)));
    assertThatIllegalArgumentException().isThrownBy(() -> new SignedNote("", List.of(sig)));
    assertThatIllegalArgumentException().isThrownBy(() -> new SignedNote("a\tb\n", List.of(sig)));
    assertThatIllegalArgumentException().isThrownBy(() -> new SignedNote(PETER_TEXT, List.of()));
    List<NoteSignature> tooMany = new ArrayList<>();
    for (int i = 0; i <= SignedNote.MAX_SIGNATURES; i++) {
      tooMany.add(sig);
    }
    assertThatIllegalArgumentException().isThrownBy(() -> new SignedNote(PETER_TEXT, tooMany));
  }

  @Test
  void signatures_sourceListMutated_noteUnchanged() {
    List<NoteSignature> sigs = new ArrayList<>(List.of(NoteVerifierTest.peterSignature()));
    SignedNote note = new SignedNote(PETER_TEXT, sigs);
    sigs.clear();

    assertThat(note.signatures()).hasSize(1);
    assertThatThrownBy(() -> note.signatures().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noteSignature_signatureBytes_areDefensivelyCopied() {
    byte[] raw = new byte[] {1, 2, 3};
    NoteSignature sig = new NoteSignature("k", 7, raw);
    raw[0] = 9;
    sig.signature()[1] = 9;

    assertThat(sig.signature()).containsExactly(1, 2, 3);
    assertThat(sig).isEqualTo(new NoteSignature("k", 7, new byte[] {1, 2, 3}));
    assertThat(sig).isNotEqualTo(new NoteSignature("k", 8, new byte[] {1, 2, 3}));
    assertThat(sig).hasToString("NoteSignature[k+00000007]");
  }

  private static byte[] collisionKey(int n) {
    return Digest.sha256(("hyrelog collision " + n).getBytes(StandardCharsets.UTF_8)).bytes();
  }
}
