package io.hyrelog.compliance.export;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where encrypted exports go: a local directory, an S3 bucket or an SFTP server. A port shaped
 * by what the exporter needs; adapters are {@link LocalDirectoryDelivery} (here), {@code
 * io.hyrelog.compliance.s3.S3Delivery} (artifact {@code io.hyrelog:hyrelog-compliance-s3}) and
 * {@code io.hyrelog.compliance.sftp.SftpDelivery} (artifact {@code
 * io.hyrelog:hyrelog-compliance-sftp}), kept apart so that only users of S3 or SFTP pull the
 * AWS SDK or the SSH client.
 *
 * <p>Implementations MUST be thread-safe, MUST NOT make a partially written object visible
 * under {@code objectName} (write aside, then publish), MUST NOT silently overwrite an existing
 * object where the target lets them tell, and MUST NOT put secrets in exception messages.
 */
public interface ExportDelivery {
  /**
   * Delivers {@code file} (an encrypted export, already complete) as {@code objectName}.
   *
   * @param objectName a relative slash-separated name such as {@code
   *     compliance-exports/<companyId>/20260301T020000Z-audit_events.jsonl.enc.json}
   * @param file the encrypted file
   * @return where it went, for the run's result (a path or URL without credentials)
   * @throws IOException if the target refused it or could not be reached; the message says which
   */
  String deliver(String objectName, Path file) throws IOException;

  /**
   * A short description of the target for logs and results, without credentials.
   *
   * @return the description
   */
  String describe();

  /**
   * Rejects names that could leave the target: absolute, empty or {@code ..} segments.
   *
   * @param objectName the name to check
   * @return the name
   */
  static String requireRelativeName(String objectName) {
    if (objectName == null || objectName.isEmpty() || objectName.startsWith("/")
        || objectName.endsWith("/") || objectName.contains("\\")) {
      throw new IllegalArgumentException("object name must be a relative slash-separated"
          + " name: " + objectName);
    }
    for (String part : objectName.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("object name has an empty, . or .. segment: "
            + objectName);
      }
    }
    return objectName;
  }
}
