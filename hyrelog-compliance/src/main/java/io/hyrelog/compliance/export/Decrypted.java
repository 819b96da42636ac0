package io.hyrelog.compliance.export;

import java.util.Objects;

/**
 * What a successful decryption authenticated.
 *
 * @param format the file's format
 * @param keyId the key id recorded in the file
 * @param descriptor company, type, format and creation time, all authenticated
 * @param plaintextBytes bytes written to the output
 */
public record Decrypted(EncryptedFormat format, String keyId, ExportDescriptor descriptor,
    long plaintextBytes) {
  /**
   * Validates the result.
   *
   * @param format the file's format
   * @param keyId the key id recorded in the file
   * @param descriptor company, type, format and creation time, all authenticated
   * @param plaintextBytes bytes written to the output
   */
  public Decrypted {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(descriptor, "descriptor");
  }
}
