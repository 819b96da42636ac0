package io.hyrelog.compliance.s3;

import io.hyrelog.archive.s3.S3Uploader;
import io.hyrelog.compliance.export.ExportDelivery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Delivers to an S3 bucket (AWS SDK v2) with server-side encryption on every object: SSE-S3
 * ({@code AES256}, the default) or SSE-KMS with a key id. Uploads go through the archive
 * module's {@link S3Uploader}: files up to the part size in one {@code PutObject}, larger ones
 * as a multipart upload streamed from the file part by part (constant memory), aborted on
 * failure so no partial object appears; S3 checks every part's SHA-256. An existing object is
 * never replaced: a HEAD check before the upload (and before completing a multipart upload),
 * and a conditional write ({@code If-None-Match: *}) that S3 refuses when the key exists. The
 * {@link S3Client} is the caller's (this class does not close it). Thread-safe.
 */
public final class S3Delivery implements ExportDelivery {
  /** Default part size of multipart uploads: 16 MiB. */
  public static final long DEFAULT_PART_SIZE = 16L << 20;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final ServerSideEncryption sse;
  private final S3Uploader uploader;

  private S3Delivery(Builder b) {
    this.client = b.client;
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.sse = b.sse;
    S3Uploader.Builder u = S3Uploader.builder(b.client, b.bucket).partSize(b.partSize);
    if (b.sse == ServerSideEncryption.AWS_KMS) {
      u.sseKms(b.kmsKeyId);
    } else {
      u.sseS3();
    }
    this.uploader = u.build();
  }

  /**
   * Starts a delivery to a bucket, with SSE-S3, no key prefix and {@link #DEFAULT_PART_SIZE} parts
   * unless set otherwise.
   *
   * @param client the S3 client to upload with; the caller keeps it and closes it
   * @param bucket the bucket's name; it must exist
   * @return a new builder
   */
  public static Builder builder(S3Client client, String bucket) {
    return new Builder(client, bucket);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException also when an object of that name exists (it is not overwritten)
   */
  @Override
  public String deliver(String objectName, Path file) throws IOException {
    String key = prefix + ExportDelivery.requireRelativeName(objectName);
    try {
      requireAbsent(key);
      // Uploading the parts may take long: look again before completing (the only protection
      // on servers that ignore If-None-Match on CompleteMultipartUpload).
      uploader.upload(key, file, () -> requireAbsent(key));
    } catch (ExistingObject e) {
      throw new IOException("S3 target " + where(key) + " already exists; it is not overwritten");
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || (e.statusCode() == 409 && e.awsErrorDetails() != null
          && "ConditionalRequestConflict".equals(e.awsErrorDetails().errorCode()))) {
        throw new IOException("S3 target " + where(key) + " already exists; it is not"
            + " overwritten (HTTP " + e.statusCode() + ")", e);
      }
      throw uploadFailed(key, e);
    } catch (SdkException e) {
      throw uploadFailed(key, e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return where(key);
  }

  private void requireAbsent(String key) {
    try {
      client.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return; // no such key (or no such bucket: the upload then says so)
      }
      throw e;
    }
    throw new ExistingObject();
  }

  private String where(String key) {
    return "s3://" + bucket + "/" + key;
  }

  private IOException uploadFailed(String key, SdkException e) {
    return new IOException("S3 upload of " + key + " to bucket " + bucket + " failed: "
        + e.getMessage(), e);
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix + " (SSE " + sse + ")";
  }

  /** The key exists: found by a HEAD check (control flow inside this class only). */
  private static final class ExistingObject extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExistingObject() {
      super(null, null, false, false);
    }
  }

  /** Builds an {@link S3Delivery}; each setter rejects a bad value at once. */
  public static final class Builder {
    private final S3Client client;
    private final String bucket;
    private String prefix = "";
    private ServerSideEncryption sse = ServerSideEncryption.AES256;
    private String kmsKeyId;
    private long partSize = DEFAULT_PART_SIZE;

    private Builder(S3Client client, String bucket) {
      this.client = Objects.requireNonNull(client, "client");
      if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException("bucket must be a valid S3 bucket name: " + bucket);
      }
      this.bucket = bucket;
    }

    /**
     * Key prefix before every object name: empty, or ending in {@code /}.
     *
     * @param prefix the prefix, empty (the default) or ending in {@code /}; not starting with
     *     {@code /}
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
        throw new IllegalArgumentException("keyPrefix must be empty or end with / (and not"
            + " start with /): " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * SSE-S3: {@code x-amz-server-side-encryption: AES256} (the default).
     *
     * @return this builder
     */
    public Builder sseS3() {
      this.sse = ServerSideEncryption.AES256;
      this.kmsKeyId = null;
      return this;
    }

    /**
     * SSE-KMS with the given KMS key id or ARN (or the bucket's default key when null).
     *
     * @param kmsKeyId the KMS key id or ARN, or null for the bucket's default KMS key; not
     *     blank
     * @return this builder
     */
    public Builder sseKms(String kmsKeyId) {
      if (kmsKeyId != null && kmsKeyId.isBlank()) {
        throw new IllegalArgumentException("kmsKeyId must not be blank");
      }
      this.sse = ServerSideEncryption.AWS_KMS;
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /**
     * Part size of multipart uploads (and the single-PUT limit), 5 MiB .. 5 GiB.
     *
     * @param bytes the part size in bytes, from 5 MiB to 5 GiB
     * @return this builder
     */
    public Builder partSize(long bytes) {
      if (bytes < S3Uploader.MIN_PART_SIZE || bytes > S3Uploader.MAX_PART_SIZE) {
        throw new IllegalArgumentException("partSize must be 5 MiB .. 5 GiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * Builds the delivery.
     *
     * @return a thread-safe delivery that uploads with the client given to
     *     {@link S3Delivery#builder}
     */
    public S3Delivery build() {
      return new S3Delivery(this);
    }
  }
}
