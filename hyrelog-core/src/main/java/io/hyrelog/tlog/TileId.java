package io.hyrelog.tlog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The coordinates of one C2SP tlog tile: its level {@code L}, its index {@code N} within the
 * level and its width {@code W} (the number of hashes; 256 for a full tile). The tile holds the
 * Merkle tree's node hashes at level {@code 8L} with indexes {@code N * 256} to {@code N * 256 +
 * W - 1}; it spans leaves {@code N * 256^(L+1)} up to {@code (N + 1) * 256^(L+1)} when full.
 *
 * <p>Immutable and thread-safe.
 *
 * @param level the tile level, 0 to 63
 * @param index the tile index within the level, from 0
 * @param width the number of hashes, 1 to 256
 */
public record TileId(int level, long index, int width) {
  /** The tile height: each tile level covers 8 levels of the Merkle tree. */
  public static final int HEIGHT = 8;

  /** The number of hashes in a full tile. */
  public static final int FULL_WIDTH = 1 << HEIGHT;

  private static final int MAX_LEVEL = 63;
  private static final String PREFIX = "tile/";

  /**
   * @param level the tile level, 0 to 63
   * @param index the tile index within the level, from 0
   * @param width the number of hashes, 1 to 256
   * @throws IllegalArgumentException when a coordinate is out of range
   */
  public TileId {
    if (level < 0 || level > MAX_LEVEL) {
      throw new IllegalArgumentException("a tile level is 0.." + MAX_LEVEL + ", got " + level);
    }
    if (index < 0) {
      throw new IllegalArgumentException("a tile index is >= 0, got " + index);
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw new IllegalArgumentException("a tile width is 1.." + FULL_WIDTH + ", got " + width);
    }
  }

  /**
   * The full tile at {@code level} and {@code index}.
   *
   * @param level the tree level, 0 for leaves
   * @param index the tile's index within its level
   * @return the tile's id
   */
  public static TileId full(int level, long index) {
    return new TileId(level, index, FULL_WIDTH);
  }

  /**
   * Whether the tile holds 256 hashes (and so never changes).
   *
   * @return true for a full tile
   */
  public boolean isFull() {
    return width == FULL_WIDTH;
  }

  /**
   * The tile's C2SP path, {@code tile/<L>/<N>[.p/<W>]}, with {@code N} in zero-padded 3-digit
   * segments of which all but the last start with {@code x}: index 1234067 is {@code
   * x001/x234/067}.
   *
   * @return the path
   */
  public String path() {
    StringBuilder sb = new StringBuilder(32).append(PREFIX).append(level).append('/');
    String digits = Long.toString(index);
    int pad = (3 - digits.length() % 3) % 3;
    digits = "0".repeat(pad) + digits;
    for (int i = 0; i < digits.length(); i += 3) {
      if (i > 0) {
        sb.append('/');
      }
      if (i + 3 < digits.length()) {
        sb.append('x');
      }
      sb.append(digits, i, i + 3);
    }
    if (!isFull()) {
      sb.append(".p/").append(width);
    }
    return sb.toString();
  }

  /**
   * Parses a path written by {@link #path()}, strictly: the spelling is unique (no extra leading
   * zeros or segments, no {@code .p/256}).
   *
   * @param path the path
   * @return the tile's id
   * @throws IllegalArgumentException when {@code path} is not a tile path
   */
  public static TileId parsePath(String path) {
    if (path == null || !path.startsWith(PREFIX) || path.length() > 64) {
      throw new IllegalArgumentException("not a tile path (tile/<L>/<N>[.p/<W>])");
    }
    String rest = path.substring(PREFIX.length());
    int width = FULL_WIDTH;
    int partial = rest.indexOf(".p/");
    if (partial >= 0) {
      width = parseDecimal(rest.substring(partial + 3), 3);
      if (width < 1 || width >= FULL_WIDTH) {
        throw new IllegalArgumentException("a partial tile width is 1..255");
      }
      rest = rest.substring(0, partial);
    }
    String[] parts = rest.split("/", -1);
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a tile path (tile/<L>/<N>[.p/<W>])");
    }
    int level = parseDecimal(parts[0], 2);
    StringBuilder digits = new StringBuilder();
    for (int i = 1; i < parts.length; i++) {
      String seg = parts[i];
      boolean last = i == parts.length - 1;
      if (!last) {
        if (!seg.startsWith("x")) {
          throw new IllegalArgumentException("tile index segments other than the last start"
              + " with x");
        }
        seg = seg.substring(1);
      }
      if (seg.length() != 3 || !seg.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("tile index segments are 3 decimal digits");
      }
      digits.append(seg);
    }
    long index;
    try {
      index = Long.parseLong(digits.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tile index is larger than 2^63 - 1");
    }
    TileId id = new TileId(level, index, width);
    if (!id.path().equals(path)) {
      throw new IllegalArgumentException("not the canonical spelling of a tile path");
    }
    return id;
  }

  private static int parseDecimal(String s, int maxDigits) {
    if (s.isEmpty() || s.length() > maxDigits || (s.length() > 1 && s.charAt(0) == '0')
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("tile level and width are decimal numbers without"
          + " leading zeros");
    }
    return Integer.parseInt(s);
  }

  /**
   * The tile at {@code level} and {@code index} in the tree of {@code treeSize} leaves: full if
   * the tree fills it, else partial with as many hashes as the tree has there; empty when the
   * tree has no hash in it.
   *
   * @param treeSize the tree's number of leaves
   * @param level the tree level
   * @param index the tile's index within its level
   * @return the tile's id, or empty
   * @throws IllegalArgumentException when the size is negative or a coordinate out of range
   */
  public static Optional<TileId> of(long treeSize, int level, long index) {
    requireSize(treeSize);
    if (level < 0 || level > MAX_LEVEL || index < 0) {
      throw new IllegalArgumentException("no tile " + level + "/" + index);
    }
    long count = hashesAt(treeSize, level);
    long full = count >>> HEIGHT;
    if (index < full) {
      return Optional.of(full(level, index));
    }
    int rest = (int) (count & (FULL_WIDTH - 1));
    return index == full && rest > 0 ? Optional.of(new TileId(level, index, rest))
        : Optional.empty();
  }

  /**
   * The partial tiles of the tree of {@code treeSize} leaves, at most one per level, lowest
   * level first: the tiles a store reads (and {@link TileWriter} rewrites) when it appends. A
   * tree of size 70,000 has {@code tile/0/273.p/112}, {@code tile/1/001.p/17} and {@code
   * tile/2/000.p/1}.
   *
   * @param treeSize the tree's number of leaves
   * @return the partial tiles
   * @throws IllegalArgumentException when the size is negative
   */
  public static List<TileId> partials(long treeSize) {
    requireSize(treeSize);
    List<TileId> out = new ArrayList<>(8);
    for (int level = 0; hashesAt(treeSize, level) > 0; level++) {
      long count = hashesAt(treeSize, level);
      int rest = (int) (count & (FULL_WIDTH - 1));
      if (rest > 0) {
        out.add(new TileId(level, count >>> HEIGHT, rest));
      }
    }
    return out;
  }

  /**
   * Every tile of the tree of {@code treeSize} leaves, lowest level first and by index within a
   * level: {@code treeSize / 256} full level-0 tiles and so on, plus the {@link #partials}. A
   * lazy stream (about {@code treeSize / 255} tiles).
   *
   * @param treeSize the tree's number of leaves
   * @return the tiles, lazily
   * @throws IllegalArgumentException when the size is negative
   */
  public static Stream<TileId> tiles(long treeSize) {
    requireSize(treeSize);
    return Stream.iterate(0, level -> hashesAt(treeSize, level) > 0, level -> level + 1)
        .flatMap(level -> {
          long count = hashesAt(treeSize, level);
          int rest = (int) (count & (FULL_WIDTH - 1));
          Stream<TileId> full = LongStream.range(0, count >>> HEIGHT)
              .mapToObj(n -> full(level, n));
          return rest == 0 ? full
              : Stream.concat(full, Stream.of(new TileId(level, count >>> HEIGHT, rest)));
        });
  }

  /** The number of complete node hashes at Merkle level {@code 8 * level}: {@code size / 256^L}. */
  static long hashesAt(long treeSize, int level) {
    int shift = HEIGHT * level;
    return shift >= Long.SIZE ? 0 : treeSize >>> shift;
  }

  private static void requireSize(long treeSize) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("a tree size is >= 0, got " + treeSize);
    }
  }

  @Override
  public String toString() {
    return path();
  }
}
