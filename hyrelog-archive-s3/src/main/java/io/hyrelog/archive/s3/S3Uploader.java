package io.hyrelog.archive.s3;

import io.hyrelog.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads a complete local file as one S3 object: one {@code PutObject} up to the part size, a
 * multipart upload above it with the parts read from the file one at a time (constant memory;
 * a retried part re-reads its bytes). The one uploader of the project: {@link S3ArchiveStore}
 * and the compliance S3 delivery ({@code io.hyrelog:hyrelog-compliance-s3}) both use it.
 *
 * <p>Every object gets:
 * <ul>
 *   <li>SHA-256 checksums that S3 checks against the bytes it receives: the whole object's on
 *       {@code PutObject}, each part's on {@code UploadPart} (sent as headers, not as aws-chunked
 *       trailers, which S3-compatible servers often do not understand);
 *   <li>a conditional write, {@code If-None-Match: *} on {@code PutObject} and {@code
 *       CompleteMultipartUpload}: S3 refuses to replace an existing key with 412 (or 409 when
 *       another conditional write to the key is in progress);
 *   <li>the configured server-side encryption, storage class and Object Lock retention, and the
 *       caller's user metadata.
 * </ul>
 * A failed multipart upload is aborted, so no partial object appears and no part stays billed.
 *
 * <p>SDK errors reach the caller unchanged ({@link S3Exception} with status and error code), so
 * it decides what a refused conditional write means. The {@link S3Client} is the caller's; this
 * class never closes it. Immutable and thread-safe.
 */
public final class S3Uploader {
  /** S3's smallest part (except the last). */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  /** S3's largest part. */
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
  private static final int BUFFER = 64 * 1024;
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Client s3;
  private final String bucket;
  private final long partSize;
  private final Optional<ServerSideEncryption> encryption;
  private final Optional<String> kmsKeyId;
  private final Optional<StorageClass> storageClass;
  private final Optional<ObjectLockMode> lockMode;
  private final Duration lockRetention;
  private final Clock clock;

  private S3Uploader(Builder b) {
    this.s3 = b.s3;
    this.bucket = b.bucket;
    this.partSize = b.partSize;
    this.encryption = Optional.ofNullable(b.encryption);
    this.kmsKeyId = Optional.ofNullable(b.kmsKeyId);
    this.storageClass = Optional.ofNullable(b.storageClass);
    this.lockMode = Optional.ofNullable(b.lockMode);
    this.lockRetention = b.lockRetention;
    this.clock = b.clock;
  }

  /**
   * An uploader into {@code bucket} through {@code s3} (which the caller keeps and closes).
   *
   * @param s3 the S3 client; the caller keeps it and closes it
   * @param bucket the bucket's name
   * @return a new builder
   */
  public static Builder builder(S3Client s3, String bucket) {
    return new Builder(s3, bucket);
  }

  /**
   * The bucket this uploader writes to.
   *
   * @return the bucket's name
   */
  public String bucket() {
    return bucket;
  }

  /**
   * Files larger than this are uploaded in parts of this size.
   *
   * @return the part size in bytes
   */
  public long partSize() {
    return partSize;
  }

  /**
   * Uploads the whole of {@code file} as {@code key}, without user metadata; its size and
   * SHA-256 are computed by reading it once before the upload.
   *
   * @param beforeComplete as in {@link #upload(String, Path, long, Digest, Map, Runnable)}
   * @param key the object's key
   * @param file the file to upload; it must not change during the upload
   * @throws IOException when the file cannot be read
   * @throws SdkException as the SDK reports it (an {@link S3Exception} with status 412 or 409
   *     when the key exists or another conditional write to it is in progress)
   */
  public void upload(String key, Path file, Runnable beforeComplete) throws IOException {
    long size = Files.size(file);
    Digest sha256;
    try (InputStream in = Files.newInputStream(file)) {
      sha256 = sha256(in);
    }
    try {
      upload(key, file, size, sha256, Map.of(), beforeComplete);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Uploads {@code file}, of {@code size} bytes whose SHA-256 is {@code sha256}, as {@code key}.
   *
   * @param metadata user metadata ({@code x-amz-meta-*}) of the object
   * @param beforeComplete on the multipart path, runs after the last part and before {@code
   *     CompleteMultipartUpload}: a last check (uploading parts may take long) that aborts the
   *     upload by throwing
   * @param key the object's key
   * @param file the file to upload; it must not change during the upload
   * @param size the file's size in bytes
   * @param sha256 the file's SHA-256, which S3 checks against the bytes it receives
   * @throws SdkException as the SDK reports it (an {@link S3Exception} with status 412 or 409
   *     when the key exists or another conditional write to it is in progress)
   * @throws UncheckedIOException when the file cannot be read
   */
  public void upload(String key, Path file, long size, Digest sha256,
      Map<String, String> metadata, Runnable beforeComplete) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(beforeComplete, "beforeComplete");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + size);
    }
    if (size <= partSize) {
      putSingle(key, file, size, sha256, metadata);
    } else {
      putMultipart(key, file, size, metadata, beforeComplete);
    }
  }

  private void putSingle(String key, Path file, long size, Digest sha256,
      Map<String, String> metadata) {
    PutObjectRequest.Builder req = PutObjectRequest.builder()
        .bucket(bucket)
        .key(key)
        .contentLength(size)
        .contentType(CONTENT_TYPE)
        .metadata(metadata)
        .checksumSHA256(Base64.getEncoder().encodeToString(sha256.bytes()))
        .ifNoneMatch("*");
    encryption.ifPresent(req::serverSideEncryption);
    kmsKeyId.ifPresent(req::ssekmsKeyId);
    storageClass.ifPresent(req::storageClass);
    lockMode.ifPresent(mode -> req.objectLockMode(mode)
        .objectLockRetainUntilDate(clock.instant().plus(lockRetention)));
    s3.putObject(req.build(), RequestBody.fromFile(file));
  }

  private void putMultipart(String key, Path file, long size, Map<String, String> metadata,
      Runnable beforeComplete) {
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
        .bucket(bucket)
        .key(key)
        .contentType(CONTENT_TYPE)
        .metadata(metadata)
        .checksumAlgorithm(ChecksumAlgorithm.SHA256);
    encryption.ifPresent(create::serverSideEncryption);
    kmsKeyId.ifPresent(create::ssekmsKeyId);
    storageClass.ifPresent(create::storageClass);
    lockMode.ifPresent(mode -> create.objectLockMode(mode)
        .objectLockRetainUntilDate(clock.instant().plus(lockRetention)));
    String uploadId = s3.createMultipartUpload(create.build()).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long offset = 0;
      for (int partNumber = 1; offset < size; partNumber++) {
        long length = Math.min(partSize, size - offset);
        try (FileSlice slice = new FileSlice(file, offset, length)) {
          String partSha256 = slice.sha256Base64();
          UploadPartRequest part = UploadPartRequest.builder()
              .bucket(bucket)
              .key(key)
              .uploadId(uploadId)
              .partNumber(partNumber)
              .contentLength(length)
              .checksumSHA256(partSha256)
              .build();
          UploadPartResponse r = s3.uploadPart(part,
              RequestBody.fromContentProvider(slice, length, CONTENT_TYPE));
          parts.add(CompletedPart.builder().partNumber(partNumber).eTag(r.eTag())
              .checksumSHA256(partSha256).build());
        }
        offset += length;
      }
      beforeComplete.run();
      s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
          .bucket(bucket)
          .key(key)
          .uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
          .ifNoneMatch("*")
          .build());
    } catch (RuntimeException e) {
      try {
        s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(key)
            .uploadId(uploadId).build());
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  /** SHA-256 of the rest of {@code in} (not closed). */
  private static Digest sha256(InputStream in) throws IOException {
    MessageDigest md = Digest.newSha256();
    byte[] buf = new byte[BUFFER];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      md.update(buf, 0, n);
    }
    return Digest.finish(md);
  }

  /** One part of the file, re-readable (the SDK may read it twice: signing, retries). */
  private static final class FileSlice implements ContentStreamProvider, AutoCloseable {
    private final Path file;
    private final long offset;
    private final long length;
    private InputStream current;

    FileSlice(Path file, long offset, long length) {
      this.file = file;
      this.offset = offset;
      this.length = length;
    }

    String sha256Base64() {
      try (InputStream in = newStream()) {
        return Base64.getEncoder().encodeToString(sha256(in).bytes());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read upload file " + file, e);
      } finally {
        current = null;
      }
    }

    @Override
    public InputStream newStream() {
      close();
      try {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        current = new BoundedInputStream(Channels.newInputStream(ch), length);
        return current;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read upload file " + file, e);
      }
    }

    @Override
    public void close() {
      if (current != null) {
        try {
          current.close();
        } catch (IOException e) {
          // a read-only channel: nothing was lost
        }
        current = null;
      }
    }
  }

  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Builds an {@link S3Uploader}; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private final S3Client s3;
    private final String bucket;
    private long partSize = 8L * 1024 * 1024;
    private ServerSideEncryption encryption;
    private String kmsKeyId;
    private StorageClass storageClass;
    private ObjectLockMode lockMode;
    private Duration lockRetention = Duration.ZERO;
    private Clock clock = Clock.systemUTC();

    private Builder(S3Client s3, String bucket) {
      this.s3 = Objects.requireNonNull(s3, "s3");
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("bucket must not be blank");
      }
      this.bucket = bucket;
    }

    /**
     * Part size of multipart uploads and the single-PUT limit, 5 MiB .. 5 GiB (default 8 MiB).
     *
     * @param bytes the part size in bytes, 5 MiB to 5 GiB
     * @return this builder
     */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
        throw new IllegalArgumentException("partSize must be 5 MiB .. 5 GiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * No encryption header: the bucket's default encryption applies (the default).
     *
     * @return this builder
     */
    public Builder noEncryption() {
      this.encryption = null;
      this.kmsKeyId = null;
      return this;
    }

    /**
     * SSE-S3: {@code x-amz-server-side-encryption: AES256}.
     *
     * @return this builder
     */
    public Builder sseS3() {
      this.encryption = ServerSideEncryption.AES256;
      this.kmsKeyId = null;
      return this;
    }

    /**
     * SSE-KMS with this KMS key id or ARN, or with the account's S3 key when null.
     *
     * @param keyId the KMS key id or ARN, or null; not blank
     * @return this builder
     */
    public Builder sseKms(String keyId) {
      if (keyId != null && keyId.isBlank()) {
        throw new IllegalArgumentException("sseKms keyId must not be blank (null for the"
            + " account's S3 key)");
      }
      this.encryption = ServerSideEncryption.AWS_KMS;
      this.kmsKeyId = keyId;
      return this;
    }

    /**
     * Storage class of new objects (default: the bucket's, STANDARD).
     *
     * @param storageClass the storage class
     * @return this builder
     */
    public Builder storageClass(StorageClass storageClass) {
      this.storageClass = Objects.requireNonNull(storageClass, "storageClass");
      return this;
    }

    /**
     * Object Lock retention on every new object, until the upload's time (by {@link #clock})
     * plus {@code retention}. The bucket must have Object Lock enabled.
     *
     * @param mode GOVERNANCE or COMPLIANCE
     * @param retention how long after the upload objects stay locked; positive
     * @return this builder
     */
    public Builder objectLock(ObjectLockMode mode, Duration retention) {
      Objects.requireNonNull(mode, "mode");
      if (mode != ObjectLockMode.GOVERNANCE && mode != ObjectLockMode.COMPLIANCE) {
        throw new IllegalArgumentException(
            "objectLock mode must be GOVERNANCE or COMPLIANCE, got " + mode);
      }
      if (retention == null || retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("objectLock retention must be positive, got "
            + retention);
      }
      this.lockMode = mode;
      this.lockRetention = retention;
      return this;
    }

    /**
     * The clock of Object Lock retain-until dates (default: the system clock, UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the uploader.
     *
     * @return a thread-safe uploader
     */
    public S3Uploader build() {
      return new S3Uploader(this);
    }
  }
}
