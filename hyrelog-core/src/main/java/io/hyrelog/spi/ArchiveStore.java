package io.hyrelog.spi;

import io.hyrelog.RestoreTier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Write-once object storage for archive segments, snapshots and evidence bundles (S3, a local
 * directory). Implementations MUST be thread-safe. Keys are relative paths of
 * {@code [A-Za-z0-9._-]} segments separated by {@code /}.
 *
 * <p>Contract (checked by the testkit's archive contract suite):
 * <ul>
 *   <li>{@link #put} streams its content (memory independent of size), records the SHA-256 of
 *       exactly the bytes stored, and MUST NOT overwrite: when the key exists it fails with
 *       {@link ArchiveObjectExistsException} and leaves the existing object untouched, also when
 *       two writers race for one key. An object is visible to {@link #head} and {@link #open}
 *       only once complete: a crash mid-put leaves either no object or the whole object.
 *   <li>When {@code put} returns, the object is durable.
 *   <li>{@link #open} returns the stored bytes; callers verify them against the recorded hash
 *       rather than trusting the store.
 * </ul>
 */
public interface ArchiveStore {

  /**
   * Stores {@code content} (read to its end, not closed) under {@code key}.
   *
   * @param key the archive key
   * @param content the bytes to store
   * @return the stored object's size and SHA-256
   * @throws ArchiveObjectExistsException when the key already exists
   * @throws UncheckedIOException when reading the content or writing the store fails; no
   *     object is then visible under the key
   */
  ArchiveObject put(String key, InputStream content);

  /**
   * The object's description, or empty when there is none.
   *
   * @param key the archive key
   * @return the object's key, size and SHA-256, or empty
   */
  Optional<ArchiveObject> head(String key);

  /**
   * The object's bytes. The caller closes the stream.
   *
   * @param key the archive key
   * @return the object's bytes, from the start
   * @throws ArchiveObjectNotFoundException when there is no such object
   * @throws java.io.IOException when the store cannot be read
   */
  InputStream open(String key) throws IOException;

  /**
   * Objects whose keys start with {@code prefix}, in key order (which for the key alphabet is
   * both {@link String#compareTo} and S3's byte order), fetched lazily. The caller closes the
   * stream. Temp and metadata files of a store are never listed.
   *
   * @param prefix empty for all objects, or the beginning of a key: characters of the key
   *     alphabet and {@code /}, no empty, {@code .} or {@code ..} segment before its last
   *     {@code /}
   * @return the objects, lazily; close the stream
   * @throws IllegalArgumentException when the prefix is not of that form
   */
  Stream<ArchiveObject> list(String prefix);

  /**
   * Asks the store to make a cold object readable for {@code days} days (S3: {@code
   * RestoreObject}; stores without a real cold tier simulate it on their clock). Returns at once;
   * follow progress with {@link #restoreState}. Asking again while a restore is in progress or
   * the object is readable is not an error.
   *
   * @param key the archive key
   * @param days how long the restored copy stays readable, in days
   * @param tier how fast (and at what cost) the store restores
   * @throws ArchiveObjectNotFoundException when there is no such object
   * @throws IllegalArgumentException when {@code days} is outside 1..365
   */
  void restore(String key, int days, RestoreTier tier);

  /**
   * The object's cold-tier state.
   *
   * @param key the archive key
   * @return the object's restore state
   * @throws ArchiveObjectNotFoundException when there is no such object
   */
  RestoreState restoreState(String key);

  /**
   * Until when the store keeps the object whatever is asked (S3 Object Lock retention, in either
   * mode), or empty when nothing holds it. Archive expiry never deletes before this instant.
   * Stores without retention answer empty (the default).
   *
   * @param key the archive key
   * @return the end of the object's retention, or empty
   * @throws ArchiveObjectNotFoundException when there is no such object
   */
  default Optional<Instant> retainedUntil(String key) {
    head(key).orElseThrow(() -> new ArchiveObjectNotFoundException(key));
    return Optional.empty();
  }

  /**
   * Deletes an object whose retention ended (the only removal the port offers: archive expiry
   * at the end of a plan's archive retention). Idempotent: no object under the key is not an
   * error. The default refuses: a store that cannot delete keeps everything.
   *
   * @param key the archive key
   * @return true when an object was deleted, false when there was none
   * @throws ArchiveObjectRetainedException when {@link #retainedUntil} is still ahead; nothing
   *     is deleted
   * @throws UnsupportedOperationException when the store does not delete
   * @throws UncheckedIOException when the store fails
   */
  default boolean delete(String key) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not delete");
  }

  /**
   * Checks a key's syntax.
   *
   * @param key the key to check
   * @return {@code key} itself
   * @throws IllegalArgumentException naming the problem
   */
  static String requireValidKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      throw new IllegalArgumentException("an archive key has 1-1024 characters");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "archive key '" + key + "' has an empty, '.' or '..' segment");
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok) {
          throw new IllegalArgumentException(
              "archive key '" + key + "' has a character outside [A-Za-z0-9._-/]");
        }
      }
    }
    return key;
  }
}
