/**
 * A chain's Merkle tree kept as C2SP {@code tlog-tiles} (<a
 * href="https://c2sp.org/tlog-tiles">c2sp.org/tlog-tiles</a>), so that a root, an inclusion
 * proof or a consistency proof at any size costs {@code O(log n)} stored hashes and never a scan
 * of the events.
 *
 * <p>Tiles have height 8: a tile at level {@code L} holds up to 256 consecutive node hashes of
 * the Merkle tree's level {@code 8L}; level-0 tiles hold the leaf hashes (HyreLog event hashes),
 * each hash of a level-{@code L+1} tile is the root of a full level-{@code L} tile. A tile with
 * 256 hashes is full and never changes; the rightmost tile of a level may be partial ({@code
 * .p/W}, 1 to 255 hashes) and grows as the tree grows. A partial tile of a smaller tree is a
 * prefix of the same tile of a larger tree.
 *
 * <ul>
 *   <li>{@link io.hyrelog.tlog.TileId}: a tile's coordinates, its path, and which tiles a tree of
 *       a given size consists of;
 *   <li>{@link io.hyrelog.tlog.TileWriter}: the pure function a store applies in its append
 *       transaction (old partial tiles and new leaf hashes in, tiles to write out);
 *   <li>{@link io.hyrelog.tlog.TiledTree}: roots, leaf hashes and proofs of a tree of a given
 *       size read from tiles ({@link io.hyrelog.tlog.TileSource}, for example a {@link
 *       io.hyrelog.spi.ChainTree}).
 * </ul>
 */
package io.hyrelog.tlog;
