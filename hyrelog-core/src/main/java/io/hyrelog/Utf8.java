package io.hyrelog;

import io.hyrelog.InvalidJsonException.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Checks on raw UTF-8 bytes ahead of the JSON parser, and SWAR helpers the writer shares. */
final class Utf8 {
  /** Reads 8 bytes at a time, to skip ASCII runs. */
  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** The high bit of each of 8 bytes: set only in bytes of non-ASCII characters. */
  static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}


  /**
   * Rejects what Jackson would let through or misread: a BOM (skipped silently), NUL in the first
   * bytes (taken as UTF-16 or UTF-32) and malformed UTF-8 (decoded leniently).
   */
  static void checkEncoding(byte[] b) {
    if (b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
      throw new InvalidJsonException(Reason.SYNTAX, "byte order mark", 1, 1);
    }
    for (int i = 0; i < Math.min(4, b.length); i++) {
      if (b[i] == 0) {
        throw located(Reason.SYNTAX, "NUL byte", b, i);
      }
    }
    int bad = firstInvalidUtf8(b);
    if (bad >= 0) {
      throw located(Reason.INVALID_UTF8, "invalid UTF-8", b, bad);
    }
  }

  /** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
  static int firstInvalidUtf8(byte[] b) {
    int n = b.length;
    int i = 0;
    while (i < n) {
      if (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      if (c < 0xC2) {
        return i; // a continuation byte, or an overlong two-byte form
      }
      if (c < 0xE0) {
        if (!continuation(b, i + 1)) {
          return i;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (!continuation(b, i + 1) || !continuation(b, i + 2)) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
          return i; // overlong, or an encoded surrogate
        }
        i += 3;
      } else if (c < 0xF5) {
        if (!continuation(b, i + 1) || !continuation(b, i + 2) || !continuation(b, i + 3)) {
          return i;
        }
        int c1 = b[i + 1] & 0xFF;
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
          return i; // overlong, or beyond U+10FFFF
        }
        i += 4;
      } else {
        return i;
      }
    }
    return -1;
  }

  private static boolean continuation(byte[] b, int i) {
    return i < b.length && (b[i] & 0xC0) == 0x80;
  }

  /** An exception located at a byte offset, counting lines the way Jackson does. */
  static InvalidJsonException located(Reason reason, String problem, byte[] b, int offset) {
    long line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= b.length || b[i + 1] != '\n'))) {
        line++;
        lineStart = i + 1;
      }
    }
    return new InvalidJsonException(reason, problem, line, offset - lineStart + 1);
  }
}
