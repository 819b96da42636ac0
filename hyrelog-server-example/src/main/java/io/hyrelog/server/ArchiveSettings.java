package io.hyrelog.server;

import io.hyrelog.DataRegion;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.archive.S3ArchiveConfig;
import io.hyrelog.archive.S3ArchiveStore;
import io.hyrelog.server.ServerConfig.ConfigException;
import io.hyrelog.spi.ArchiveStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Where archive segments go: a local directory (the default, {@code HYRELOG_ARCHIVE_DIR}, under
 * the data directory) or S3 when {@code HYRELOG_ARCHIVE_S3_BUCKET} is set. A bucket name may
 * hold {@code {region}}, replaced by the data region in lower case, for one bucket per region
 * (the seed system's {@code hyrelog-archive-us}, {@code -eu}, …).
 *
 * @param directory the local directory store's root
 * @param s3Bucket the bucket (pattern); empty for the local directory
 */
public record ArchiveSettings(Path directory, Optional<String> s3Bucket, String s3Region,
    Optional<URI> s3Endpoint, boolean s3PathStyle, Optional<String> s3AccessKeyId,
    Optional<String> s3SecretAccessKey, String s3Encryption, Optional<String> s3KmsKeyId,
    Optional<ObjectLockMode> s3ObjectLockMode, int s3ObjectLockDays) {

  public ArchiveSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(s3Bucket, "s3Bucket");
    Objects.requireNonNull(s3Region, "s3Region");
    Objects.requireNonNull(s3Endpoint, "s3Endpoint");
    Objects.requireNonNull(s3AccessKeyId, "s3AccessKeyId");
    Objects.requireNonNull(s3SecretAccessKey, "s3SecretAccessKey");
    Objects.requireNonNull(s3Encryption, "s3Encryption");
    Objects.requireNonNull(s3KmsKeyId, "s3KmsKeyId");
    Objects.requireNonNull(s3ObjectLockMode, "s3ObjectLockMode");
  }

  /** The local directory under {@code dataDir}. */
  public static ArchiveSettings local(Path directory) {
    return new ArchiveSettings(directory, Optional.empty(), "us-east-1", Optional.empty(), false,
        Optional.empty(), Optional.empty(), "AES256", Optional.empty(), Optional.empty(), 0);
  }

  static ArchiveSettings fromEnv(Map<String, String> env, Path dataDir) {
    Path dir = get(env, "HYRELOG_ARCHIVE_DIR").map(Path::of)
        .orElse(dataDir.resolve("archive"));
    Optional<String> bucket = get(env, "HYRELOG_ARCHIVE_S3_BUCKET");
    Optional<URI> endpoint = get(env, "HYRELOG_ARCHIVE_S3_ENDPOINT").map(u -> {
      try {
        URI uri = URI.create(u);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new ConfigException("HYRELOG_ARCHIVE_S3_ENDPOINT must be a URL such as"
            + " http://localhost:9000, got '" + u + "'");
      }
    });
    String sse = get(env, "HYRELOG_ARCHIVE_S3_SSE").orElse("AES256");
    if (!sse.equals("none") && !sse.equals("AES256") && !sse.equals("aws:kms")) {
      throw new ConfigException("HYRELOG_ARCHIVE_S3_SSE must be none, AES256 or aws:kms, got '"
          + sse + "'");
    }
    Optional<String> kmsKey = get(env, "HYRELOG_ARCHIVE_S3_KMS_KEY_ID");
    if (sse.equals("aws:kms") && kmsKey.isEmpty()) {
      throw new ConfigException("HYRELOG_ARCHIVE_S3_SSE=aws:kms needs HYRELOG_ARCHIVE_S3_KMS_KEY_ID");
    }
    Optional<String> lock = get(env, "HYRELOG_ARCHIVE_S3_OBJECT_LOCK");
    Optional<ObjectLockMode> lockMode = Optional.empty();
    int lockDays = 0;
    if (lock.isPresent()) {
      String[] parts = lock.get().split(":", -1);
      try {
        if (parts.length != 2) {
          throw new IllegalArgumentException();
        }
        ObjectLockMode mode = ObjectLockMode.fromValue(parts[0].toUpperCase(Locale.ROOT));
        if (mode == ObjectLockMode.UNKNOWN_TO_SDK_VERSION) {
          throw new IllegalArgumentException();
        }
        lockDays = Integer.parseInt(parts[1]);
        if (lockDays < 1 || lockDays > 36500) {
          throw new IllegalArgumentException();
        }
        lockMode = Optional.of(mode);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("HYRELOG_ARCHIVE_S3_OBJECT_LOCK must be GOVERNANCE:<days> or"
            + " COMPLIANCE:<days> (days 1..36500), got '" + lock.get() + "'");
      }
    }
    Optional<String> keyId = get(env, "HYRELOG_ARCHIVE_S3_ACCESS_KEY_ID");
    Optional<String> secret = get(env, "HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY");
    if (keyId.isPresent() != secret.isPresent()) {
      throw new ConfigException("set both HYRELOG_ARCHIVE_S3_ACCESS_KEY_ID and"
          + " HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY, or neither (then the AWS default"
          + " credentials chain applies)");
    }
    String pathStyle = get(env, "HYRELOG_ARCHIVE_S3_PATH_STYLE").orElse("false");
    if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
      throw new ConfigException("HYRELOG_ARCHIVE_S3_PATH_STYLE must be true or false, got '"
          + pathStyle + "'");
    }
    return new ArchiveSettings(dir, bucket, get(env, "HYRELOG_ARCHIVE_S3_REGION")
        .orElse("us-east-1"), endpoint, pathStyle.equals("true"), keyId, secret, sse, kmsKey,
        lockMode, lockDays);
  }

  /** Whether segments go to S3. */
  public boolean s3() {
    return s3Bucket.isPresent();
  }

  /** The store of one data region. */
  ArchiveStore store(DataRegion region, Clock clock) {
    if (s3Bucket.isEmpty()) {
      return LocalDirectoryArchiveStore.builder(directory).clock(clock).build();
    }
    String bucket = s3Bucket.get().replace("{region}", region.name().toLowerCase(Locale.ROOT));
    S3ArchiveConfig.Builder b = S3ArchiveConfig.builder(bucket).region(s3Region)
        .pathStyleAccess(s3PathStyle).clock(clock);
    s3Endpoint.ifPresent(b::endpointOverride);
    if (s3AccessKeyId.isPresent()) {
      b.staticCredentials(s3AccessKeyId.get(), s3SecretAccessKey.orElseThrow());
    }
    switch (s3Encryption) {
      case "none" -> b.noEncryption();
      case "aws:kms" -> b.sseKms(s3KmsKeyId.orElseThrow());
      default -> b.sseS3();
    }
    s3ObjectLockMode.ifPresent(m -> b.objectLock(m, s3ObjectLockDays));
    return S3ArchiveStore.builder(b.build()).build();
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  @Override
  public String toString() {
    return "ArchiveSettings[" + (s3Bucket.isPresent() ? "s3://" + s3Bucket.get() : directory)
        + ", credentials=<masked>]";
  }
}
