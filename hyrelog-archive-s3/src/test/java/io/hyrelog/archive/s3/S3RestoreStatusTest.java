package io.hyrelog.archive.s3;

import io.hyrelog.archive.ArchiveStoreException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.RestoreState;
import io.hyrelog.spi.RestoreState.Phase;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The mapping of HeadObject answers to {@link RestoreState}, on header values as S3 sends them
 * (documented examples and recorded answers). The in-process test server has no cold tier, so
 * this is where the cold-tier mapping is tested.
 */
class S3RestoreStatusTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void parse_noRestoreHeaderStandardClass_readable() {
    assertThat(S3RestoreStatus.parse(null, null, null, NOW))
        .isEqualTo(RestoreState.of(Phase.READABLE));
    assertThat(S3RestoreStatus.parse(null, "STANDARD_IA", null, NOW).phase())
        .isEqualTo(Phase.READABLE);
    assertThat(S3RestoreStatus.parse(null, "GLACIER_IR", null, NOW).phase())
        .as("Glacier Instant Retrieval needs no restore").isEqualTo(Phase.READABLE);
  }

  @Test
  void parse_glacierOrDeepArchiveWithoutRestore_cold() {
    assertThat(S3RestoreStatus.parse(null, "GLACIER", null, NOW).phase()).isEqualTo(Phase.COLD);
    assertThat(S3RestoreStatus.parse(null, "DEEP_ARCHIVE", null, NOW).phase())
        .isEqualTo(Phase.COLD);
    assertThat(S3RestoreStatus.parse(null, "INTELLIGENT_TIERING", "ARCHIVE_ACCESS", NOW).phase())
        .isEqualTo(Phase.COLD);
  }

  @Test
  void parse_ongoingRequest_inProgress() {
    assertThat(S3RestoreStatus.parse("ongoing-request=\"true\"", "GLACIER", null, NOW))
        .isEqualTo(RestoreState.of(Phase.IN_PROGRESS));
  }

  @Test
  void parse_finishedRequestWithExpiry_restoredUntilExpiry() {
    String header = "ongoing-request=\"false\", expiry-date=\"Fri, 04 Dec 2026 00:00:00 GMT\"";
    assertThat(S3RestoreStatus.parse(header, "DEEP_ARCHIVE", null, NOW))
        .isEqualTo(RestoreState.restoredUntil(Instant.parse("2026-12-04T00:00:00Z")));
  }

  @Test
  void parse_expiryPassed_fallsBackToStorageClass() {
    String header = "ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\"";
    assertThat(S3RestoreStatus.parse(header, "GLACIER", null, NOW).phase())
        .isEqualTo(Phase.COLD);
  }

  @Test
  void parse_finishedIntelligentTieringRestoreWithoutExpiry_readable() {
    assertThat(S3RestoreStatus.parse("ongoing-request=\"false\"", "INTELLIGENT_TIERING", null,
        NOW).phase()).isEqualTo(Phase.READABLE);
  }

  @Test
  void parse_malformedHeader_reportedNotGuessed() {
    assertThatThrownBy(() -> S3RestoreStatus.parse("weird", "GLACIER", null, NOW))
        .isInstanceOf(ArchiveStoreException.class).hasMessageContaining("x-amz-restore");
    assertThatThrownBy(() -> S3RestoreStatus.parse(
        "ongoing-request=\"false\", expiry-date=\"tomorrow\"", "GLACIER", null, NOW))
        .isInstanceOf(ArchiveStoreException.class).hasMessageContaining("expiry-date");
  }
}
