package io.hyrelog.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.hyrelog.Digest;
import io.hyrelog.integrity.RfcMerkle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TileWriterTest {

  /** What the spec says a tile holds: MTH(D[(n*256 + i) * 256^l : (n*256 + i + 1) * 256^l]). */
  static Tile expectedTile(TileId id, List<Digest> leaves) {
    long span = 1L << (TileId.HEIGHT * id.level());
    List<Digest> hashes = new ArrayList<>();
    for (int i = 0; i < id.width(); i++) {
      long from = (id.index() * TileId.FULL_WIDTH + i) * span;
      hashes.add(RfcMerkle.mth(leaves.subList((int) from, (int) (from + span))));
    }
    return Tile.of(id, hashes);
  }

  @Test
  void append_70000LeavesInUnevenBatches_storesExactlyTheSpecsTiles() {
    List<Digest> leaves = RfcMerkle.leaves(70_000, 70_000);
    MemoryTiles tiles = new MemoryTiles();
    Random r = new Random(1);
    for (int at = 0; at < leaves.size(); ) {
      int n = Math.min(leaves.size() - at, 1 + r.nextInt(r.nextBoolean() ? 5 : 1000));
      tiles.append(leaves.subList(at, at + n));
      at += n;
    }

    List<TileId> ids = TileId.tiles(70_000).toList();
    assertThat(tiles.stored).hasSize(ids.size());
    for (TileId id : ids) {
      assertThat(tiles.read(List.of(id)).get(id)).as(id.path())
          .isEqualTo(expectedTile(id, leaves));
    }
  }

  @Property(tries = 30, seed = "256")
  void append_anyBatches_writesEachFullTileOnceAndPartialsOnlyGrow(
      @ForAll @IntRange(min = 1, max = 3000) int total, @ForAll long seed) {
    List<Digest> leaves = RfcMerkle.leaves(total, seed);
    MemoryTiles tiles = new MemoryTiles();
    Map<String, Tile> full = new HashMap<>();
    Random r = new Random(seed);
    for (int at = 0; at < total; ) {
      int n = Math.min(total - at, 1 + r.nextInt(400));
      Map<String, Tile> before = new HashMap<>(tiles.stored);
      List<Tile> written = tiles.append(leaves.subList(at, at + n));
      at += n;
      for (Tile t : written) {
        String key = MemoryTiles.key(t.id());
        assertThat(full).as("full tile %s written again", t.id()).doesNotContainKey(key);
        if (t.id().isFull()) {
          full.put(key, t);
        }
        Tile old = before.get(key);
        if (old != null) {
          assertThat(t.width()).isGreaterThan(old.width());
          assertThat(t.prefix(old.width())).isEqualTo(old);
        }
      }
      assertThat(written).isSortedAccordingTo((a, b) -> a.id().level() != b.id().level()
          ? Integer.compare(a.id().level(), b.id().level())
          : Long.compare(a.id().index(), b.id().index()));
    }
    for (TileId id : TileId.tiles(total).toList()) {
      assertThat(tiles.read(List.of(id)).get(id)).isEqualTo(expectedTile(id, leaves));
    }
  }

  @Test
  void append_oneLeafToFullTile_writesOnlyTheNewPartialTile() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(256, 3));

    List<Tile> written = tiles.append(RfcMerkle.leaves(1, 4));

    assertThat(written).extracting(t -> t.id().path()).containsExactly("tile/0/001.p/1");
  }

  @Test
  void append_completingATile_writesItFullAndItsRootOneLevelUp() {
    List<Digest> leaves = RfcMerkle.leaves(256, 5);
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(leaves.subList(0, 255));

    List<Tile> written = tiles.append(leaves.subList(255, 256));

    assertThat(written).extracting(t -> t.id().path())
        .containsExactly("tile/0/000", "tile/1/000.p/1");
    assertThat(written.get(1).hash(0)).isEqualTo(RfcMerkle.mth(leaves));
  }

  @Test
  void append_noLeaves_writesNothing() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(300, 6));

    assertThat(tiles.append(List.of())).isEmpty();
  }

  @Test
  void append_edgeNotMatchingTheSize_isRefused() {
    MemoryTiles tiles = new MemoryTiles();
    tiles.append(RfcMerkle.leaves(300, 7));
    List<Tile> edge = TileId.partials(300).stream()
        .map(id -> tiles.read(List.of(id)).get(id)).toList();
    List<Digest> one = RfcMerkle.leaves(1, 8);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> TileWriter.append(300, edge.subList(0, 1), one))
        .withMessageContaining("got only 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TileWriter.append(301, edge, one));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TileWriter.append(300, List.of(edge.get(0), edge.get(0)), one))
        .withMessageContaining("twice");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TileWriter.append(-1, List.of(), one));
  }
}
