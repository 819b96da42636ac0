package io.hyrelog.tlog;

import io.hyrelog.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One C2SP tlog tile: its {@link TileId} and its hashes, {@code 32 * width} bytes (the exact body
 * a tlog-tiles server serves at {@link TileId#path()}). Immutable and thread-safe; the bytes are
 * copied in and out; equality is by id and content.
 */
public final class Tile {
  private final TileId id;
  private final byte[] hashes;

  private Tile(TileId id, byte[] hashes) {
    this.id = id;
    this.hashes = hashes;
  }

  /**
   * A tile from its stored bytes (copied).
   *
   * @param id the tile's coordinates
   * @param hashes the hashes, concatenated
   * @return the tile
   * @throws IllegalArgumentException when there are not exactly {@code 32 * id.width()} bytes
   */
  public static Tile of(TileId id, byte[] hashes) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hashes, "hashes");
    if (hashes.length != Digest.LENGTH * id.width()) {
      throw new IllegalArgumentException("tile " + id + " has " + Digest.LENGTH * id.width()
          + " bytes, got " + hashes.length);
    }
    return new Tile(id, hashes.clone());
  }

  /**
   * A tile from its hashes.
   *
   * @param id the tile's coordinates
   * @param hashes the hashes
   * @return the tile
   * @throws IllegalArgumentException when there are not exactly {@code id.width()} hashes
   */
  public static Tile of(TileId id, List<Digest> hashes) {
    Objects.requireNonNull(id, "id");
    if (hashes.size() != id.width()) {
      throw new IllegalArgumentException("tile " + id + " has " + id.width() + " hashes, got "
          + hashes.size());
    }
    byte[] bytes = new byte[Digest.LENGTH * hashes.size()];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i).bytes(), 0, bytes, i * Digest.LENGTH, Digest.LENGTH);
    }
    return new Tile(id, bytes);
  }

  /**
   * The tile's coordinates.
   *
   * @return the id
   */
  public TileId id() {
    return id;
  }

  /**
   * The number of hashes.
   *
   * @return the width, 1..256
   */
  public int width() {
    return id.width();
  }

  /**
   * The hash at position {@code i} (0-based) in the tile.
   *
   * @param i the position
   * @return the hash
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < width()}
   */
  public Digest hash(int i) {
    Objects.checkIndex(i, id.width());
    return Digest.of(Arrays.copyOfRange(hashes, i * Digest.LENGTH, (i + 1) * Digest.LENGTH));
  }

  /**
   * The hashes, in order.
   *
   * @return a new list
   */
  public List<Digest> hashes() {
    List<Digest> out = new ArrayList<>(id.width());
    for (int i = 0; i < id.width(); i++) {
      out.add(hash(i));
    }
    return out;
  }

  /**
   * A copy of the tile's bytes: its hashes concatenated.
   *
   * @return a new array
   */
  public byte[] bytes() {
    return hashes.clone();
  }

  /**
   * The same tile in a smaller tree: its first {@code width} hashes. A store holding a wider
   * version of a tile answers a request for a narrower one with this.
   *
   * @param width the smaller width
   * @return the narrower tile
   * @throws IllegalArgumentException unless {@code 1 <= width <= width()}
   */
  public Tile prefix(int width) {
    if (width < 1 || width > id.width()) {
      throw new IllegalArgumentException("tile " + id + " has no prefix of " + width
          + " hashes");
    }
    if (width == id.width()) {
      return this;
    }
    return new Tile(new TileId(id.level(), id.index(), width),
        Arrays.copyOf(hashes, width * Digest.LENGTH));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tile t && id.equals(t.id) && Arrays.equals(hashes, t.hashes);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Arrays.hashCode(hashes);
  }

  @Override
  public String toString() {
    return "Tile[" + id.path() + "]";
  }
}
