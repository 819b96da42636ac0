package io.hyrelog.compliance.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key for encrypted compliance exports, with the id that names it in every file
 * it encrypts (so keys can rotate: a recipient picks the key by id).
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key material.
 */
public final class ExportKey {
  /** Key ids: 1–64 characters of {@code [A-Za-z0-9._-]}. */
  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final int KEY_BYTES = 32;

  private final String keyId;
  private final byte[] key;

  private ExportKey(String keyId, byte[] key) {
    this.keyId = keyId;
    this.key = key;
  }

  /**
   * Parses a key given as 64 hex digits or as base64 (standard or URL-safe, padded or not) of
   * exactly 32 bytes.
   *
   * @param keyId the id recorded in encrypted files, or {@code null} for a recipient's key whose
   *     id is not known (it is then tried on a file of any key id)
   * @param text the key's text
   * @return the key
   * @throws InvalidExportKeyException naming what is wrong (never the key itself)
   */
  public static ExportKey parse(String keyId, String text) {
    if (keyId != null && !KEY_ID.matcher(keyId).matches()) {
      throw new InvalidExportKeyException("key id must be 1-64 characters of [A-Za-z0-9._-]");
    }
    if (text == null || text.isBlank()) {
      throw new InvalidExportKeyException("the encryption key is empty; give 32 bytes as 64 hex"
          + " digits or as base64 (e.g. `openssl rand -base64 32`)");
    }
    String t = text.strip();
    byte[] raw;
    if (HEX.matcher(t).matches()) {
      raw = HexFormat.of().parseHex(t);
    } else {
      try {
        raw = (t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder()
            : Base64.getDecoder()).decode(t);
      } catch (IllegalArgumentException e) {
        throw new InvalidExportKeyException("the encryption key is neither 64 hex digits nor"
            + " valid base64 (" + t.length() + " characters)");
      }
    }
    if (raw.length != KEY_BYTES) {
      Arrays.fill(raw, (byte) 0);
      throw new InvalidExportKeyException("the encryption key must be 32 bytes (AES-256), got "
          + raw.length + " bytes");
    }
    return new ExportKey(keyId, raw);
  }

  /**
   * Reads {@link #parse(String, String) a key} from a file (surrounding whitespace ignored).
   *
   * @param keyId the key id, or null
   * @param file the file
   * @return the key
   */
  public static ExportKey read(String keyId, Path file) {
    String text;
    try {
      if (Files.size(file) > 4096) {
        throw new InvalidExportKeyException("key file " + file + " is larger than 4096 bytes;"
            + " it should hold one key as hex or base64");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new InvalidExportKeyException("key file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidExportKeyException("cannot read key file " + file + ": "
          + e.getClass().getSimpleName());
    }
    try {
      return parse(keyId, text);
    } catch (InvalidExportKeyException e) {
      throw new InvalidExportKeyException("key file " + file + ": " + e.getMessage());
    }
  }

  /**
   * The key id, if known.
   *
   * @return the key id, or empty
   */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /**
   * This key under another id.
   *
   * @param id the new key id
   * @return the key
   */
  public ExportKey withKeyId(String id) {
    return parse(id, HexFormat.of().formatHex(key));
  }

  SecretKey secretKey() {
    return new SecretKeySpec(key, "AES");
  }

  byte[] material() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "ExportKey[keyId=" + (keyId == null ? "<unknown>" : keyId) + ", key=<masked>]";
  }
}
