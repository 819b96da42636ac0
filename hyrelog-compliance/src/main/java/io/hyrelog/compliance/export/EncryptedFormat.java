package io.hyrelog.compliance.export;

/** The two encrypted file formats (see {@code docs/encrypted-exports.md}). */
public enum EncryptedFormat {
  /** One JSON object with base64 {@code iv}, {@code authTag} and {@code ciphertext}: small files. */
  ENVELOPE(".enc.json"),
  /** Binary header and AES-256-GCM segments, decrypted in constant memory: large files. */
  STREAM(".enc");

  private final String suffix;

  EncryptedFormat(String suffix) {
    this.suffix = suffix;
  }

  /**
   * The file-name suffix after {@code .<format>}: {@code .enc.json} or {@code .enc}.
   *
   * @return the suffix
   */
  public String suffix() {
    return suffix;
  }
}
