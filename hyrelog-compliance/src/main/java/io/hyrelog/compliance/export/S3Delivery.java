package io.hyrelog.compliance.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Delivers to an S3 bucket (AWS SDK v2) with server-side encryption on every object: SSE-S3
 * ({@code AES256}, the default) or SSE-KMS with a key id. Files up to the part size go in one
 * {@code PutObject}; larger ones as a multipart upload streamed from the file part by part
 * (constant memory), aborted on failure so no partial object appears. The {@link S3Client} is
 * the caller's (this class does not close it).
 */
public final class S3Delivery implements ExportDelivery {
  /** Default part size of multipart uploads: 16 MiB. */
  public static final long DEFAULT_PART_SIZE = 16L << 20;
  private static final long MIN_PART_SIZE = 5L << 20;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final ServerSideEncryption sse;
  private final Optional<String> kmsKeyId;
  private final long partSize;

  private S3Delivery(Builder b) {
    this.client = b.client;
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.sse = b.sse;
    this.kmsKeyId = Optional.ofNullable(b.kmsKeyId);
    this.partSize = b.partSize;
  }

  public static Builder builder(S3Client client, String bucket) {
    return new Builder(client, bucket);
  }

  @Override
  public String deliver(String objectName, Path file) throws IOException {
    String key = prefix + ExportDelivery.requireRelativeName(objectName);
    long size = Files.size(file);
    try {
      if (size <= partSize) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key)
            .contentLength(size).contentType("application/octet-stream")
            .serverSideEncryption(sse);
        kmsKeyId.ifPresent(put::ssekmsKeyId);
        client.putObject(put.build(), RequestBody.fromFile(file));
      } else {
        multipart(key, file, size);
      }
    } catch (SdkException e) {
      throw new IOException("S3 upload of " + key + " to bucket " + bucket + " failed: "
          + e.getMessage(), e);
    }
    return "s3://" + bucket + "/" + key;
  }

  private void multipart(String key, Path file, long size) throws IOException {
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
        .bucket(bucket).key(key).contentType("application/octet-stream")
        .serverSideEncryption(sse);
    kmsKeyId.ifPresent(create::ssekmsKeyId);
    String uploadId = client.createMultipartUpload(create.build()).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long off = 0; off < size; off += partSize, number++) {
        long len = Math.min(partSize, size - off);
        long at = off;
        int n = number;
        // A fresh stream per attempt, so the SDK's retries resend the same bytes.
        ContentStreamProvider part = () -> {
          try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(at);
            return new Bounded(Channels.newInputStream(ch), len);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
        String etag = client.uploadPart(p -> p.bucket(bucket).key(key).uploadId(uploadId)
            .partNumber(n).contentLength(len), RequestBody.fromContentProvider(part, len,
                "application/octet-stream")).eTag();
        parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      }
      client.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        client.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix + " (SSE " + sse + ")";
  }

  /** Reads at most {@code left} bytes of a part. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long left) {
      this.in = in;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
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

    /** Key prefix before every object name: empty, or ending in {@code /}. */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
        throw new IllegalArgumentException("keyPrefix must be empty or end with / (and not"
            + " start with /): " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /** SSE-S3: {@code x-amz-server-side-encryption: AES256} (the default). */
    public Builder sseS3() {
      this.sse = ServerSideEncryption.AES256;
      this.kmsKeyId = null;
      return this;
    }

    /** SSE-KMS with the given KMS key id or ARN (or the bucket's default key when null). */
    public Builder sseKms(String kmsKeyId) {
      if (kmsKeyId != null && kmsKeyId.isBlank()) {
        throw new IllegalArgumentException("kmsKeyId must not be blank");
      }
      this.sse = ServerSideEncryption.AWS_KMS;
      this.kmsKeyId = kmsKeyId;
      return this;
    }

    /** Part size of multipart uploads (and the single-PUT limit), 5 MiB .. 5 GiB. */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > (5L << 30)) {
        throw new IllegalArgumentException("partSize must be 5 MiB .. 5 GiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    public S3Delivery build() {
      return new S3Delivery(this);
    }
  }
}
