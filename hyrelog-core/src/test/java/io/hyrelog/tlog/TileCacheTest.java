package io.hyrelog.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bounded tile cache: the same proofs as without it, each tile read once, never more kept. */
class TileCacheTest {
  @Test
  void proofsOfEveryLeaf_sameAsUncached_tilesReadOnceAndBounded() {
    int n = 70_000;
    MerkleTree reference = new MerkleTree();
    List<Digest> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Digest d = Digest.sha256(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
      leaves.add(d);
      reference.append(d);
    }
    MemoryTiles store = new MemoryTiles();
    store.append(leaves);
    int[] reads = {0};
    TileSource counted = ids -> {
      reads[0] += ids.size();
      return store.read(ids);
    };
    TileCache cache = new TileCache(counted, 8);
    TiledTree cached = TiledTree.of(n, cache);
    Digest root = reference.root();
    for (long i = 0; i < n; i += 97) {
      MerkleProofs.verifyInclusion(cached.inclusionProof(i), root);
      assertThat(cache.size()).isLessThanOrEqualTo(8);
    }
    // 722 proofs in a tree of 274 level-0 tiles: each tile read about once, not once per proof.
    assertThat(reads[0]).isLessThan(2 * 274 + 50);
    assertThatThrownBy(() -> new TileCache(store, 0)).isInstanceOf(
        IllegalArgumentException.class);
  }
}
