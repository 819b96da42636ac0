package io.hyrelog.compliance.evidence;

import static io.hyrelog.compliance.evidence.BundleFixture.ALICE;
import static io.hyrelog.compliance.evidence.BundleFixture.BOB;
import static io.hyrelog.compliance.evidence.BundleFixture.MALLORY;
import static io.hyrelog.compliance.evidence.BundleFixture.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.compliance.evidence.BundleFixture.Entry;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.NoteSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvidenceVerifierTest {
  private static final UUID BUNDLE = UUID.fromString("0190f0f0-0000-7000-8000-000000000001");
  private static final EvidenceVerifier VERIFIER = new EvidenceVerifier(
      List.of(SERVER.verifier()), List.of(ALICE.verifier(), BOB.verifier()));

  @TempDir
  Path dir;
  BundleFixture fixture;
  EvidenceBundle bundle;

  @BeforeEach
  void write() {
    fixture = new BundleFixture(25);
    bundle = fixture.write(dir, BUNDLE);
  }

  @Test
  void verify_untouchedBundle_isValid() {
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), false);
    assertThat(v.problems()).isEmpty();
    assertThat(v.ok()).isTrue();
    assertThat(v.packageExists()).isTrue();
    assertThat(v.manifestValid()).isTrue();
    assertThat(v.signatureChecked()).isTrue();
    assertThat(v.signatureValid()).isTrue();
    assertThat(v.countersignChecked()).isFalse();
    assertThat(v.events()).isEqualTo(25);
    assertThat(v.bundleId()).contains(BUNDLE);
  }

  @Test
  void write_entriesInOrder_manifestLastAndListsEveryOtherFile() throws IOException {
    List<Entry> entries = BundleFixture.entries(bundle.packagePath());
    assertThat(entries).extracting(Entry::name).containsExactly("events.jsonl",
        "checkpoints/" + new BundleFixture(0).ws.workspaceId() + ".note",
        "verification-report.json", "manifest.json");
    EvidenceManifest m = EvidenceManifest.parse(entries.get(3).bytes());
    for (int i = 0; i < 3; i++) {
      assertThat(m.files().get(i).name()).isEqualTo(entries.get(i).name());
      assertThat(m.files().get(i).size()).isEqualTo(entries.get(i).bytes().length);
      assertThat(m.files().get(i).sha256()).isEqualTo(Digest.sha256(entries.get(i).bytes()));
    }
    assertThat(new String(entries.get(2).bytes(), StandardCharsets.UTF_8))
        .contains("\"valid\" : true").contains("\"events\" : 25");
    assertThat(Files.readString(bundle.signaturePath())).startsWith(
        EvidenceSignatures.noteText(BUNDLE, Digest.sha256(entries.get(3).bytes())) + "\n— ");
  }

  /** A change to a real bundle and the field it must make false. */
  record Mutation(String name, Change change, Predicate<EvidenceVerification> failed) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface Change {
    void apply(Path dir, EvidenceBundle b) throws IOException;
  }

  static Predicate<EvidenceVerification> manifestInvalid() {
    return v -> v.packageExists() && !v.manifestValid() && !v.ok();
  }

  static Predicate<EvidenceVerification> signatureInvalid() {
    return v -> v.signatureChecked() && !v.signatureValid() && !v.ok();
  }

  static Stream<Arguments> mutations() {
    List<Mutation> m = new ArrayList<>();
    for (String entry : List.of("events.jsonl", "verification-report.json", "checkpoints/")) {
      m.add(new Mutation("flip a byte of " + entry, (d, b) -> editEntry(b, entry, bytes -> {
        bytes[bytes.length / 2] ^= 0x01;
        return bytes;
      }), manifestInvalid()));
      m.add(new Mutation("append a byte to " + entry, (d, b) -> editEntry(b, entry, bytes -> {
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = '\n';
        return out;
      }), manifestInvalid()));
      m.add(new Mutation("rename " + entry, (d, b) -> {
        List<Entry> es = BundleFixture.entries(b.packagePath());
        es.replaceAll(e -> e.name().startsWith(entry) ? new Entry(e.name() + "x", e.bytes()) : e);
        BundleFixture.rewrite(b.packagePath(), es);
      }, manifestInvalid()));
      m.add(new Mutation("remove " + entry, (d, b) -> {
        List<Entry> es = BundleFixture.entries(b.packagePath());
        es.removeIf(e -> e.name().startsWith(entry));
        BundleFixture.rewrite(b.packagePath(), es);
      }, manifestInvalid()));
    }
    m.add(new Mutation("empty events.jsonl", (d, b) -> editEntry(b, "events.jsonl",
        bytes -> new byte[0]), manifestInvalid()));
    m.add(new Mutation("swap two files", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      Collections.swap(es, 0, 2);
      BundleFixture.rewrite(b.packagePath(), es);
    }, manifestInvalid()));
    m.add(new Mutation("manifest first", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      es.add(0, es.remove(es.size() - 1));
      BundleFixture.rewrite(b.packagePath(), es);
    }, manifestInvalid()));
    m.add(new Mutation("extra file", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      es.add(1, new Entry("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)));
      BundleFixture.rewrite(b.packagePath(), es);
    }, manifestInvalid()));
    m.add(new Mutation("extra file after the manifest", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      es.add(new Entry("late.txt", "x".getBytes(StandardCharsets.UTF_8)));
      BundleFixture.rewrite(b.packagePath(), es);
    }, manifestInvalid()));
    m.add(new Mutation("no manifest", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      es.remove(es.size() - 1);
      BundleFixture.rewrite(b.packagePath(), es);
    }, manifestInvalid()));
    m.add(new Mutation("truncated zip", (d, b) -> {
      byte[] all = Files.readAllBytes(b.packagePath());
      Files.write(b.packagePath(), java.util.Arrays.copyOf(all, all.length - 30));
    }, manifestInvalid()));
    m.add(new Mutation("flip a byte of the manifest's hash of events.jsonl", (d, b) ->
        editEntry(b, "manifest.json", bytes -> {
          String s = new String(bytes, StandardCharsets.UTF_8);
          String h = b.manifest().files().get(0).sha256().hex();
          String flipped = (h.charAt(0) == '0' ? "1" : "0") + h.substring(1);
          return s.replace(h, flipped).getBytes(StandardCharsets.UTF_8);
        }), manifestInvalid().and(signatureInvalid())));
    m.add(new Mutation("events edited and the manifest re-hashed to match", (d, b) -> {
      List<Entry> es = BundleFixture.entries(b.packagePath());
      byte[] ev = es.get(0).bytes().clone();
      ev[ev.length / 3] ^= 0x02;
      es.set(0, new Entry("events.jsonl", ev));
      List<BundleFile> files = new ArrayList<>(b.manifest().files());
      files.set(0, new BundleFile("events.jsonl", ev.length, Digest.sha256(ev)));
      EvidenceManifest forged = new EvidenceManifest(b.manifest().bundleId(),
          b.manifest().companyId(), b.manifest().from(), b.manifest().to(),
          b.manifest().createdAt(), b.manifest().events(), files);
      es.set(es.size() - 1, new Entry("manifest.json", forged.toBytes()));
      BundleFixture.rewrite(b.packagePath(), es);
    }, v -> v.manifestValid() && !v.eventsValid() && signatureInvalid().test(v)));
    m.add(new Mutation("signature byte flipped", (d, b) -> {
      String s = Files.readString(b.signaturePath());
      int i = s.lastIndexOf(' ') + 5;
      char c = s.charAt(i);
      Files.writeString(b.signaturePath(), s.substring(0, i) + (c == 'A' ? 'B' : 'A')
          + s.substring(i + 1));
    }, signatureInvalid()));
    m.add(new Mutation("signature by an untrusted key", (d, b) -> Files.writeString(
        b.signaturePath(), EvidenceSignatures.sign(MALLORY, BUNDLE, b.manifestSha256()).format()),
        signatureInvalid()));
    m.add(new Mutation("signature of another bundle id", (d, b) -> Files.writeString(
        b.signaturePath(), EvidenceSignatures.sign(SERVER, UUID.randomUUID(),
            b.manifestSha256()).format()), signatureInvalid()));
    m.add(new Mutation("signature of another manifest", (d, b) -> Files.writeString(
        b.signaturePath(), EvidenceSignatures.sign(SERVER, BUNDLE,
            Digest.sha256(new byte[1])).format()), signatureInvalid()));
    m.add(new Mutation("signature file garbage", (d, b) -> Files.writeString(
        b.signaturePath(), "not a note\n"), signatureInvalid()));
    m.add(new Mutation("signature file removed", (d, b) -> Files.delete(b.signaturePath()),
        v -> !v.signatureChecked() && !v.signatureValid() && !v.ok()));
    m.add(new Mutation("package removed", (d, b) -> Files.delete(b.packagePath()),
        v -> !v.packageExists() && !v.ok()));
    return m.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void verify_anyMutation_failsWithTheRightField(Mutation m) throws IOException {
    m.change().apply(dir, bundle);
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), false);
    assertThat(m.failed().test(v)).as("%s → %s", m.name(), v).isTrue();
    assertThat(v.problems()).isNotEmpty();
  }

  // --- countersignatures (dual control)

  private Path countersign(NoteSigner... signers) throws IOException {
    String sig = Files.readString(bundle.signaturePath());
    SignedNote note = null;
    String text = SignedNote.parse(sig).text();
    for (NoteSigner s : signers) {
      NoteSignature line = EvidenceSignatures.parseLine(text,
          EvidenceSignatures.countersignLine(s, sig));
      note = EvidenceSignatures.append(text, note, line);
    }
    Path cs = dir.resolve(BUNDLE + ".countersign");
    Files.writeString(cs, note.format());
    return cs;
  }

  @Test
  void countersign_otherKey_countsAsDualControl() throws IOException {
    countersign(ALICE);
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.problems()).isEmpty();
    assertThat(v.countersignChecked()).isTrue();
    assertThat(v.countersignValid()).isTrue();
    assertThat(v.countersignCount()).isEqualTo(1);
    assertThat(v.ok()).isTrue();
  }

  @Test
  void countersign_twoOtherKeys_countTwo() throws IOException {
    countersign(ALICE, BOB);
    assertThat(VERIFIER.verify(bundle.packagePath(), true).countersignCount()).isEqualTo(2);
  }

  @Test
  void countersign_sameSignerTwice_countsOnce() throws IOException {
    String sig = Files.readString(bundle.signaturePath());
    String text = SignedNote.parse(sig).text();
    NoteSignature a = EvidenceSignatures.parseLine(text,
        EvidenceSignatures.countersignLine(ALICE, sig));
    // Two lines by one key written by hand (append() already keeps one per key).
    Files.writeString(dir.resolve(BUNDLE + ".countersign"),
        new SignedNote(text, List.of(a, a)).format());
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignCount()).isEqualTo(1);
    assertThat(EvidenceSignatures.append(text, new SignedNote(text, List.of(a)), a)
        .signatures()).hasSize(1);
  }

  @Test
  void countersign_byThePrimarySigner_isNotDualControl() throws IOException {
    countersign(SERVER);
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignChecked()).isTrue();
    assertThat(v.countersignCount()).isZero();
    assertThat(v.countersignValid()).isFalse();
    assertThat(v.ok()).isFalse();
  }

  @Test
  void countersign_required_missingFile_fails() {
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignChecked()).isFalse();
    assertThat(v.countersignValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(VERIFIER.verify(bundle.packagePath(), false).ok()).isTrue();
  }

  @Test
  void countersign_untrustedKey_invalid() throws IOException {
    countersign(ALICE, MALLORY);
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignValid()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.contains("mallory"));
  }

  @Test
  void countersign_byteFlipped_invalid() throws IOException {
    Path cs = countersign(ALICE);
    String s = Files.readString(cs);
    int i = s.lastIndexOf(' ') + 10;
    Files.writeString(cs, s.substring(0, i) + (s.charAt(i) == 'A' ? 'B' : 'A')
        + s.substring(i + 1));
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignChecked()).isTrue();
    assertThat(v.countersignValid()).isFalse();
    assertThat(v.ok()).isFalse();
  }

  @Test
  void countersign_overAnotherPackage_invalid() throws IOException {
    countersign(ALICE);
    String other = EvidenceSignatures.sign(SERVER, BUNDLE, Digest.sha256(new byte[2])).format();
    NoteSignature a = EvidenceSignatures.parseLine(SignedNote.parse(other).text(),
        EvidenceSignatures.countersignLine(ALICE, other));
    Files.writeString(dir.resolve(BUNDLE + ".countersign"),
        new SignedNote(SignedNote.parse(other).text(), List.of(a)).format());
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), true);
    assertThat(v.countersignValid()).isFalse();
  }

  // --- events and checkpoints

  @Test
  void verify_untouchedBundle_eventsAndCheckpointVerified() {
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), false);
    assertThat(v.eventsValid()).isTrue();
    assertThat(v.checkpointsValid()).isTrue();
    assertThat(v.checkpointCount()).isEqualTo(1);
  }

  @Test
  void checkpoint_isTheChainsSignedCheckpointAtThePeriodsLastSeq() throws IOException {
    BundleFixture f = fixture;
    List<Entry> entries = BundleFixture.entries(bundle.packagePath());
    SignedNote note = SignedNote.parse(new String(entries.get(1).bytes(),
        StandardCharsets.UTF_8));
    note.verify(List.of(SERVER.verifier()));
    ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.parse(note.text()));
    MerkleTree t = new MerkleTree();
    f.events.forEach(e -> t.append(e.hash()));
    assertThat(cp).isEqualTo(new ChainCheckpoint(BundleFixture.NAMESPACE,
        f.ws.workspaceId(), 25, t.root(), f.events.get(24).hash()));
  }

  @Test
  void bundleOfAMidChainPeriod_headMatched_valid() {
    BundleFixture f = new BundleFixture(25);
    Path other = dir.resolve("mid");
    // Events at T0+1min .. T0+25min: the period [T0+10min, T0+20min) holds seqs 10..19.
    EvidenceBundle mid;
    try (PeriodEvents p = f.period(BundleFixture.T0.plusSeconds(600),
        BundleFixture.T0.plusSeconds(1200))) {
      mid = EvidenceBundleWriter.builder(BUNDLE, f.ws.companyId(), p.from(), p.to())
          .createdAt(BundleFixture.T1).signer(SERVER).checkpoints(BundleFixture.NAMESPACE, p)
          .build().write(p, other);
    }
    EvidenceVerification v = VERIFIER.verify(mid.packagePath(), false);
    assertThat(v.problems()).isEmpty();
    assertThat(v.events()).isEqualTo(10);
    assertThat(v.ok()).isTrue();
  }

  @Test
  void checkpointWithAWrongRoot_checkpointsInvalid_restValid() {
    BundleFixture f = new BundleFixture(25);
    Path other = dir.resolve("wrong-root");
    EvidenceBundle b;
    try (PeriodEvents p = f.period(BundleFixture.T0, BundleFixture.T1)) {
      b = EvidenceBundleWriter.builder(BUNDLE, f.ws.companyId(), p.from(), p.to())
          .createdAt(BundleFixture.T1).signer(SERVER)
          .checkpoints(BundleFixture.NAMESPACE, (chain, size) -> Digest.sha256(new byte[3]))
          .build().write(p, other);
    }
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.manifestValid()).isTrue();
    assertThat(v.signatureValid()).isTrue();
    assertThat(v.eventsValid()).isTrue();
    assertThat(v.checkpointsValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.contains("Merkle root"));
  }

  @Test
  void bundleSignedByAnUntrustedKey_checkpointsAndSignatureInvalid() {
    EvidenceBundle b = new BundleFixture(5).write(dir.resolve("mallory"), BUNDLE, MALLORY);
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.eventsValid()).isTrue();
    assertThat(v.checkpointsValid()).isFalse();
    assertThat(v.signatureValid()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.startsWith("checkpoints/"));
  }

  @Test
  void write_eventsWithAGap_refused() {
    BundleFixture f = new BundleFixture(6);
    List<io.hyrelog.AuditEvent> holed = new ArrayList<>(f.events);
    holed.remove(3);
    EvidenceBundleWriter w = EvidenceBundleWriter.builder(BUNDLE, f.ws.companyId(),
        BundleFixture.T0, BundleFixture.T1).createdAt(BundleFixture.T1).signer(SERVER)
        .checkpoints(BundleFixture.NAMESPACE, (chain, size) -> Digest.ZERO).build();
    Path out = dir.resolve("gap");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.write(holed.iterator(), out))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("do not verify")
        .hasMessageContaining("GAP");
    assertThat(out.resolve(BUNDLE + ".zip")).doesNotExist();
  }

  @Test
  void emptyPeriod_noEventsNoCheckpoints_valid() {
    BundleFixture f = new BundleFixture(3);
    EvidenceBundle b;
    try (PeriodEvents p = f.period(BundleFixture.T1, BundleFixture.T1.plusSeconds(60))) {
      b = EvidenceBundleWriter.builder(BUNDLE, f.ws.companyId(), p.from(), p.to())
          .createdAt(BundleFixture.T1).signer(SERVER).checkpoints(BundleFixture.NAMESPACE, p)
          .build().write(p, dir.resolve("empty"));
    }
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.problems()).isEmpty();
    assertThat(v.checkpointCount()).isZero();
    assertThat(v.events()).isZero();
    assertThat(v.ok()).isTrue();
  }

  @Test
  void verify_noTrustedKeys_signatureNotChecked() {
    EvidenceVerification v = new EvidenceVerifier(List.of(), List.of())
        .verify(bundle.packagePath(), false);
    assertThat(v.manifestValid()).isTrue();
    assertThat(v.signatureChecked()).isFalse();
    assertThat(v.ok()).isFalse();
  }

  // --- roles: a key trusted to countersign is never trusted to sign

  @Test
  void constructor_keyInBothRoles_refusedNamingTheKey() {
    assertThatThrownBy(() -> new EvidenceVerifier(List.of(SERVER.verifier(), ALICE.verifier()),
        List.of(ALICE.verifier(), BOB.verifier())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice.compliance+")
        .hasMessageContaining("both as a signer and as a countersigner");
    // The same public key under another name is the same key.
    io.hyrelog.integrity.NoteVerifier renamed = io.hyrelog.integrity.NoteVerifier.of(
        "alice.other-name", ALICE.verifier().rawPublicKey());
    assertThatThrownBy(() -> new EvidenceVerifier(List.of(SERVER.verifier(), renamed),
        List.of(ALICE.verifier())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice.compliance+");
  }

  /**
   * The attack of the review: a countersigner fabricates a bundle of 3 events for a real
   * workspace and signs package and checkpoint with its own key. The auditor trusts the server
   * as signer and the countersigner as countersigner: nothing verifies.
   */
  @Test
  void countersignerKeySignsAFabricatedBundle_failsSignatureAndCheckpoint() throws IOException {
    EvidenceBundle forged = new BundleFixture(3).write(dir.resolve("forged"), BUNDLE, ALICE);
    // ... and countersigns it, so --require-countersign would find a countersignature too.
    String sig = Files.readString(forged.signaturePath());
    String text = SignedNote.parse(sig).text();
    Files.writeString(forged.packagePath().resolveSibling(BUNDLE + ".countersign"),
        new SignedNote(text, List.of(EvidenceSignatures.parseLine(text,
            EvidenceSignatures.countersignLine(ALICE, sig)))).format());

    EvidenceVerification v = VERIFIER.verify(forged.packagePath(), true);

    assertThat(v.manifestValid()).isTrue();
    assertThat(v.eventsValid()).isTrue();
    assertThat(v.signatureValid()).isFalse();
    assertThat(v.checkpointsValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.contains("no signature from a trusted key"));
  }

  /** Two servers' keys trusted as signers: one may not sign checkpoints of the other's chains. */
  @Test
  void checkpointOfAnotherLog_signedByATrustedSigner_checkpointsInvalid() throws IOException {
    List<Entry> es = BundleFixture.entries(bundle.packagePath());
    int at = 1;
    String body = SignedNote.parse(new String(es.get(at).bytes(), StandardCharsets.UTF_8))
        .text();
    assertThat(body).startsWith(SERVER.verifier().name() + "/chains/");
    es.set(at, new Entry(es.get(at).name(), BOB.signNote(body).format()
        .getBytes(StandardCharsets.UTF_8)));
    List<BundleFile> files = new ArrayList<>(bundle.manifest().files());
    files.set(at, new BundleFile(es.get(at).name(), es.get(at).bytes().length,
        Digest.sha256(es.get(at).bytes())));
    EvidenceManifest m = bundle.manifest();
    EvidenceManifest resigned = new EvidenceManifest(m.bundleId(), m.companyId(), m.from(),
        m.to(), m.createdAt(), m.events(), files);
    es.set(es.size() - 1, new Entry(EvidenceManifest.ENTRY, resigned.toBytes()));
    BundleFixture.rewrite(bundle.packagePath(), es);
    Files.writeString(bundle.signaturePath(), EvidenceSignatures.sign(BOB, BUNDLE,
        Digest.sha256(resigned.toBytes())).format());

    EvidenceVerification v = new EvidenceVerifier(List.of(SERVER.verifier(), BOB.verifier()),
        List.of(ALICE.verifier())).verify(bundle.packagePath(), false);

    assertThat(v.manifestValid()).isTrue();
    assertThat(v.signatureValid()).isTrue();
    assertThat(v.checkpointsValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.contains("origin namespace"));
  }

  @Test
  void writer_namespaceOtherThanTheSignersName_refused() {
    assertThatThrownBy(() -> EvidenceBundleWriter.builder(BUNDLE, fixture.ws.companyId(),
        BundleFixture.T0, BundleFixture.T1).createdAt(BundleFixture.T1).signer(ALICE)
        .checkpoints(BundleFixture.NAMESPACE, (chain, size) -> Digest.ZERO).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("alice.compliance");
  }

  @Test
  void verify_thousandsOfForeignEntries_boundedProblems() throws IOException {
    List<Entry> es = BundleFixture.entries(bundle.packagePath());
    for (int i = 0; i < 3_000; i++) {
      es.add(1, new Entry("x/" + "n".repeat(2_000) + i, new byte[0]));
    }
    BundleFixture.rewrite(bundle.packagePath(), es);
    EvidenceVerification v = VERIFIER.verify(bundle.packagePath(), false);
    assertThat(v.manifestValid()).isFalse();
    assertThat(v.problems()).hasSize(20).allMatch(p -> p.length() <= 1_001);
    assertThat(v.problemCount()).isGreaterThanOrEqualTo(3_000);
    assertThat(v.problemsTruncated()).isTrue();
  }

  private static void editEntry(EvidenceBundle b, String prefix,
      java.util.function.UnaryOperator<byte[]> edit) throws IOException {
    List<Entry> es = BundleFixture.entries(b.packagePath());
    es.replaceAll(e -> e.name().startsWith(prefix) ? new Entry(e.name(),
        edit.apply(e.bytes().clone())) : e);
    BundleFixture.rewrite(b.packagePath(), es);
  }
}
