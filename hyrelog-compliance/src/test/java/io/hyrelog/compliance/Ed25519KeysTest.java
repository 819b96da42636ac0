package io.hyrelog.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeysTest {
  // RFC 8410 section 10.3 private key and section 10.1 public key (one pair).
  private static final String RFC_PUBLIC_HEX =
      "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";
  private static final String TEXT =
      "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  // openssl pkeyutl -sign -rawin over TEXT with the RFC 8410 key: a known answer from another
  // implementation.
  private static final String OPENSSL_SIGNATURE = "P3SRWYXpEsfRk6+4+4m4HygJqvjZiIxzWqnZ/BAZpJDO"
      + "8ZhkC0W5wlUwP4Bcb445xmtXLOSNbsZ7v7aU3EohAA==";

  @TempDir Path dir;

  static String resource(String name) throws IOException {
    try (InputStream in = Ed25519KeysTest.class.getResourceAsStream("/keys/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void parseSigner_rfc8410Key_signsLikeOpenssl() throws IOException {
    PemNoteSigner s = Ed25519Keys.parseSigner("example.com", resource("rfc8410.key.pem"), "k");
    assertThat(HexFormat.of().formatHex(s.verifier().rawPublicKey())).isEqualTo(RFC_PUBLIC_HEX);
    NoteSignature sig = s.sign(TEXT);
    assertThat(Base64.getEncoder().encodeToString(sig.signature()))
        .isEqualTo(OPENSSL_SIGNATURE);
    assertThat(sig.keyId()).isEqualTo(s.verifier().keyId());
  }

  @Test
  void parseVerifier_rfc8410PublicKey_matchesThePrivateKey() throws IOException {
    NoteVerifier v = Ed25519Keys.parseVerifier("example.com", resource("rfc8410.pub.pem"), "p");
    PemNoteSigner s = Ed25519Keys.parseSigner("example.com", resource("rfc8410.key.pem"), "k");
    assertThat(v).isEqualTo(s.verifier());
    assertThat(new SignedNote(TEXT, List.of(s.sign(TEXT))).verify(List.of(v))).containsExactly(v);
  }

  @Test
  void publicPem_roundTrips_andMatchesOpensslOutput() throws IOException {
    NoteVerifier v = Ed25519Keys.parseVerifier("n", resource("rfc8410.pub.pem"), "p");
    assertThat(Ed25519Keys.publicPem(v).replace("\r\n", "\n"))
        .isEqualTo(resource("rfc8410.pub.pem"));
  }

  @Test
  void writeNewPrivateKey_createsOwnerOnlyFile_refusesToOverwrite() throws IOException {
    Path key = dir.resolve("a.key.pem");
    PemNoteSigner s = Ed25519Keys.writeNewPrivateKey(key, "a", new SecureRandom());
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Ed25519Keys.readSigner("a", key).verifier()).isEqualTo(s.verifier());
    String before = Files.readString(key);
    assertThatThrownBy(() -> Ed25519Keys.writeNewPrivateKey(key, "a", new SecureRandom()))
        .isInstanceOf(InvalidKeyFileException.class).hasMessageContaining("already exists");
    assertThat(Files.readString(key)).isEqualTo(before);
    Path pub = dir.resolve("a.pub.pem");
    Ed25519Keys.writePublicKey(pub, s.verifier());
    assertThat(Ed25519Keys.readVerifier("a", pub)).isEqualTo(s.verifier());
  }

  @Test
  void toString_neverShowsKeyMaterial() throws IOException {
    String pem = resource("rfc8410.key.pem");
    PemNoteSigner s = Ed25519Keys.parseSigner("example.com", pem, "k");
    String body = pem.split("\n")[1];
    assertThat(s.toString()).contains("<masked>").contains(s.keyId())
        .doesNotContain(body.substring(16, 40)).doesNotContain("d4ee72db");
  }

  @Test
  void parseSigner_publicKey_saysPrivateKeyNeeded() throws IOException {
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", resource("rfc8410.pub.pem"), "f.pem"))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("f.pem holds a public key");
  }

  @Test
  void parseVerifier_privateKey_refused() throws IOException {
    assertThatThrownBy(() -> Ed25519Keys.parseVerifier("n", resource("rfc8410.key.pem"), "f"))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("holds a private key");
  }

  @Test
  void parseSigner_rsaAndEcKeys_nameTheirAlgorithm() throws Exception {
    for (String alg : List.of("RSA", "EC")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      g.initialize(alg.equals("RSA") ? 1024 : 256, new SecureRandom(new byte[] {1}));
      var pair = g.generateKeyPair();
      String priv = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      String pub = pem("PUBLIC KEY", pair.getPublic().getEncoded());
      assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", priv, "k"))
          .isInstanceOf(InvalidKeyFileException.class)
          .hasMessageContaining("holds a " + alg + " private key")
          .hasMessageContaining("Ed25519");
      assertThatThrownBy(() -> Ed25519Keys.parseVerifier("n", pub, "k"))
          .isInstanceOf(InvalidKeyFileException.class)
          .hasMessageContaining("holds a " + alg + " public key");
    }
  }

  @Test
  void parseSigner_encryptedKey_saysDecryptOrUseKms() throws Exception {
    byte[] der = new EncryptedPrivateKeyInfo(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2), new byte[48]).getEncoded();
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", pem("ENCRYPTED PRIVATE KEY", der), "k"))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("encrypted private key").hasMessageContaining("KMS");
  }

  @Test
  void parseSigner_garbage_notPem() {
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", "hello\n", "k.pem"))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("k.pem is not a PEM file");
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "k.pem"))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining("k.pem");
  }

  @Test
  void parseSigner_twoBlocks_refused() throws IOException {
    String two = resource("rfc8410.key.pem") + resource("rfc8410.key.pem");
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", two, "k"))
        .isInstanceOf(InvalidKeyFileException.class).hasMessageContaining("more than one");
  }

  @Test
  void parseSigner_pkcs8v2WithMismatchedPublicKey_refused() throws Exception {
    byte[] seed = new byte[32];
    var info = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
        new AlgorithmIdentifier(org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519),
        new DEROctetString(seed), null, HexFormat.of().parseHex(RFC_PUBLIC_HEX));
    String pem = pem("PRIVATE KEY", info.getEncoded());
    assertThatThrownBy(() -> Ed25519Keys.parseSigner("n", pem, "k"))
        .isInstanceOf(InvalidKeyFileException.class).hasMessageContaining("does not belong");
  }

  @Test
  void readSigner_missingFile_namesIt() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> Ed25519Keys.readSigner("n", missing))
        .isInstanceOf(InvalidKeyFileException.class)
        .hasMessageContaining(missing + " does not exist");
  }

  @Test
  void signature_verifiesWithJdkEd25519OverNoteText() throws Exception {
    PemNoteSigner s = Ed25519Keys.writeNewPrivateKey(dir.resolve("k.pem"), "k",
        new SecureRandom());
    byte[] spki = java.util.Base64.getMimeDecoder().decode(Ed25519Keys.publicPem(s.verifier())
        .replaceAll("-----[A-Z ]+-----", ""));
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(
        new X509EncodedKeySpec(spki)));
    jdk.update(TEXT.getBytes(StandardCharsets.UTF_8));
    assertThat(jdk.verify(s.sign(TEXT).signature())).isTrue();
  }

  static String pem(String type, byte[] der) throws IOException {
    StringWriter w = new StringWriter();
    try (PemWriter p = new PemWriter(w)) {
      p.writeObject(new PemObject(type, der));
    }
    return w.toString();
  }
}
