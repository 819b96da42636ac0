package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointTest {
  // The example in C2SP tlog-checkpoint.md.
  private static final String C2SP_BODY =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  private static final String C2SP_NOTE =
      C2SP_BODY
          + "\n"
          + "\u2014 example.com/behind-the-sofa"
          + " Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

  private static final String ROOT_B64 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

  // Root of the eight RFC 6962 reference leaves (see MerkleTreeTest).
  private static final Digest REFERENCE_ROOT_8 =
      Digest.parseHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  @Test
  void parse_c2spExampleBody_readsFieldsAndRendersByteExactly() {
    Checkpoint c = Checkpoint.parse(C2SP_BODY);

    assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(c.size()).isEqualTo(20852163L);
    assertThat(c.root().hex())
        .isEqualTo("0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
    assertThat(c.extensions()).isEmpty();
    assertThat(c.body()).isEqualTo(C2SP_BODY);
  }

  @Test
  void parse_c2spExampleNote_textIsTheCheckpointAndFormatIsByteExact() {
    SignedNote note = SignedNote.parse(C2SP_NOTE);

    assertThat(note.format()).isEqualTo(C2SP_NOTE);
    assertThat(Checkpoint.parse(note.text()).body()).isEqualTo(C2SP_BODY);
    assertThat(note.signatures().get(0).keyName()).isEqualTo("example.com/behind-the-sofa");
  }

  @Test
  void body_withExtensions_roundTrips() {
    Checkpoint c =
        new Checkpoint(
            "hyrelog.test/chain-7", 0, MerkleTree.emptyRoot(), List.of("ext one", "\u2603"));

    String body = c.body();

    assertThat(body)
        .isEqualTo(
            "hyrelog.test/chain-7\n"
                + "0\n"
                + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                + "ext one\n"
                + "\u2603\n");
    assertThat(Checkpoint.parse(body)).isEqualTo(c);
  }

  @Test
  void parse_maximumTreeSize_isAccepted() {
    String body = "o\n9223372036854775807\n" + ROOT_B64 + "\n";

    assertThat(Checkpoint.parse(body).size()).isEqualTo(Long.MAX_VALUE);
  }

  static Stream<Arguments> malformedBodies() {
    String root = ROOT_B64;
    return Stream.of(
        Arguments.of("", "does not end with a newline"),
        Arguments.of("o\n1\n" + root, "does not end with a newline"),
        Arguments.of("o\n1\n", "has 2 line(s)"),
        Arguments.of("\n", "has 1 line(s)"),
        Arguments.of("\n1\n" + root + "\n", "line 1 (origin) is empty"),
        Arguments.of(" o\n1\n" + root + "\n", "line 1 (origin) has leading or trailing whitespace"),
        Arguments.of("o \n1\n" + root + "\n", "line 1 (origin) has leading or trailing whitespace"),
        Arguments.of("o\r\n1\n" + root + "\n", "line 1 (origin)"),
        Arguments.of("o\u0007o\n1\n" + root + "\n", "line 1 (origin) contains a control character"),
        Arguments.of("o\ud800\n1\n" + root + "\n", "line 1 (origin) contains a lone surrogate"),
        Arguments.of("o\n01\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n00\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n+1\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n-1\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n1 \n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n0x10\n" + root + "\n", "line 2 (tree size)"),
        Arguments.of("o\n\u0661\n" + root + "\n", "line 2 (tree size)"), // Arabic-Indic one
        Arguments.of("o\n9223372036854775808\n" + root + "\n", "line 2 (tree size) is larger"),
        Arguments.of("o\n18446744073709551615\n" + root + "\n", "line 2 (tree size) is larger"),
        Arguments.of("o\n1\n\n", "line 3 (root hash)"),
        Arguments.of(
            "o\n1\n" + root.replace("=", "") + "\n", "line 3 (root hash) is not canonical"),
        Arguments.of(
            "o\n1\n" + root.replace("I=", "J=") + "\n", "line 3 (root hash) is not canonical"),
        Arguments.of(
            "o\n1\n" + root.replace('/', '_') + "\n", "line 3 (root hash) is not canonical"),
        Arguments.of("o\n1\n" + root + " \n", "line 3 (root hash) is not canonical"),
        Arguments.of("o\n1\n" + b64(31) + "\n", "line 3 (root hash) has 31 bytes"),
        Arguments.of("o\n1\n" + b64(33) + "\n", "line 3 (root hash) has 33 bytes"),
        Arguments.of("o\n1\n" + root + "\n\n", "line 4 (extension) is empty"),
        Arguments.of("o\n1\n" + root + "\nx\n\ny\n", "line 5 (extension) is empty"),
        Arguments.of("o\n1\n" + root + "\nx\ty\n", "line 4 (extension) contains a control"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedBodies")
  void parse_malformedBody_throwsNamingTheLine(String body, String expectedMessage) {
    assertThatThrownBy(() -> Checkpoint.parse(body))
        .isInstanceOf(MalformedCheckpointException.class)
        .hasMessageContaining(expectedMessage)
        .hasMessageNotContaining("\n");
  }

  @Test
  void constructor_invalidComponents_throwIllegalArgument() {
    Digest root = MerkleTree.emptyRoot();

    assertThatIllegalArgumentException().isThrownBy(() -> new Checkpoint("", 0, root));
    assertThatIllegalArgumentException().isThrownBy(() -> new Checkpoint("a\nb", 0, root));
    assertThatIllegalArgumentException().isThrownBy(() -> new Checkpoint("\u2003a", 0, root));
    assertThatIllegalArgumentException().isThrownBy(() -> new Checkpoint("a", -1, root));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Checkpoint("a", 0, root, List.of("")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Checkpoint("a", 0, root, List.of("x\ny")));
  }

  @Test
  void extensions_sourceListMutated_checkpointUnchanged() {
    List<String> extensions = new ArrayList<>(List.of("one"));
    Checkpoint c = new Checkpoint("a", 0, MerkleTree.emptyRoot(), extensions);
    extensions.add("two");

    assertThat(c.extensions()).containsExactly("one");
    assertThatThrownBy(() -> c.extensions().add("three"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void golden_checkpointBody_matchesFileByteExactly() throws IOException {
    Checkpoint c = new Checkpoint("hyrelog.test", 8, referenceTree().root());

    assertThat(c.root()).isEqualTo(REFERENCE_ROOT_8);
    assertThat(c.body()).isEqualTo(resource("hyrelog-test.checkpoint"));
    assertThat(Checkpoint.parse(resource("hyrelog-test.checkpoint"))).isEqualTo(c);
  }

  @Test
  void golden_signedCheckpoint_matchesFileByteExactly() throws IOException {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("hyrelog.test", seed00to1f());
    Checkpoint c = new Checkpoint("hyrelog.test", 8, REFERENCE_ROOT_8);

    assertThat(signer.verifier().verifierKey() + "\n").isEqualTo(resource("hyrelog-test.vkey"));
    assertThat(signer.signNote(c.body()).format()).isEqualTo(resource("hyrelog-test.note"));
  }

  @Test
  void verifyNote_goldenNoteWithGoldenKey_returnsCheckpoint() throws IOException {
    NoteVerifier trusted = NoteVerifier.parse(resource("hyrelog-test.vkey").strip());

    Checkpoint c = Checkpoint.verifyNote(resource("hyrelog-test.note"), List.of(trusted));

    assertThat(c).isEqualTo(new Checkpoint("hyrelog.test", 8, REFERENCE_ROOT_8));
  }

  @Test
  void verifyNote_tamperedSize_throwsInvalidSignature() throws IOException {
    NoteVerifier trusted = NoteVerifier.parse(resource("hyrelog-test.vkey").strip());
    String tampered = resource("hyrelog-test.note").replace("\n8\n", "\n9\n");

    assertThatThrownBy(() -> Checkpoint.verifyNote(tampered, List.of(trusted)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("hyrelog.test+fae96234");
  }

  @Test
  void verifyNote_untrustedKey_throwsInvalidSignature() throws IOException {
    NoteVerifier other = Ed25519NoteSigner.fromSeed("hyrelog.test", new byte[32]).verifier();

    assertThatThrownBy(() -> Checkpoint.verifyNote(resource("hyrelog-test.note"), List.of(other)))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("no signature from a trusted key");
  }

  @Test
  void verifyNote_validlySignedNonCheckpoint_throwsMalformedCheckpoint() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("hyrelog.test", seed00to1f());
    String note = signer.signNote("hyrelog.test\nnot a size\n" + ROOT_B64 + "\n").format();

    assertThatThrownBy(() -> Checkpoint.verifyNote(note, List.of(signer.verifier())))
        .isInstanceOf(MalformedCheckpointException.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void verifyNote_unsignedBody_throwsMalformedNote() throws IOException {
    NoteVerifier trusted = NoteVerifier.parse(resource("hyrelog-test.vkey").strip());

    assertThatThrownBy(
            () -> Checkpoint.verifyNote(resource("hyrelog-test.checkpoint"), List.of(trusted)))
        .isInstanceOf(MalformedNoteException.class);
  }

  @Test
  void chainVerifyNote_originOfTheSignersLog_returnsChainCheckpoint() {
    Ed25519NoteSigner log = Ed25519NoteSigner.fromSeed("audit.example.com", seed00to1f());
    ChainCheckpoint cp = chainCheckpoint("audit.example.com");
    String note = log.signNote(cp.toCheckpoint().body()).format();

    assertThat(ChainCheckpoint.verifyNote(note, List.of(log.verifier()))).isEqualTo(cp);
  }

  @Test
  void chainVerifyNote_originOfAnotherLog_throwsInvalidSignature() {
    // Two logs' keys trusted at once: log B's key must not vouch for log A's chains.
    Ed25519NoteSigner a = Ed25519NoteSigner.fromSeed("audit.example.com", seed00to1f());
    Ed25519NoteSigner b = Ed25519NoteSigner.fromSeed("other.example.net", new byte[] {
        9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        9, 8});
    String forged = b.signNote(chainCheckpoint("audit.example.com").toCheckpoint().body())
        .format();

    assertThatThrownBy(() -> ChainCheckpoint.verifyNote(forged,
        List.of(a.verifier(), b.verifier())))
        .isInstanceOf(InvalidSignatureException.class)
        .hasMessageContaining("audit.example.com")
        .hasMessageContaining("other.example.net");
  }

  private static ChainCheckpoint chainCheckpoint(String namespace) {
    return new ChainCheckpoint(namespace,
        java.util.UUID.fromString("0190f0f0-0000-7000-8000-000000000007"), 8,
        REFERENCE_ROOT_8, REFERENCE_ROOT_8);
  }

  private static MerkleTree referenceTree() {
    String[] leaves = {
      "",
      "00",
      "10",
      "2021",
      "3031",
      "40414243",
      "5051525354555657",
      "606162636465666768696a6b6c6d6e6f",
    };
    MerkleTree tree = new MerkleTree();
    for (String leaf : leaves) {
      tree.append(MerkleTree.leafHash(HexFormat.of().parseHex(leaf)));
    }
    return tree;
  }

  private static byte[] seed00to1f() {
    byte[] seed = new byte[32];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) i;
    }
    return seed;
  }

  private static String b64(int length) {
    return Base64.getEncoder().encodeToString(new byte[length]);
  }

  /** A golden file, decoded as strict UTF-8 so a corrupted file fails loudly. */
  private static String resource(String name) throws IOException {
    try (InputStream in = CheckpointTest.class.getResourceAsStream("/checkpoints/" + name)) {
      assertThat(in).as("test resource checkpoints/%s", name).isNotNull();
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in.readAllBytes()))
          .toString();
    }
  }
}
