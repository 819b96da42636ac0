package io.hyrelog.compliance.evidence;

import static io.hyrelog.compliance.evidence.BundleFixture.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.compliance.evidence.BundleFixture.Entry;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TileSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles with per-event inclusion proofs ({@code proofs.jsonl}): written from the chain's
 * tiles, each proof verified by {@link EvidenceVerifier} against the bundle's own checkpoint; a
 * bundle without the entry verifies as before; a proof moved to another event or a forged
 * sibling hash fails even in a package whose manifest and signature were made over it; tiles
 * that do not match the events refuse the bundle.
 */
class BundleProofsTest {
  private static final UUID BUNDLE = UUID.fromString("0190f0f0-0000-7000-8000-000000000002");
  private static final EvidenceVerifier VERIFIER = new EvidenceVerifier(
      List.of(SERVER.verifier()), List.of());

  @TempDir Path dir;

  private final BundleFixture f = new BundleFixture(300); // more than one full tile

  private Function<UUID, TileSource> tiles() {
    return ws -> f.store.tree().orElseThrow().source(EventScope.workspace(f.ws.companyId(),
        ws));
  }

  private EvidenceBundle write(Path out, Function<UUID, TileSource> tiles) {
    try (PeriodEvents p = f.period(BundleFixture.T0, BundleFixture.T1)) {
      return EvidenceBundleWriter.builder(BUNDLE, f.ws.companyId(), p.from(), p.to())
          .createdAt(BundleFixture.T1).signer(SERVER).checkpoints(BundleFixture.NAMESPACE, p)
          .proofs(tiles).build().write(p, out);
    }
  }

  @Test
  void bundleWithProofs_everyEventProven_valid() throws IOException {
    EvidenceBundle b = write(dir, tiles());
    assertThat(BundleFixture.entries(b.packagePath())).extracting(Entry::name)
        .contains(EvidenceBundleWriter.PROOFS);
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.problems()).isEmpty();
    assertThat(v.ok()).isTrue();
    assertThat(v.proofsValid()).isTrue();
    assertThat(v.proofsChecked()).isEqualTo(300);
  }

  @Test
  void bundleWithoutProofs_verifiesAsBefore() {
    EvidenceBundle b = f.write(dir, BUNDLE);
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.ok()).isTrue();
    assertThat(v.proofsValid()).isTrue();
    assertThat(v.proofsChecked()).isZero();
  }

  @Test
  void proofMovedToAnotherEvent_resealed_proofsInvalid() throws IOException {
    EvidenceBundle b = write(dir, tiles());
    reseal(b, lines -> {
      String third = lines.get(2);
      lines.set(2, lines.get(3));
      lines.set(3, third);
    });
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.manifestValid()).isTrue();
    assertThat(v.signatureValid()).isTrue();
    assertThat(v.eventsValid()).isTrue();
    assertThat(v.proofsValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(v.proofsChecked()).isEqualTo(2);
    assertThat(v.problems()).anyMatch(p -> p.startsWith("proofs: OTHER_EVENT at seq 3 "));
  }

  @Test
  void forgedSiblingHash_resealed_proofsInvalid() throws IOException {
    EvidenceBundle b = write(dir, tiles());
    reseal(b, lines -> {
      String line = lines.get(9);
      int at = line.indexOf("\"hashes\":[\"") + 11;
      char c = line.charAt(at) == '0' ? '1' : '0';
      lines.set(9, line.substring(0, at) + c + line.substring(at + 1));
    });
    EvidenceVerification v = VERIFIER.verify(b.packagePath(), false);
    assertThat(v.proofsValid()).isFalse();
    assertThat(v.ok()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.startsWith("proofs: ROOT_MISMATCH at seq 10 "));
  }

  @Test
  void tilesOfOtherHashes_bundleRefused() {
    // The tiles of the same chain, but with one event hash changed: the bundle is not written.
    Function<UUID, TileSource> real = tiles();
    Function<UUID, TileSource> wrong = ws -> ids -> {
      Map<TileId, Tile> out = new HashMap<>(real.apply(ws).read(ids));
      out.replaceAll((id, t) -> {
        if (id.level() != 0 || id.index() != 0) {
          return t;
        }
        List<Digest> hashes = new ArrayList<>(t.hashes());
        hashes.set(4, Digest.sha256(new byte[] {4}));
        return Tile.of(id, hashes);
      });
      return out;
    };
    Path out = dir.resolve("wrong");
    assertThatThrownBy(() -> write(out, wrong)).isInstanceOf(EvidenceException.class)
        .hasMessageContaining("stored Merkle tree");
    assertThat(out.resolve(EvidenceBundleWriter.signatureName(BUNDLE))).doesNotExist();
    assertThat(out.resolve(BUNDLE + ".zip")).doesNotExist();
  }

  /**
   * Edits the proof lines, then rebuilds the manifest and signs it with the server's key, as a
   * faulty producer would: only the proofs check can catch it.
   */
  private static void reseal(EvidenceBundle b, java.util.function.Consumer<List<String>> edit)
      throws IOException {
    List<Entry> es = BundleFixture.entries(b.packagePath());
    List<BundleFile> files = new ArrayList<>();
    EvidenceManifest old = null;
    List<Entry> out = new ArrayList<>();
    for (Entry e : es) {
      Entry n = e;
      if (e.name().equals(EvidenceBundleWriter.PROOFS)) {
        List<String> lines = new ArrayList<>(List.of(new String(e.bytes(),
            StandardCharsets.UTF_8).split("\n")));
        edit.accept(lines);
        n = new Entry(e.name(), (String.join("\n", lines) + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      if (e.name().equals(EvidenceManifest.ENTRY)) {
        old = EvidenceManifest.parse(e.bytes());
        continue;
      }
      files.add(new BundleFile(n.name(), n.bytes().length, Digest.sha256(n.bytes())));
      out.add(n);
    }
    EvidenceManifest m = new EvidenceManifest(old.bundleId(), old.companyId(), old.from(),
        old.to(), old.createdAt(), old.events(), files);
    out.add(new Entry(EvidenceManifest.ENTRY, m.toBytes()));
    BundleFixture.rewrite(b.packagePath(), out);
    Files.writeString(b.signaturePath(), EvidenceSignatures.sign(SERVER, old.bundleId(),
        Digest.sha256(m.toBytes())).format());
  }
}
