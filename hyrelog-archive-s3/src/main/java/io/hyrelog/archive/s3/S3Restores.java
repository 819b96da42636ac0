package io.hyrelog.archive.s3;

import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.RestoreTier;
import java.time.Clock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GlacierJobParameters;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreObjectRequest;
import software.amazon.awssdk.services.s3.model.RestoreRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * Restores from the cold tier: RestoreObject requests, and the restore state read from
 * HeadObject ({@link S3RestoreStatus}) on the injected clock. Thread-safe.
 */
final class S3Restores {
  private final S3Objects objects;
  private final Clock clock;

  S3Restores(S3Objects objects, Clock clock) {
    this.objects = objects;
    this.clock = clock;
  }

  /** See {@link S3ArchiveStore#restore}; the arguments are checked. */
  void restore(String key, int days, RestoreTier tier) {
    if (objects.headObject(key).isEmpty()) {
      throw new ArchiveObjectNotFoundException(key);
    }
    try {
      objects.client().restoreObject(RestoreObjectRequest.builder()
          .bucket(objects.bucket())
          .key(objects.objectKey(key))
          .restoreRequest(RestoreRequest.builder()
              .days(days)
              .glacierJobParameters(GlacierJobParameters.builder().tier(toS3(tier)).build())
              .build())
          .build());
    } catch (S3Exception e) {
      String code = S3Objects.errorCode(e);
      if (e.statusCode() == 404) {
        throw new ArchiveObjectNotFoundException(key);
      }
      if ("RestoreAlreadyInProgress".equals(code)) {
        return; // asking again while in progress is not an error
      }
      if ("InvalidObjectState".equals(code)) {
        return; // not in a cold storage class: readable, nothing to restore
      }
      throw objects.failure("restore", key, e);
    } catch (SdkException e) {
      throw objects.failure("restore", key, e);
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

  /** See {@link S3ArchiveStore#restoreState}; the key is checked. */
  RestoreState restoreState(String key) {
    HeadObjectResponse h = objects.headObject(key)
        .orElseThrow(() -> new ArchiveObjectNotFoundException(key));
    return S3RestoreStatus.parse(h.restore(), h.storageClassAsString(), h.archiveStatusAsString(),
        clock.instant());
  }
}
