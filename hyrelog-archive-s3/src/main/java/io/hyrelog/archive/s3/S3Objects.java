package io.hyrelog.archive.s3;

import io.hyrelog.Digest;
import io.hyrelog.archive.ArchiveKeys;
import io.hyrelog.archive.ArchiveStoreException;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.streams.LookAheadIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The archive's objects in one bucket under one key prefix: their S3 keys, HeadObject as an
 * {@link ArchiveObject}, the lazy listing, and the error messages every operation reports
 * (operation, bucket and key, HTTP status and S3 error code; never credentials). Thread-safe.
 */
final class S3Objects {
  private static final Logger LOG = LoggerFactory.getLogger(S3Objects.class);
  /** User metadata key (sent as {@code x-amz-meta-sha256}). */
  static final String SHA256_METADATA = "sha256";

  private final S3Client s3;
  private final String bucket;
  private final String keyPrefix;

  S3Objects(S3Client s3, String bucket, String keyPrefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  S3Client client() {
    return s3;
  }

  String bucket() {
    return bucket;
  }

  /** The S3 key of an archive key. */
  String objectKey(String key) {
    return keyPrefix + key;
  }

  /** {@code s3://bucket/prefix+key}, for messages. */
  String describe(String key) {
    return "s3://" + bucket + "/" + objectKey(key);
  }

  /** The archive object under {@code key}, if any. */
  Optional<ArchiveObject> head(String key) {
    return headObject(key).map(h -> toArchiveObject(key, h));
  }

  /** HeadObject of {@code key}; empty on 404. */
  Optional<HeadObjectResponse> headObject(String key) {
    try {
      return Optional.of(s3.headObject(HeadObjectRequest.builder().bucket(bucket)
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

  /**
   * The objects whose keys start with {@code prefix}, in key order: ListObjectsV2 pages are
   * fetched as the stream is consumed, and each object costs one HeadObject (a listing carries
   * no user metadata). Names under the bucket prefix that are not archive keys are skipped, and
   * so is an object removed between listing and head.
   */
  Stream<ArchiveObject> list(String prefix) {
    Iterator<S3Object> listed;
    try {
      listed = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
          .prefix(keyPrefix + prefix).build()).contents().iterator();
    } catch (SdkException e) {
      throw failure("list", prefix + "*", e);
    }
    Iterator<String> keys = new LookAheadIterator<>() {
      @Override
      protected String computeNext() {
        try {
          while (listed.hasNext()) {
            String key = listed.next().key().substring(keyPrefix.length());
            if (isArchiveKey(key)) {
              return key;
            }
            LOG.debug("Skipping s3://{}/{}{}: not an archive key", bucket, keyPrefix, key);
          }
        } catch (SdkException e) {
          throw failure("list", prefix + "*", e);
        }
        return endOfData();
      }
    };
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

  /** "archive OPERATION of s3://… failed: HTTP status code" (or the exception's type). */
  String message(String operation, String key, SdkException e) {
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

  UncheckedIOException failure(String operation, String key, SdkException e) {
    return new UncheckedIOException(new IOException(message(operation, key, e), e));
  }

  /** The S3 error code of {@code e}, or null. */
  static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
