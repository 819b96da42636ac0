package io.hyrelog.archive.s3;

import io.hyrelog.archive.ArchiveStoreException;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.spi.RestoreState.Phase;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an S3 object's cold-tier state from its HeadObject answer: the {@code x-amz-restore}
 * header, the storage class and the Intelligent-Tiering archive status.
 */
final class S3RestoreStatus {
  private static final Pattern ONGOING =
      Pattern.compile("ongoing-request\\s*=\\s*\"(true|false)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXPIRY =
      Pattern.compile("expiry-date\\s*=\\s*\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);

  private S3RestoreStatus() {}

  /**
   * @param restoreHeader {@code x-amz-restore}, or null when absent, e.g. {@code
   *     ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"}
   * @param storageClass {@code x-amz-storage-class}, or null (STANDARD)
   * @param archiveStatus {@code x-amz-archive-status} (Intelligent-Tiering), or null
   * @param now to ignore a restored copy whose expiry has passed
   * @throws ArchiveStoreException when the restore header cannot be read
   */
  static RestoreState parse(String restoreHeader, String storageClass, String archiveStatus,
      Instant now) {
    if (restoreHeader != null && !restoreHeader.isBlank()) {
      Matcher ongoing = ONGOING.matcher(restoreHeader);
      if (!ongoing.find()) {
        throw new ArchiveStoreException(
            "unrecognised x-amz-restore header: '" + restoreHeader + "'");
      }
      if (ongoing.group(1).equalsIgnoreCase("true")) {
        return RestoreState.of(Phase.IN_PROGRESS);
      }
      Matcher expiry = EXPIRY.matcher(restoreHeader);
      if (expiry.find()) {
        Instant expiresAt;
        try {
          expiresAt = ZonedDateTime.parse(expiry.group(1).trim(),
              DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
          throw new ArchiveStoreException(
              "unrecognised expiry-date in x-amz-restore header: '" + restoreHeader + "'", e);
        }
        if (expiresAt.isAfter(now)) {
          return RestoreState.restoredUntil(expiresAt);
        }
      }
      // Finished without an expiry (Intelligent-Tiering moves the object back to an access
      // tier) or already expired: the storage class decides.
    }
    if (archiveStatus != null && !archiveStatus.isBlank()) {
      return RestoreState.of(Phase.COLD);
    }
    if (storageClass != null
        && (storageClass.equals("GLACIER") || storageClass.equals("DEEP_ARCHIVE"))) {
      return RestoreState.of(Phase.COLD);
    }
    return RestoreState.of(Phase.READABLE);
  }
}
