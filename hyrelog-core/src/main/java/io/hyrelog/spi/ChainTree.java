package io.hyrelog.spi;

import io.hyrelog.EventScope;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TileSource;
import io.hyrelog.tlog.TileWriter;
import java.util.Collection;
import java.util.Map;

/**
 * The stored Merkle tree of every chain of an {@link EventStore}, as C2SP tlog tiles (see {@link
 * io.hyrelog.tlog}): what lets {@link io.hyrelog.log.EventLog} compute a checkpoint, an inclusion
 * proof or a consistency proof at any acknowledged size from {@code O(log n)} stored hashes,
 * without reading events. A store offers it through {@link EventStore#tree()}; the testkit's
 * {@code ChainTreeContract} checks every implementation.
 *
 * <h2>Writing (inside {@link EventStore#append})</h2>
 * An implementation MUST, in the same transaction that stores a batch's created events and
 * under the same chain lock:
 * <ul>
 *   <li>read the stored tiles {@link TileId#partials(long) TileId.partials(head)} of the chain,
 *       call {@link TileWriter#append TileWriter.append(head, thoseTiles, createdEventHashes)}
 *       and store every tile it returns, replacing the stored tile of the same level and index;
 *   <li>store nothing else: every stored tile is a tile {@link TileWriter} produced from the
 *       chain's event hashes in seq order, so level-0 hashes are the event hashes.
 * </ul>
 * A batch that stores nothing (replays only, or a failure) changes no tile. Once {@code append}
 * returns, the tiles of the new head are as durable as its events.
 *
 * <h2>Immutability</h2>
 * A full tile (256 hashes) MUST never change and MUST never be deleted. A partial tile MUST only
 * be replaced by a wider tile (or the full tile) of the same level and index, of which it is a
 * prefix. Tiles are never purged: they MUST survive the archival and purge of the events they
 * cover (about 32 bytes per event), so proofs keep working for archived ranges. Erasing personal
 * data changes no event hash and MUST change no tile. An implementation SHOULD make its storage
 * refuse other changes (for example with database triggers).
 *
 * <h2>Reading</h2>
 * Reads see committed state only. {@link #size} is read before tiles: because tiles only grow,
 * every tile of any size up to a size once returned stays readable. Reads are scoped like
 * {@link EventStore#read}: a workspace scope sees its own chain only; a chain outside the scope
 * has size 0 and no tiles. Implementations MUST be thread-safe.
 */
public interface ChainTree {

  /**
   * The number of leaves the stored tree of the chain covers: the chain's head seq when the
   * tree is kept in step with appends; less while an existing chain's tree is being built
   * (back-filled); 0 for an unknown chain or one outside the scope.
   *
   * @param chain a workspace scope
   * @return the number of leaves, 0 or more
   * @throws IllegalArgumentException when the scope is company-wide
   */
  long size(EventScope chain);

  /**
   * The chain's tiles among {@code ids}, each with exactly the requested width: a stored tile
   * at least as wide as asked is returned as its {@link Tile#prefix}; an id whose level and
   * index are not stored, or are stored narrower than asked, is absent from the result.
   *
   * @param chain a workspace scope
   * @param ids at most 1,000 tile ids
   * @return the tiles found, keyed by the requested id
   * @throws IllegalArgumentException when the scope is company-wide or more than 1,000 ids are
   *     asked for
   */
  Map<TileId, Tile> tiles(EventScope chain, Collection<TileId> ids);

  /**
   * The tiles of one chain, as a {@link TileSource} for {@link io.hyrelog.tlog.TiledTree}.
   *
   * @param chain a workspace scope
   * @return the chain's tiles
   */
  default TileSource source(EventScope chain) {
    chain.requireWorkspace();
    return ids -> tiles(chain, ids);
  }
}
