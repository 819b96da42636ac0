package io.hyrelog.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TileIdTest {

  @ParameterizedTest(name = "{0}/{1} width {2}")
  @CsvSource({
      "0, 0, 256, tile/0/000",
      "0, 5, 256, tile/0/005",
      "1, 999, 256, tile/1/999",
      "0, 1000, 256, tile/0/x001/000",
      "0, 1234067, 256, tile/0/x001/x234/067",
      "2, 0, 1, tile/2/000.p/1",
      "0, 273, 112, tile/0/273.p/112",
      "63, 9223372036854775807, 255, tile/63/x009/x223/x372/x036/x854/x775/807.p/255",
  })
  void path_examples_followTheC2spEncoding(int level, long index, int width, String path) {
    TileId id = new TileId(level, index, width);

    assertThat(id.path()).isEqualTo(path);
    assertThat(TileId.parsePath(path)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "tile/", "tile/0", "tile/0/", "tile/0/5", "tile/0/0005", "tile/0/x005", "tile/00/000",
      "tile/64/000", "tile/-1/000", "tile/0/001/234", "tile/0/x000/005", "tile/0/x001/234/x067",
      "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/012", "tile/0/000.p/", "tile/0/000.p",
      "tile/0/00a", "tile/entries/000", "tiles/0/000", "/tile/0/000", "tile/0/000/",
      "tile/0/x009/x223/x372/x036/x854/x775/808",
  })
  void parsePath_nonCanonicalOrInvalid_isRefused(String path) {
    assertThatIllegalArgumentException().isThrownBy(() -> TileId.parsePath(path));
  }

  @Test
  void partials_specExample70000_areTheThreePartialTiles() {
    assertThat(TileId.partials(70_000)).extracting(TileId::path)
        .containsExactly("tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1");
  }

  @Test
  void tiles_specExample70000_are273FullLevelZeroTilesOneFullLevelOneTileAndThreePartials() {
    List<TileId> tiles = TileId.tiles(70_000).toList();

    assertThat(tiles).hasSize(273 + 1 + 1 + 1 + 1);
    assertThat(tiles.stream().filter(t -> t.level() == 0 && t.isFull())).hasSize(273);
    assertThat(tiles.subList(273, tiles.size())).extracting(TileId::path)
        .containsExactly("tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1");
  }

  @Test
  void tiles_size256_isOneFullTileAndAPartialLevelOneTileOfWidthOne() {
    assertThat(TileId.tiles(256)).extracting(TileId::path)
        .containsExactly("tile/0/000", "tile/1/000.p/1");
    assertThat(TileId.tiles(0)).isEmpty();
    assertThat(TileId.partials(0)).isEmpty();
    assertThat(TileId.tiles(255)).extracting(TileId::path).containsExactly("tile/0/000.p/255");
  }

  @Test
  void tiles_maximalTree_reachesLevelSevenAndStops() {
    assertThat(TileId.partials(Long.MAX_VALUE)).extracting(TileId::level)
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(TileId.partials(Long.MAX_VALUE).get(7).width()).isEqualTo(127);
  }

  @Test
  void of_coordinatesInAndBeyondTheTree_giveFullPartialOrNothing() {
    assertThat(TileId.of(70_000, 0, 10)).contains(TileId.full(0, 10));
    assertThat(TileId.of(70_000, 0, 273)).contains(new TileId(0, 273, 112));
    assertThat(TileId.of(70_000, 0, 274)).isEmpty();
    assertThat(TileId.of(70_000, 2, 0)).contains(new TileId(2, 0, 1));
    assertThat(TileId.of(70_000, 3, 0)).isEmpty();
    assertThat(TileId.of(512, 0, 2)).isEmpty();
  }

  @Test
  void constructor_outOfRange_namesTheCoordinate() {
    assertThatIllegalArgumentException().isThrownBy(() -> new TileId(64, 0, 1))
        .withMessageContaining("level");
    assertThatIllegalArgumentException().isThrownBy(() -> new TileId(0, -1, 1))
        .withMessageContaining("index");
    assertThatIllegalArgumentException().isThrownBy(() -> new TileId(0, 0, 257))
        .withMessageContaining("width");
    assertThatIllegalArgumentException().isThrownBy(() -> new TileId(0, 0, 0))
        .withMessageContaining("width");
    assertThatIllegalArgumentException().isThrownBy(() -> TileId.partials(-1));
  }
}
