package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The JSON Canonicalization Scheme (RFC 8785) over strict I-JSON (RFC 7493): the bytes that event
 * hashes are computed over. The output is fixed by the RFC and must never change.
 *
 * <p>Parsing accepts exactly one JSON value of any kind in UTF-8 and rejects, with {@link
 * InvalidJsonException}, everything I-JSON rules out: invalid UTF-8, a byte order mark, duplicate
 * keys, unpaired surrogates, NaN and infinities, numbers that overflow or underflow a double, and
 * integers beyond ±(2^53−1). Numbers are read as doubles, as RFC 8785 requires; an integral value
 * within ±(2^53−1) becomes a {@link LongNode}, any other a {@link DoubleNode}. The result is a
 * plain Jackson tree; callers must treat it as immutable.
 *
 * <p>One rule goes beyond the letter of I-JSON so that canonicalization is idempotent: an integral
 * number from 2^53 up to 10^21 is rejected however it is written ({@code 1e20}, {@code 2.5e16}),
 * because RFC 8785 writes it back as a bare integer literal ({@code 100000000000000000000}), which
 * the integer rule above would then reject. From 10^21 on the canonical form has an exponent, so
 * {@code 1e21} and {@code 1e30} are fine.
 *
 * <p>All methods are static and thread-safe. Nothing is written to a stream unless the whole value
 * is valid.
 */
public final class Jcs {
  /** Nesting limit of arrays and objects when none is given, and the largest one allowed. */
  static final int MAX_DEPTH = 1000;

  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  static final double MAX_SAFE_DOUBLE = MAX_SAFE_INTEGER;
  /** The smallest integral double that ECMAScript writes with an exponent. */
  static final double FIRST_EXPONENT_INTEGER = 1e21;

  private Jcs() {}

  /**
   * Parses one I-JSON value from UTF-8 bytes, nested at most 1000 deep. Thread-safe.
   *
   * @param utf8 the bytes
   * @return the value
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static JsonNode parse(byte[] utf8) {
    return parse(utf8, MAX_DEPTH);
  }

  /**
   * Parses one I-JSON value from UTF-8 bytes with arrays and objects nested at most {@code
   * maxDepth} deep ({@code []} is depth 1, a bare scalar depth 0). Thread-safe.
   *
   * @param utf8 the bytes
   * @param maxDepth the deepest nesting allowed, 0..1000
   * @return the value
   * @throws IllegalArgumentException when {@code maxDepth} is not between 0 and 1000
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value or nest deeper
   */
  public static JsonNode parse(byte[] utf8, int maxDepth) {
    Objects.requireNonNull(utf8, "utf8");
    if (maxDepth < 0 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("maxDepth must be between 0 and " + MAX_DEPTH);
    }
    return JcsReader.parse(utf8, maxDepth);
  }

  /**
   * Parses one I-JSON value from text, nested at most 1000 deep. Thread-safe.
   *
   * @param json the text
   * @return the value
   * @throws InvalidJsonException when the text is not one valid I-JSON value; columns in its
   *     location count UTF-16 units
   */
  public static JsonNode parse(String json) {
    Objects.requireNonNull(json, "json");
    return JcsReader.parse(json);
  }

  /**
   * Reads {@code in} to its end and parses it as one I-JSON value in UTF-8, nested at most 1000
   * deep. Does not close {@code in}. Thread-safe if {@code in} is not shared.
   *
   * @param in the stream
   * @return the value
   * @throws IOException when reading {@code in} fails
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static JsonNode parse(InputStream in) throws IOException {
    return parse(in.readAllBytes());
  }

  /**
   * The canonical form of one I-JSON value given as UTF-8 bytes. Thread-safe.
   *
   * @param utf8 the bytes
   * @return the canonical bytes, UTF-8
   * @throws InvalidJsonException when the bytes are not one valid I-JSON value
   */
  public static byte[] canonicalize(byte[] utf8) {
    JsonNode tree = parse(utf8);
    JcsWriter writer = new JcsWriter(utf8.length + 16);
    writer.value(tree, 0);
    return writer.toByteArray();
  }

  /**
   * The canonical form, in UTF-8, of one I-JSON value given as text. Thread-safe.
   *
   * @param json the text
   * @return the canonical bytes, UTF-8
   * @throws InvalidJsonException when the text is not one valid I-JSON value
   */
  public static byte[] canonicalize(String json) {
    JsonNode tree = parse(json);
    JcsWriter writer = new JcsWriter(json.length() + 16);
    writer.value(tree, 0);
    return writer.toByteArray();
  }

  /**
   * The canonical form of a tree, parsed or built by hand. Numbers are taken as doubles: {@code
   * FloatNode} and {@code DecimalNode} values are converted to the nearest double first. Does not
   * modify the tree; thread-safe as long as no other thread modifies it meanwhile.
   *
   * @param node the tree
   * @return the canonical bytes, UTF-8
   * @throws InvalidJsonException when the tree holds something I-JSON cannot carry: NaN or an
   *     infinity, an integer beyond ±(2^53−1), a decimal beyond the double range, an unpaired
   *     surrogate, a binary, POJO or missing node, or nesting deeper than 1000
   */
  public static byte[] canonicalize(JsonNode node) {
    Objects.requireNonNull(node, "node");
    JcsWriter writer = new JcsWriter(1024);
    writer.value(node, 0);
    return writer.toByteArray();
  }

  /**
   * Writes the canonical form of a tree to {@code out}, as {@link #canonicalize(JsonNode)} does.
   * The whole form is built before anything is written, so an invalid tree writes nothing. Does
   * not flush or close {@code out}.
   *
   * @param node the tree
   * @param out where to write
   * @throws InvalidJsonException when the tree holds something I-JSON cannot carry
   * @throws IOException when writing to {@code out} fails
   */
  public static void write(JsonNode node, OutputStream out) throws IOException {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(out, "out");
    JcsWriter writer = new JcsWriter(1024);
    writer.value(node, 0);
    writer.writeTo(out);
  }
}
