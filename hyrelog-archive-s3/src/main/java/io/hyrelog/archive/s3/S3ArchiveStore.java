package io.hyrelog.archive.s3;

import io.hyrelog.Digest;
import io.hyrelog.archive.ArchiveKeys;
import io.hyrelog.archive.ArchiveStoreException;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.spi.RestoreTier;
import io.hyrelog.streams.LookAheadIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.GlacierJobParameters;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.RestoreObjectRequest;
import software.amazon.awssdk.services.s3.model.RestoreRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * The {@link ArchiveStore} on Amazon S3 (or an S3-compatible server), with the AWS SDK v2's
 * synchronous client. Build with {@link #builder(S3ArchiveConfig)}.
 *
 * <p>A put spools its content to a temp file while hashing it (constant memory whatever the
 * size), then uploads it with the {@link S3Uploader}: one PutObject up to the part size, a
 * multipart upload above it (parts read from the spool file; the upload is aborted on any
 * failure, so no part stays billed). The
 * SHA-256 travels as user metadata {@code x-amz-meta-sha256}, and S3 checks the bytes it
 * receives against SHA-256 checksums the SDK sends (the whole object's for PutObject, each
 * part's for multipart). No overwrite, two protections:
 * <ol>
 *   <li>A conditional write, {@code If-None-Match: *} on PutObject and
 *       CompleteMultipartUpload: S3 refuses with 412 (or 409 for a concurrent conditional write)
 *       when the key exists, so of racing writers exactly one wins. This is the real guarantee
 *       on AWS S3 and on servers that implement conditional writes.
 *   <li>A HeadObject before spooling and again before uploading, and one after: a put that
 *       finds another writer's bytes under the key reports {@link ArchiveObjectExistsException}.
 *       On a server that ignores {@code If-None-Match} this is all there is: it catches
 *       sequential duplicates, but two writers racing within one round trip can both upload,
 *       and the later bytes stay (the README says which servers are affected).
 * </ol>
 *
 * <p>{@link #list} pages ListObjectsV2 lazily and costs one HeadObject per object (a listing
 * carries no user metadata). Objects under the bucket prefix whose names are not archive keys
 * are skipped; an archive-key object without {@code x-amz-meta-sha256} is reported with an
 * {@link ArchiveStoreException}.
 *
 * <p>Errors of S3 or the network are {@link UncheckedIOException}s (IOException from {@link
 * #open}) whose message names the operation, bucket and key, HTTP status and S3 error code;
 * never credentials. Thread-safe. Close it to release the HTTP client it created.
 */
public final class S3ArchiveStore implements ArchiveStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3ArchiveStore.class);
  /** User metadata key (sent as {@code x-amz-meta-sha256}). */
  static final String SHA256_METADATA = "sha256";
  private static final int BUFFER = 64 * 1024;

  private final S3ArchiveConfig config;
  private final S3Client s3;
  private final boolean ownsClient;
  private final S3Uploader uploader;
  private final ReentrantLock[] putLocks = new ReentrantLock[64];

  private S3ArchiveStore(S3ArchiveConfig config, S3Client s3, boolean ownsClient) {
    this.config = config;
    this.s3 = s3;
    this.ownsClient = ownsClient;
    this.uploader = newUploader(config, s3);
    for (int i = 0; i < putLocks.length; i++) {
      putLocks[i] = new ReentrantLock();
    }
  }

  public static Builder builder(S3ArchiveConfig config) {
    return new Builder(config);
  }

  public S3ArchiveConfig config() {
    return config;
  }

  @Override
  public ArchiveObject put(String key, InputStream content) {
    ArchiveStore.requireValidKey(key);
    Objects.requireNonNull(content, "content");
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
    Path spool;
    try {
      spool = Files.createTempFile(config.spoolDirectory(), "hyrelog-s3-put-", ".spool");
    } catch (IOException e) {
      throw new UncheckedIOException("archive put of " + describe(key)
          + " failed: cannot create a spool file in " + config.spoolDirectory(), e);
    }
    try {
      Digest sha256;
      long size = 0;
      MessageDigest md = Digest.newSha256();
      try (OutputStream out = Files.newOutputStream(spool, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[BUFFER];
        for (int n = content.read(buf); n >= 0; n = content.read(buf)) {
          md.update(buf, 0, n);
          out.write(buf, 0, n);
          size += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("archive put of " + describe(key)
            + " failed reading its content; nothing was uploaded", e);
      }
      sha256 = Digest.finish(md);
      // Spooling may have taken long: look again before paying for the upload.
      requireAbsent(key);
      try {
        // Uploading the parts may take long: look again before completing (the only
        // protection on servers that ignore If-None-Match on CompleteMultipartUpload).
        uploader.upload(objectKey(key), spool, size, sha256,
            Map.of(SHA256_METADATA, sha256.hex()), () -> requireAbsent(key));
      } catch (S3Exception e) {
        if (isLostRace(e)) {
          ArchiveObject existing = existingAfterLostRace(key, e);
          if (existing.sha256().equals(sha256) && existing.size() == size) {
            // Our own write: the SDK retried a request whose first attempt had succeeded but
            // whose answer was lost (or another writer stored the very same bytes).
            return existing;
          }
          throw new ArchiveObjectExistsException(existing);
        }
        throw failure("put", key, e);
      } catch (SdkException e) {
        throw failure("put", key, e);
      }
      ArchiveObject stored = head(key).orElseThrow(() -> new UncheckedIOException(new IOException(
          "archive put of " + describe(key) + " was acknowledged but the object is not there")));
      if (!stored.sha256().equals(sha256) || stored.size() != size) {
        // Only on a server without conditional writes: another writer's upload landed last.
        throw new ArchiveObjectExistsException(stored);
      }
      return stored;
    } finally {
      try {
        Files.deleteIfExists(spool);
      } catch (IOException e) {
        LOG.warn("Could not delete archive spool file {}: {}", spool, e.getMessage());
      }
    }
  }

  private void requireAbsent(String key) {
    Optional<ArchiveObject> existing = head(key);
    if (existing.isPresent()) {
      throw new ArchiveObjectExistsException(existing.get());
    }
  }

  private static boolean isLostRace(S3Exception e) {
    // 412 PreconditionFailed: the key exists; 409 ConditionalRequestConflict: a concurrent
    // conditional write to the key is in progress.
    return e.statusCode() == 412 || (e.statusCode() == 409 && e.awsErrorDetails() != null
        && "ConditionalRequestConflict".equals(e.awsErrorDetails().errorCode()));
  }

  private ArchiveObject existingAfterLostRace(String key, S3Exception cause) {
    // After a 409 the winner may not have completed yet: ask a few times.
    for (int attempt = 0; attempt < 20; attempt++) {
      Optional<ArchiveObject> winner = head(key);
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
    throw failure("put (lost a race, but the winner's object is not visible)", key, cause);
  }

  @Override
  public Optional<ArchiveObject> head(String key) {
    ArchiveStore.requireValidKey(key);
    return headObject(key).map(h -> toArchiveObject(key, h));
  }

  private Optional<HeadObjectResponse> headObject(String key) {
    try {
      return Optional.of(s3.headObject(HeadObjectRequest.builder().bucket(config.bucket())
          .key(objectKey(key)).build()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("head", key, e);
    } catch (SdkException e) {
      throw failure("head", key, e);
    }
  }

  private ArchiveObject toArchiveObject(String key, HeadObjectResponse h) {
    String hex = h.metadata().get(SHA256_METADATA);
    if (hex == null) {
      throw new ArchiveStoreException("archive object " + describe(key)
          + " has no x-amz-meta-sha256: it was not written by an archive store");
    }
    try {
      return new ArchiveObject(key, h.contentLength(), Digest.parseHex(hex), h.lastModified());
    } catch (IllegalArgumentException e) {
      throw new ArchiveStoreException("archive object " + describe(key)
          + " has a malformed x-amz-meta-sha256", e);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    ArchiveStore.requireValidKey(key);
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(GetObjectRequest.builder()
          .bucket(config.bucket()).key(objectKey(key)).build());
      return in;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new ArchiveObjectNotFoundException(key);
      }
      if (e.statusCode() == 403 && e.awsErrorDetails() != null
          && "InvalidObjectState".equals(e.awsErrorDetails().errorCode())) {
        throw new ArchiveStoreException("archive object " + describe(key)
            + " is in a cold storage class: restore it before reading", e);
      }
      throw new IOException(message("open", key, e), e);
    } catch (SdkException e) {
      throw new IOException(message("open", key, e), e);
    }
  }

  @Override
  public Stream<ArchiveObject> list(String prefix) {
    ArchiveKeys.requireValidPrefix(prefix);
    Iterator<S3Object> listed;
    try {
      listed = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(config.bucket())
          .prefix(config.keyPrefix() + prefix).build()).contents().iterator();
    } catch (SdkException e) {
      throw failure("list", prefix + "*", e);
    }
    Iterator<String> keys = new LookAheadIterator<>() {
      @Override
      protected String computeNext() {
        try {
          while (listed.hasNext()) {
            String key = listed.next().key().substring(config.keyPrefix().length());
            if (isArchiveKey(key)) {
              return key;
            }
            LOG.debug("Skipping s3://{}/{}{}: not an archive key", config.bucket(),
                config.keyPrefix(), key);
          }
        } catch (SdkException e) {
          throw failure("list", prefix + "*", e);
        }
        return endOfData();
      }
    };
    // Removed between listing and head: skipped.
    return ArchiveKeys.objects(keys, this::head);
  }

  private static boolean isArchiveKey(String key) {
    try {
      ArchiveStore.requireValidKey(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void restore(String key, int days, RestoreTier tier) {
    ArchiveStore.requireValidKey(key);
    ArchiveKeys.requireRestoreDays(days);
    Objects.requireNonNull(tier, "tier");
    if (headObject(key).isEmpty()) {
      throw new ArchiveObjectNotFoundException(key);
    }
    try {
      s3.restoreObject(RestoreObjectRequest.builder()
          .bucket(config.bucket())
          .key(objectKey(key))
          .restoreRequest(RestoreRequest.builder()
              .days(days)
              .glacierJobParameters(GlacierJobParameters.builder().tier(toS3(tier)).build())
              .build())
          .build());
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 404) {
        throw new ArchiveObjectNotFoundException(key);
      }
      if ("RestoreAlreadyInProgress".equals(code)) {
        return; // asking again while in progress is not an error
      }
      if ("InvalidObjectState".equals(code)) {
        return; // not in a cold storage class: readable, nothing to restore
      }
      throw failure("restore", key, e);
    } catch (SdkException e) {
      throw failure("restore", key, e);
    }
  }

  static Tier toS3(RestoreTier tier) {
    switch (tier) {
      case EXPEDITED:
        return Tier.EXPEDITED;
      case BULK:
        return Tier.BULK;
      default:
        return Tier.STANDARD;
    }
  }

  @Override
  public RestoreState restoreState(String key) {
    ArchiveStore.requireValidKey(key);
    HeadObjectResponse h = headObject(key)
        .orElseThrow(() -> new ArchiveObjectNotFoundException(key));
    return S3RestoreStatus.parse(h.restore(), h.storageClassAsString(), h.archiveStatusAsString(),
        config.clock().instant());
  }

  /** Closes the S3 client when the store created it. */
  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private String objectKey(String key) {
    return config.keyPrefix() + key;
  }

  private String describe(String key) {
    return "s3://" + config.bucket() + "/" + objectKey(key);
  }

  private String message(String operation, String key, SdkException e) {
    StringBuilder m = new StringBuilder("archive ").append(operation).append(" of ")
        .append(describe(key)).append(" failed");
    if (e instanceof S3Exception) {
      S3Exception s = (S3Exception) e;
      m.append(": HTTP ").append(s.statusCode());
      if (s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
        m.append(' ').append(s.awsErrorDetails().errorCode());
      }
    } else {
      m.append(": ").append(e.getClass().getSimpleName());
    }
    return m.toString();
  }

  private UncheckedIOException failure(String operation, String key, SdkException e) {
    return new UncheckedIOException(new IOException(message(operation, key, e), e));
  }

  /** Builds an {@link S3ArchiveStore}. Not thread-safe. */
  public static final class Builder {
    private final S3ArchiveConfig config;
    private S3Client client;

    private Builder(S3ArchiveConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Uses this client (the caller keeps it and closes it) instead of creating one from the
     * configuration's region, endpoint, path style and credentials.
     */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    public S3ArchiveStore build() {
      if (client != null) {
        return new S3ArchiveStore(config, client, false);
      }
      return new S3ArchiveStore(config, newClient(config), true);
    }
  }

  private static S3Uploader newUploader(S3ArchiveConfig config, S3Client s3) {
    S3Uploader.Builder u = S3Uploader.builder(s3, config.bucket()).partSize(config.partSize())
        .clock(config.clock());
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

  /** The client a store creates for itself from its configuration. */
  static S3Client newClient(S3ArchiveConfig config) {
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(config.credentialsProvider())
        .forcePathStyle(config.pathStyleAccess())
        // The store sends SHA-256 checksums itself (PutObject, UploadPart); no CRC32 trailers.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofMinutes(2)));
    config.endpointOverride().ifPresent(b::endpointOverride);
    return b.build();
  }
}
