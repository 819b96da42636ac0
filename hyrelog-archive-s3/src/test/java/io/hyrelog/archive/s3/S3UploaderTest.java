package io.hyrelog.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/** The builder's checks; uploads themselves run against a real S3 server in S3ArchiveStoreIT. */
class S3UploaderTest {
  // Never contacted: building a client opens no connection.
  private final S3Client s3 = S3Client.builder().region(Region.US_EAST_1)
      .endpointOverride(URI.create("http://127.0.0.1:9"))
      .credentialsProvider(AnonymousCredentialsProvider.create()).build();

  @AfterEach
  void close() {
    s3.close();
  }

  @Test
  void partSize_outsideS3Limits_rejectedNamingIt() {
    S3Uploader.Builder b = S3Uploader.builder(s3, "bucket");
    assertThatThrownBy(() -> b.partSize(S3Uploader.MIN_PART_SIZE - 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partSize");
    assertThatThrownBy(() -> b.partSize(S3Uploader.MAX_PART_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partSize");
    assertThat(b.partSize(S3Uploader.MIN_PART_SIZE).build().partSize())
        .isEqualTo(S3Uploader.MIN_PART_SIZE);
  }

  @Test
  void objectLock_unknownModeOrNoRetention_rejected() {
    S3Uploader.Builder b = S3Uploader.builder(s3, "bucket");
    assertThatThrownBy(() -> b.objectLock(ObjectLockMode.UNKNOWN_TO_SDK_VERSION,
        Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("objectLock mode");
    assertThatThrownBy(() -> b.objectLock(ObjectLockMode.COMPLIANCE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
  }

  @Test
  void sseKms_blankKeyId_rejected() {
    assertThatThrownBy(() -> S3Uploader.builder(s3, "bucket").sseKms(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyId");
  }

  @Test
  void builder_blankBucket_rejected() {
    assertThatThrownBy(() -> S3Uploader.builder(s3, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
  }
}
