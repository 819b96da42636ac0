package io.hyrelog.archive.s3;

import io.hyrelog.Digest;
import io.hyrelog.RestoreTier;
import io.hyrelog.archive.ArchiveKeys;
import io.hyrelog.archive.ArchiveStoreException;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveObjectRetainedException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

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
 *
 * <p>Inside, each concern has its own class: {@code S3Objects} (keys, HeadObject, listing,
 * error messages), {@code S3ObjectWriter} (spooling and the never-overwriting put), {@code
 * S3Restores} (restore requests and state) and {@link S3Uploader} (single and multipart
 * uploads, encryption, storage class, Object Lock).
 */
public final class S3ArchiveStore implements ArchiveStore, AutoCloseable {
  private final S3ArchiveConfig config;
  private final S3Client s3;
  private final boolean ownsClient;
  private final S3Objects objects;
  private final S3ObjectWriter writer;
  private final S3Restores restores;

  private S3ArchiveStore(S3ArchiveConfig config, S3Client s3, boolean ownsClient) {
    this.config = config;
    this.s3 = s3;
    this.ownsClient = ownsClient;
    this.objects = new S3Objects(s3, config.bucket(), config.keyPrefix());
    this.writer = new S3ObjectWriter(objects, config);
    this.restores = new S3Restores(objects, config.clock());
  }

  /**
   * Starts a store on the configured bucket; without {@link Builder#client} it creates (and on
   * {@link #close} closes) its own S3 client.
   *
   * @param config the bucket, encryption, Object Lock and upload settings
   * @return a new builder
   */
  public static Builder builder(S3ArchiveConfig config) {
    return new Builder(config);
  }

  /**
   * The configuration this store was built with.
   *
   * @return the configuration
   */
  public S3ArchiveConfig config() {
    return config;
  }

  @Override
  public ArchiveObject put(String key, InputStream content) {
    ArchiveStore.requireValidKey(key);
    Objects.requireNonNull(content, "content");
    return writer.put(key, content);
  }

  @Override
  public Optional<ArchiveObject> head(String key) {
    ArchiveStore.requireValidKey(key);
    return objects.head(key);
  }

  @Override
  public InputStream open(String key) throws IOException {
    ArchiveStore.requireValidKey(key);
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(GetObjectRequest.builder()
          .bucket(config.bucket()).key(objects.objectKey(key)).build());
      return in;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new ArchiveObjectNotFoundException(key);
      }
      if (e.statusCode() == 403 && "InvalidObjectState".equals(S3Objects.errorCode(e))) {
        throw new ArchiveStoreException("archive object " + objects.describe(key)
            + " is in a cold storage class: restore it before reading", e);
      }
      throw new IOException(objects.message("open", key, e), e);
    } catch (SdkException e) {
      throw new IOException(objects.message("open", key, e), e);
    }
  }

  @Override
  public Stream<ArchiveObject> list(String prefix) {
    ArchiveKeys.requireValidPrefix(prefix);
    return objects.list(prefix);
  }

  /**
   * The later of the retain-until date HeadObject reports (Object Lock, either mode) and, when
   * this store puts objects under Object Lock ({@link S3ArchiveConfig#objectLock()}), the
   * object's LastModified plus the configured days: a server that does not report retention
   * (or a header lost on the way) never makes the store delete early.
   */
  @Override
  public Optional<Instant> retainedUntil(String key) {
    ArchiveStore.requireValidKey(key);
    HeadObjectResponse h = objects.headObject(key)
        .orElseThrow(() -> new ArchiveObjectNotFoundException(key));
    return retainedUntil(h);
  }

  private Optional<Instant> retainedUntil(HeadObjectResponse h) {
    Optional<Instant> reported = Optional.ofNullable(h.objectLockRetainUntilDate());
    Optional<Instant> configured = config.objectLock().flatMap(l ->
        Optional.ofNullable(h.lastModified()).map(m -> m.plus(Duration.ofDays(l.days()))));
    if (reported.isPresent() && configured.isPresent()) {
      return Optional.of(reported.get().isAfter(configured.get()) ? reported.get()
          : configured.get());
    }
    return reported.isPresent() ? reported : configured;
  }

  /**
   * Refuses while {@link #retainedUntil} is after the configuration's clock, then deletes the
   * object's current version (DeleteObject with its version id when the bucket is versioned, as
   * Object Lock buckets are: no delete marker hides a kept version). S3 itself also refuses a
   * locked version.
   */
  @Override
  public boolean delete(String key) {
    ArchiveStore.requireValidKey(key);
    Optional<HeadObjectResponse> h = objects.headObject(key);
    if (h.isEmpty()) {
      return false;
    }
    Optional<Instant> until = retainedUntil(h.get());
    if (until.isPresent() && until.get().isAfter(config.clock().instant())) {
      throw new ArchiveObjectRetainedException(key, until.get());
    }
    DeleteObjectRequest.Builder req = DeleteObjectRequest.builder().bucket(config.bucket())
        .key(objects.objectKey(key));
    String version = h.get().versionId();
    if (version != null && !version.isEmpty() && !"null".equals(version)) {
      req.versionId(version);
    }
    try {
      s3.deleteObject(req.build());
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw objects.failure("delete", key, e);
    } catch (SdkException e) {
      throw objects.failure("delete", key, e);
    }
  }

  @Override
  public void restore(String key, int days, RestoreTier tier) {
    ArchiveStore.requireValidKey(key);
    ArchiveKeys.requireRestoreDays(days);
    Objects.requireNonNull(tier, "tier");
    restores.restore(key, days, tier);
  }

  @Override
  public RestoreState restoreState(String key) {
    ArchiveStore.requireValidKey(key);
    return restores.restoreState(key);
  }

  /** Closes the S3 client when the store created it. */
  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
    }
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
     *
     * @param client the S3 client to use
     * @return this builder
     */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the store. It does not contact S3: a missing bucket or bad credentials surface on the
     * first operation.
     *
     * @return a thread-safe store
     */
    public S3ArchiveStore build() {
      if (client != null) {
        return new S3ArchiveStore(config, client, false);
      }
      return new S3ArchiveStore(config, newClient(config), true);
    }
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
