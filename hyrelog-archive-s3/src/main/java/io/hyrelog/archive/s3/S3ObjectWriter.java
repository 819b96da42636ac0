package io.hyrelog.archive.s3;

import io.hyrelog.Digest;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Puts that never overwrite: the content is spooled to a private temp file while hashed
 * (constant memory), the key is looked up before spooling, before uploading and before
 * completing, and the upload is a conditional write ({@code If-None-Match: *}) through the
 * {@link S3Uploader}; a lost race reports the winner's object. Writers of one key in this
 * process take turns. Thread-safe.
 */
final class S3ObjectWriter {
  private static final int BUFFER = 64 * 1024;
  /** The spool file's name stem: {@code .hyrelog-s3-put~<random>~tmp} in the spool directory. */
  private static final String SPOOL_NAME = "hyrelog-s3-put";

  private final S3Objects objects;
  private final Path spoolDirectory;
  private final S3Uploader uploader;
  private final ReentrantLock[] putLocks = new ReentrantLock[64];

  S3ObjectWriter(S3Objects objects, S3ArchiveConfig config) {
    this.objects = objects;
    this.spoolDirectory = config.spoolDirectory();
    this.uploader = newUploader(config, objects);
    for (int i = 0; i < putLocks.length; i++) {
      putLocks[i] = new ReentrantLock();
    }
  }

  /** See {@link S3ArchiveStore#put}. */
  ArchiveObject put(String key, InputStream content) {
    // Writers of one key in this process take turns, so they never depend on the server's
    // conditional write (some S3-compatible servers check If-None-Match non-atomically): the
    // later ones fail at the HEAD pre-check without uploading.
    ReentrantLock lock = putLocks[Math.floorMod(key.hashCode(), putLocks.length)];
    lock.lock();
    try {
      return putLocked(key, content);
    } finally {
      lock.unlock();
    }
  }

  private ArchiveObject putLocked(String key, InputStream content) {
    requireAbsent(key);
    // The spool is never published: closing it removes it.
    try (StagedFile spool = newSpool(key)) {
      long size;
      MessageDigest md = Digest.newSha256();
      try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(
          spool.outputStream(), BUFFER), md)) {
        size = content.transferTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException("archive put of " + objects.describe(key)
            + " failed reading or spooling its content; nothing was uploaded", e);
      }
      Digest sha256 = Digest.finish(md);
      // Spooling may have taken long: look again before paying for the upload.
      requireAbsent(key);
      Optional<ArchiveObject> same = upload(key, spool.temporary(), size, sha256);
      if (same.isPresent()) {
        return same.get();
      }
      ArchiveObject stored = objects.head(key).orElseThrow(() -> new UncheckedIOException(
          new IOException("archive put of " + objects.describe(key)
              + " was acknowledged but the object is not there")));
      if (!stored.sha256().equals(sha256) || stored.size() != size) {
        // Only on a server without conditional writes: another writer's upload landed last.
        throw new ArchiveObjectExistsException(stored);
      }
      return stored;
    }
  }

  private StagedFile newSpool(String key) {
    try {
      return StagedFile.create(spoolDirectory.resolve(SPOOL_NAME), FileMode.PRIVATE);
    } catch (IOException e) {
      throw new UncheckedIOException("archive put of " + objects.describe(key)
          + " failed: cannot create a spool file in " + spoolDirectory, e);
    }
  }

  /**
   * Uploads the spool; empty when it stored the object, the object when a lost race found the
   * very same bytes under the key.
   */
  private Optional<ArchiveObject> upload(String key, Path spool, long size, Digest sha256) {
    try {
      // Uploading the parts may take long: look again before completing (the only
      // protection on servers that ignore If-None-Match on CompleteMultipartUpload).
      uploader.upload(objects.objectKey(key), spool, size, sha256,
          Map.of(S3Objects.SHA256_METADATA, sha256.hex()), () -> requireAbsent(key));
      return Optional.empty();
    } catch (S3Exception e) {
      if (isLostRace(e)) {
        ArchiveObject existing = existingAfterLostRace(key, e);
        if (existing.sha256().equals(sha256) && existing.size() == size) {
          // Our own write: the SDK retried a request whose first attempt had succeeded but
          // whose answer was lost (or another writer stored the very same bytes).
          return Optional.of(existing);
        }
        throw new ArchiveObjectExistsException(existing);
      }
      throw objects.failure("put", key, e);
    } catch (SdkException e) {
      throw objects.failure("put", key, e);
    }
  }

  private void requireAbsent(String key) {
    Optional<ArchiveObject> existing = objects.head(key);
    if (existing.isPresent()) {
      throw new ArchiveObjectExistsException(existing.get());
    }
  }

  private static boolean isLostRace(S3Exception e) {
    // 412 PreconditionFailed: the key exists; 409 ConditionalRequestConflict: a concurrent
    // conditional write to the key is in progress.
    return e.statusCode() == 412 || (e.statusCode() == 409
        && "ConditionalRequestConflict".equals(S3Objects.errorCode(e)));
  }

  private ArchiveObject existingAfterLostRace(String key, S3Exception cause) {
    // After a 409 the winner may not have completed yet: ask a few times.
    for (int attempt = 0; attempt < 20; attempt++) {
      Optional<ArchiveObject> winner = objects.head(key);
      if (winner.isPresent()) {
        return winner.get();
      }
      try {
        Thread.sleep(50L * (attempt + 1));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw objects.failure("put (lost a race, but the winner's object is not visible)", key,
        cause);
  }

  private static S3Uploader newUploader(S3ArchiveConfig config, S3Objects objects) {
    S3Uploader.Builder u = S3Uploader.builder(objects.client(), config.bucket())
        .partSize(config.partSize()).clock(config.clock());
    switch (config.encryption()) {
      case SSE_S3:
        u.sseS3();
        break;
      case SSE_KMS:
        u.sseKms(config.kmsKeyId().orElse(null));
        break;
      default:
        u.noEncryption();
        break;
    }
    config.storageClass().ifPresent(u::storageClass);
    config.objectLock().ifPresent(lock -> u.objectLock(lock.mode(), Duration.ofDays(lock.days())));
    return u.build();
  }
}
