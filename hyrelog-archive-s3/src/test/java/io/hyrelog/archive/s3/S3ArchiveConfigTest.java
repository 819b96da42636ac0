package io.hyrelog.archive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.StorageClass;

class S3ArchiveConfigTest {

  @Test
  void builder_defaults() {
    S3ArchiveConfig c = S3ArchiveConfig.builder("audit-archive").staticCredentials("a", "b").build();
    assertThat(c.region()).isEqualTo("us-east-1");
    assertThat(c.partSize()).isEqualTo(8L * 1024 * 1024);
    assertThat(c.encryption()).isEqualTo(S3ArchiveConfig.Encryption.NONE);
    assertThat(c.objectLock()).isEmpty();
    assertThat(c.keyPrefix()).isEmpty();
  }

  @Test
  void builder_badValues_rejectedAtOnceNamingTheParameter() {
    assertThatThrownBy(() -> S3ArchiveConfig.builder("Bad_Bucket"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
    S3ArchiveConfig.Builder b = S3ArchiveConfig.builder("audit-archive");
    assertThatThrownBy(() -> b.partSize(5L * 1024 * 1024 - 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partSize");
    assertThatThrownBy(() -> b.keyPrefix("no-slash"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> b.keyPrefix("../x/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.objectLock(ObjectLockMode.GOVERNANCE, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
    assertThatThrownBy(() -> b.endpointOverride(URI.create("ftp://host")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpointOverride");
    assertThatThrownBy(() -> b.endpointOverride(URI.create("http://user:pw@host")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials");
    assertThatThrownBy(() -> b.storageClass(StorageClass.UNKNOWN_TO_SDK_VERSION))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.staticCredentials("", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accessKeyId");
  }

  @Test
  void toString_neverShowsTheSecret() {
    S3ArchiveConfig c = S3ArchiveConfig.builder("audit-archive")
        .staticCredentials("AKIAEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        .sseKms("alias/audit").objectLock(ObjectLockMode.COMPLIANCE, 365)
        .keyPrefix("hyrelog/").build();
    assertThat(c.toString()).contains("audit-archive", "alias/audit", "COMPLIANCE", "<masked")
        .doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAEXAMPLEKEY");
  }
}
