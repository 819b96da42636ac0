package io.hyrelog.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleNode;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.RfcMerkle;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TiledTreeTest {

  @Test
  void root_everySizeUpTo2000_equalsTheStreamingRoot() {
    List<Digest> leaves = RfcMerkle.leaves(2000, 2000);
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(leaves);
    MerkleTree streaming = new MerkleTree();

    for (int size = 0; size <= 2000; size++) {
      assertThat(TiledTree.of(size, tiles).root()).as("size %d", size)
          .isEqualTo(streaming.root());
      if (size < 2000) {
        streaming.append(leaves.get(size));
      }
    }
  }

  @Test
  void root_readsOnlyThePartialTilesOfTheSize() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(70_000, 1));
    Set<TileId> seen = new HashSet<>();
    TileSource spy = ids -> {
      seen.addAll(ids);
      return tiles.read(ids);
    };

    TiledTree.of(70_000, spy).root();

    assertThat(seen).extracting(TileId::path)
        .containsExactlyInAnyOrder("tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1");
  }

  @Property(tries = 8, seed = "65536")
  void root_randomLargeSizes_equalsTheStreamingRoot(
      @ForAll @IntRange(min = 65_000, max = 140_000) int size, @ForAll long seed) {
    List<Digest> leaves = RfcMerkle.leaves(size, seed);
    MemoryTiles tiles = new MemoryTiles();
    Random r = new Random(seed);
    MerkleTree streaming = new MerkleTree();
    for (int at = 0; at < size; ) {
      int n = Math.min(size - at, 1 + r.nextInt(1000));
      tiles.append(leaves.subList(at, at + n));
      at += n;
    }
    leaves.forEach(streaming::append);
    long smaller = 1 + r.nextInt(size);
    MerkleTree prefix = new MerkleTree();
    leaves.subList(0, (int) smaller).forEach(prefix::append);

    assertThat(TiledTree.of(size, tiles).root()).isEqualTo(streaming.root());
    assertThat(TiledTree.of(smaller, tiles).root()).isEqualTo(prefix.root());
  }

  @Property(tries = 60, seed = "8")
  void proofs_fromTiles_equalTheNaiveProofsAndVerify(
      @ForAll @IntRange(min = 1, max = 5000) int size, @ForAll long seed) {
    List<Digest> leaves = RfcMerkle.leaves(size, seed);
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(leaves);
    Random r = new Random(seed);
    int treeSize = 1 + r.nextInt(size);
    int index = r.nextInt(treeSize);
    int from = 1 + r.nextInt(treeSize);
    List<Digest> d = leaves.subList(0, treeSize);
    TiledTree tree = TiledTree.of(treeSize, tiles);

    InclusionProof p = tree.inclusionProof(index);
    ConsistencyProof c = tree.consistencyProof(from);

    assertThat(p.hashes()).containsExactlyElementsOf(RfcMerkle.path(index, d));
    assertThat(p.leafHash()).isEqualTo(leaves.get(index));
    assertThat(tree.leafHash(index)).isEqualTo(leaves.get(index));
    assertThat(c.hashes()).containsExactlyElementsOf(RfcMerkle.proof(from, d));
    MerkleProofs.verifyInclusion(p, RfcMerkle.mth(d));
    MerkleProofs.verifyConsistency(c, RfcMerkle.mth(leaves.subList(0, from)), RfcMerkle.mth(d));
  }

  @Test
  void proof_readsTilesInOneCall() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(70_000, 2));
    TiledTree tree = TiledTree.of(69_999, tiles);
    int before = tiles.reads;

    tree.inclusionProof(12_345);

    assertThat(tiles.reads - before).isEqualTo(1);
  }

  @Test
  void read_missingTile_saysWhichTileAndSize() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(600, 3));
    tiles.stored.remove("0/1");

    assertThatThrownBy(() -> TiledTree.of(600, tiles).inclusionProof(300))
        .isInstanceOf(MissingTileException.class)
        .hasMessageContaining("tile/0/001 of a tree of size 600");
  }

  @Test
  void read_treeLargerThanStored_isMissingTiles() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(300, 4));

    assertThatThrownBy(() -> TiledTree.of(301, tiles).root())
        .isInstanceOf(MissingTileException.class)
        .hasMessageContaining("tile/0/001.p/45");
  }

  @Test
  void read_sourceAnsweringAnotherTile_failsLoudly() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(300, 5));
    TileSource wrong = ids -> Map.of(ids.iterator().next(),
        tiles.read(List.of(TileId.full(0, 0))).get(TileId.full(0, 0)));

    assertThatThrownBy(() -> TiledTree.of(300, wrong).leafHash(299))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void read_nodeOutsideTheTree_isRefused() {
    TiledTree tree = TiledTree.of(10, new MemoryTiles());

    assertThatIllegalArgumentException().isThrownBy(() -> tree.read(List.of(new MerkleNode(2, 2))));
    assertThatIllegalArgumentException().isThrownBy(() -> tree.leafHash(10));
    assertThatIllegalArgumentException().isThrownBy(() -> TiledTree.of(-1, new MemoryTiles()));
  }

  @Test
  void emptyTree_hasTheEmptyRootAndReadsNothing() {
    MemoryTiles tiles = new MemoryTiles();

    assertThat(TiledTree.of(0, tiles).root()).isEqualTo(MerkleTree.emptyRoot());
    assertThat(tiles.reads).isZero();
  }
}
