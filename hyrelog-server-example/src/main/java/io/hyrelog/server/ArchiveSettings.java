package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.config.S3Settings;
import io.hyrelog.DataRegion;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where archive segments go: a local directory (the default, {@code HYRELOG_ARCHIVE_DIR}, under
 * the data directory) or S3 when {@code HYRELOG_ARCHIVE_S3_BUCKET} is set (with the other
 * {@code HYRELOG_ARCHIVE_S3_*} settings, see {@link S3Settings}). A bucket name may hold {@code
 * {region}}, replaced by the data region in lower case, for one bucket per region (the seed
 * system's {@code hyrelog-archive-us}, {@code -eu}, …).
 *
 * <p>Personal values in segments are sealed per data subject (crypto-shredding, {@code
 * docs/format.md} §11) under subject keys kept in PostgreSQL, themselves sealed under {@code
 * HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY}.
 *
 * @param directory the local directory store's root
 * @param s3Settings the bucket (pattern) and its settings; empty for the local directory
 * @param subjectKeyEncryptionKey {@value #SUBJECT_KEY_VARIABLE}: the AES-256 key (64 hex
 *     characters) sealing the subject keys at rest; empty means, in embedded mode, the one
 *     generated into the data directory's {@code secrets.json}, and with external databases a
 *     refused start
 */
public record ArchiveSettings(Path directory, Optional<S3Settings> s3Settings,
    Optional<String> subjectKeyEncryptionKey) {
  private static final String S3 = "HYRELOG_ARCHIVE_S3_";
  /** The variable of the subject key encryption key. */
  public static final String SUBJECT_KEY_VARIABLE = "HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY";
  /** The variables read here; see {@link ServerEnvironment}. */
  static final List<String> VARIABLES = Stream.concat(
      Stream.of("HYRELOG_ARCHIVE_DIR", SUBJECT_KEY_VARIABLE), S3Settings.variables(S3).stream())
      .toList();
  /** Those of {@link #VARIABLES} that hold secrets. */
  static final List<String> SECRETS = Stream.concat(Stream.of(SUBJECT_KEY_VARIABLE),
      S3Settings.secrets(S3).stream()).toList();

  public ArchiveSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(s3Settings, "s3Settings");
    Objects.requireNonNull(subjectKeyEncryptionKey, "subjectKeyEncryptionKey");
    subjectKeyEncryptionKey.ifPresent(ArchiveSettings::requireKey);
  }

  /** The local directory under {@code dataDir}. */
  public static ArchiveSettings local(Path directory) {
    return new ArchiveSettings(directory, Optional.empty(), Optional.empty());
  }

  static ArchiveSettings fromEnv(Map<String, String> env, Path dataDir) {
    Path dir = get(env, "HYRELOG_ARCHIVE_DIR").map(Path::of)
        .orElse(dataDir.resolve("archive"));
    return new ArchiveSettings(dir, S3Settings.fromEnv(env, S3, true),
        get(env, SUBJECT_KEY_VARIABLE));
  }

  /** Refuses anything but 64 hex characters; the message gives only the length. */
  private static void requireKey(String hex) {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new ConfigException(SUBJECT_KEY_VARIABLE + " must be 64 hex characters (32 bytes;"
          + " generate one with `openssl rand -hex 32`), got " + hex.length() + " characters"
          + (hex.length() == 64 ? " that are not all hex" : ""));
    }
  }

  /** Whether segments go to S3. */
  public boolean s3() {
    return s3Settings.isPresent();
  }

  /** The store of one data region. */
  ArchiveStore store(DataRegion region, Clock clock) {
    if (s3Settings.isEmpty()) {
      return LocalDirectoryArchiveStore.builder(directory).clock(clock).build();
    }
    S3Settings s = s3Settings.get();
    String bucket = s.bucket().replace("{region}", region.name().toLowerCase(Locale.ROOT));
    return S3ArchiveStore.builder(s.config(bucket, clock).build()).build();
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  @Override
  public String toString() {
    return "ArchiveSettings[" + s3Settings.map(S3Settings::toString).orElse(directory.toString())
        + ", subjectKeyEncryptionKey=" + (subjectKeyEncryptionKey.isPresent() ? "<masked>"
        : "<none>") + "]";
  }
}
