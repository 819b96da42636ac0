package io.hyrelog.tlog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TileSource} that keeps the last tiles it read, so that many proofs of neighbouring
 * leaves in one tree (the events of an export, one after another) read each tile once instead
 * of once per proof. Bounded: at most {@code maxTiles} tiles (8 KiB each at most) are kept, the
 * least recently used dropped first. A tile id names its width, and a tile of a given id never
 * changes (C2SP tlog-tiles), so a kept tile is never stale.
 *
 * <p>Not thread-safe: use one per reader.
 */
public final class TileCache implements TileSource {
  private final TileSource source;
  private final int maxTiles;
  private final LinkedHashMap<TileId, Tile> kept;

  /**
   * A cache in front of {@code source}.
   *
   * @param source where tiles not kept are read
   * @param maxTiles how many tiles to keep, at least 1
   * @throws IllegalArgumentException when {@code maxTiles} is below 1
   */
  public TileCache(TileSource source, int maxTiles) {
    this.source = Objects.requireNonNull(source, "source");
    if (maxTiles < 1) {
      throw new IllegalArgumentException("maxTiles must be >= 1, got " + maxTiles);
    }
    this.maxTiles = maxTiles;
    this.kept = new LinkedHashMap<>(16, 0.75f, true);
  }

  @Override
  public Map<TileId, Tile> read(Collection<TileId> ids) {
    Map<TileId, Tile> out = new HashMap<>();
    List<TileId> missing = new ArrayList<>();
    for (TileId id : ids) {
      Tile t = kept.get(id);
      if (t != null) {
        out.put(id, t);
      } else {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      Map<TileId, Tile> read = source.read(missing);
      out.putAll(read);
      for (Map.Entry<TileId, Tile> e : read.entrySet()) {
        kept.put(e.getKey(), e.getValue());
        if (kept.size() > maxTiles) {
          TileId eldest = kept.keySet().iterator().next();
          kept.remove(eldest);
        }
      }
    }
    return out;
  }

  /**
   * How many tiles are kept now (at most {@code maxTiles}).
   *
   * @return the number of kept tiles
   */
  public int size() {
    return kept.size();
  }
}
