package io.hyrelog.tlog;

import io.hyrelog.Digest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiles in a map, kept the way a store keeps them (one row per level and index, the widest
 * version), grown with {@link TileWriter} and read with prefix semantics. Test helper.
 */
final class MemoryTiles implements TileSource {
  final Map<String, Tile> stored = new HashMap<>();
  long size;
  int reads;

  /** Appends leaves through TileWriter and stores what it returns; returns that. */
  List<Tile> append(List<Digest> leaves) {
    List<Tile> edge = TileId.partials(size).stream().map(id -> read(List.of(id)).get(id))
        .toList();
    List<Tile> written = TileWriter.append(size, edge, leaves);
    for (Tile t : written) {
      stored.put(key(t.id()), t);
    }
    size += leaves.size();
    return written;
  }

  @Override
  public Map<TileId, Tile> read(Collection<TileId> ids) {
    reads++;
    Map<TileId, Tile> out = new HashMap<>();
    for (TileId id : ids) {
      Tile t = stored.get(key(id));
      if (t != null && t.width() >= id.width()) {
        out.put(id, t.prefix(id.width()));
      }
    }
    return out;
  }

  static String key(TileId id) {
    return id.level() + "/" + id.index();
  }
}
