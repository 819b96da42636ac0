package io.hyrelog.compliance.export;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an encrypted export holds. Every field is written in clear in the file's header and
 * bound to the ciphertext as associated data, so none can be changed without detection.
 *
 * @param companyId the company the export is for
 * @param type the record type, e.g. {@code audit_events} ({@code [a-z0-9_.-]}, 1–64)
 * @param format the plaintext format, e.g. {@code jsonl} or {@code csv}
 * @param createdAt when the export was made (millisecond precision is kept)
 */
public record ExportDescriptor(String companyId, String type, String format, Instant createdAt) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
  private static final Pattern COMPANY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /**
   * Validates the descriptor.
   *
   * @param companyId the company the export is for
   * @param type the record type, e.g. {@code audit_events} ({@code [a-z0-9_.-]}, 1–64)
   * @param format the plaintext format, e.g. {@code jsonl} or {@code csv}
   * @param createdAt when the export was made (millisecond precision is kept)
   */
  public ExportDescriptor {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(createdAt, "createdAt");
    if (!COMPANY.matcher(companyId).matches()) {
      throw new IllegalArgumentException("companyId must be 1-128 characters of"
          + " [A-Za-z0-9._:-], got " + companyId.length() + " characters");
    }
    if (!NAME.matcher(type).matches()) {
      throw new IllegalArgumentException("type must be 1-64 characters of [a-z0-9_.-]: "
          + type);
    }
    if (!NAME.matcher(format).matches()) {
      throw new IllegalArgumentException("format must be 1-64 characters of [a-z0-9_.-]: "
          + format);
    }
    createdAt = Instant.ofEpochMilli(createdAt.toEpochMilli());
  }
}
