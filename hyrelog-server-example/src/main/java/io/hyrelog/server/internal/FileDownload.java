package io.hyrelog.server.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Sends a stored, write-once file as a download: streamed from disk in constant memory, with
 * {@code ETag} (strong: the file's identity, size and modification time, so it changes whenever
 * the bytes could have), {@code If-None-Match} (304), {@code Range} with one byte range (206 and
 * {@code Content-Range}; {@code If-Range} with the ETag), and 416 {@code
 * RANGE_NOT_SATISFIABLE} with {@code Content-Range: bytes *}{@code /size} for a bytes range that
 * is malformed, has several ranges or starts beyond the end. A Range of another unit is ignored
 * (RFC 9110 §14.2). Failures before the first byte are problems; after it the response is
 * aborted ({@link StreamedResponse}).
 */
public final class FileDownload {
  private static final int BUFFER = 64 * 1024;
  /** Digits of a range bound: enough for any file, bounded before parsing. */
  private static final int MAX_DIGITS = 18;
  private static final int MAX_RANGE_HEADER = 200;

  private FileDownload() {}

  /** One satisfiable byte range, {@code first..last} inclusive. */
  record ByteRange(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  /**
   * The range a {@code Range} header asks of a file of {@code size} bytes: empty for the whole
   * file (no header, or another unit).
   *
   * @throws ApiException RANGE_NOT_SATISFIABLE naming the problem
   */
  static Optional<ByteRange> range(String header, long size) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.trim();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return Optional.empty(); // not a bytes range: ignored
    }
    if (h.length() > MAX_RANGE_HEADER) {
      throw unsatisfiable(size, "the Range header is longer than " + MAX_RANGE_HEADER
          + " characters");
    }
    String spec = h.substring(eq + 1).trim();
    if (spec.contains(",")) {
      throw unsatisfiable(size, "one byte range per request");
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw unsatisfiable(size, "a byte range is first-last, first- or -suffix");
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    if (a.isEmpty()) {
      long suffix = number(b, size);
      if (suffix == 0 || size == 0) {
        throw unsatisfiable(size, "an empty suffix range");
      }
      return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
    }
    long first = number(a, size);
    long last = b.isEmpty() ? size - 1 : number(b, size);
    if (last < first) {
      throw unsatisfiable(size, "the range ends before it starts");
    }
    if (first >= size) {
      throw unsatisfiable(size, "the range starts at byte " + first + " of a " + size
          + "-byte file");
    }
    return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
  }

  private static long number(String s, long size) {
    if (s.isEmpty() || s.length() > MAX_DIGITS || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw unsatisfiable(size, "a range bound is a decimal number of at most " + MAX_DIGITS
          + " digits");
    }
    return Long.parseLong(s);
  }

  private static ApiException unsatisfiable(long size, String why) {
    return new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, "Range not satisfiable: " + why
        + " (the file has " + size + " bytes)");
  }

  /**
   * Answers {@code ctx} with {@code file}.
   *
   * @param ctx the request
   * @param file the file (not followed when a symbolic link)
   * @param contentType its media type
   * @param fileName the name offered in {@code Content-Disposition}
   * @param what what is sent, for log lines
   * @throws ApiException NOT_FOUND when the file is missing (named by {@code what})
   */
  public static void send(Context ctx, Path file, String contentType, String fileName,
      String what) {
    FileChannel ch;
    BasicFileAttributes attrs;
    try {
      attrs = java.nio.file.Files.readAttributes(file, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw ApiException.notFound(what);
      }
      ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw ApiException.notFound(what);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot open " + what, e);
    }
    try (FileChannel in = ch) {
      long size = in.size();
      String etag = etag(attrs, size);
      ctx.header("ETag", etag);
      ctx.header("Accept-Ranges", "bytes");
      ctx.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
          attrs.lastModifiedTime().toInstant().atOffset(ZoneOffset.UTC)));
      ctx.header("Cache-Control", "private, no-cache");
      if (matches(ctx.header("If-None-Match"), etag)) {
        ctx.status(304);
        return;
      }
      String ifRange = ctx.header("If-Range");
      Optional<ByteRange> range;
      try {
        range = ifRange != null && !ifRange.trim().equals(etag) ? Optional.empty()
            : range(ctx.header("Range"), size);
      } catch (ApiException e) {
        ctx.header("Content-Range", "bytes */" + size);
        throw e;
      }
      long first = range.map(ByteRange::first).orElse(0L);
      long length = range.map(ByteRange::length).orElse(size);
      ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
      ctx.contentType(contentType);
      if (range.isPresent()) {
        ctx.status(206);
        ctx.header("Content-Range", "bytes " + first + "-" + range.get().last() + "/" + size);
      } else {
        ctx.status(200);
      }
      ctx.res().setContentLengthLong(length);
      try {
        OutputStream out = ctx.outputStream();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long pos = first;
        long left = length;
        while (left > 0) {
          buf.clear().limit((int) Math.min(BUFFER, left));
          int n = in.read(buf, pos);
          if (n < 0) {
            throw new IOException("file " + what + " ended at byte " + pos + " of " + size);
          }
          out.write(buf.array(), 0, n);
          pos += n;
          left -= n;
        }
        out.flush();
      } catch (IOException | RuntimeException e) {
        StreamedResponse.fail(ctx, e, what);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + what, e);
    }
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String t : ifNoneMatch.split(",", 50)) {
      String v = t.trim();
      if (v.equals("*") || v.equals(etag) || v.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /** A strong validator: the file's identity (inode), size and modification time. */
  static String etag(BasicFileAttributes a, long size) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((a.fileKey() + "|" + size + "|" + a.lastModifiedTime().toMillis())
          .getBytes(StandardCharsets.UTF_8));
      return "\"" + HexFormat.of().formatHex(md.digest(), 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
