package io.hyrelog.archive;

import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.streams.LookAheadIterator;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Argument checks and the lazy listing every {@link io.hyrelog.spi.ArchiveStore} adapter shares,
 * so all stores accept and reject the same prefixes and restore periods (keys themselves are
 * checked by {@link io.hyrelog.spi.ArchiveStore#requireValidKey}). Stateless; thread-safe.
 */
public final class ArchiveKeys {
  private ArchiveKeys() {}

  /**
   * A list prefix is empty or a key's beginning: characters of the key alphabet and {@code /},
   * no empty, {@code .} or {@code ..} segment before its last {@code /}.
   *
   * @param prefix the prefix
   * @return the prefix
   * @throws IllegalArgumentException naming the problem
   */
  public static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("a list prefix must not be null (use \"\" for all)");
    }
    if (prefix.length() > 1024) {
      throw new IllegalArgumentException("a list prefix has at most 1024 characters");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!isKeyChar(c) && c != '/') {
        throw new IllegalArgumentException(
            "list prefix '" + prefix + "' has a character outside [A-Za-z0-9._-/]");
      }
    }
    int lastSlash = prefix.lastIndexOf('/');
    if (lastSlash >= 0) {
      for (String segment : prefix.substring(0, lastSlash).split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException(
              "list prefix '" + prefix + "' has an empty, '.' or '..' segment");
        }
      }
    }
    return prefix;
  }

  static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
  }

  /**
   * Restore days accepted by every store (S3's own bounds are wider).
   *
   * @param days the number of days
   * @return the days
   * @throws IllegalArgumentException when {@code days} is outside 1..365
   */
  public static int requireRestoreDays(int days) {
    if (days < 1 || days > 365) {
      throw new IllegalArgumentException("restore days must be in 1..365, got " + days);
    }
    return days;
  }

  /**
   * The objects of {@code keys} in their order, each described by {@code head}; a key whose
   * object vanished between listing and head (empty) is skipped. Lazy: keys are listed and
   * described as the stream is consumed.
   *
   * @param keys the keys, in order
   * @param head describes a key's object, or is empty when it is gone
   * @return the objects, lazily
   */
  public static Stream<ArchiveObject> objects(Iterator<String> keys,
      Function<String, Optional<ArchiveObject>> head) {
    return new LookAheadIterator<ArchiveObject>() {
      @Override
      protected ArchiveObject computeNext() {
        while (keys.hasNext()) {
          Optional<ArchiveObject> o = head.apply(keys.next());
          if (o.isPresent()) {
            return o.get();
          }
        }
        return endOfData();
      }
    }.stream();
  }
}
