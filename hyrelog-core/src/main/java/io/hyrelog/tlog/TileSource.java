package io.hyrelog.tlog;

import java.util.Collection;
import java.util.Map;

/**
 * Where a {@link TiledTree} reads tiles: a store ({@link io.hyrelog.spi.ChainTree}), a directory
 * or HTTP server of C2SP tiles, or a map in memory.
 */
@FunctionalInterface
public interface TileSource {
  /**
   * The tiles among {@code ids} that exist, each with exactly the requested width (a source
   * holding a wider version of a tile returns its {@link Tile#prefix}).
   *
   * @param ids the tiles wanted
   * @return the tiles found, keyed by their id; ids not found are absent
   */
  Map<TileId, Tile> read(Collection<TileId> ids);
}
