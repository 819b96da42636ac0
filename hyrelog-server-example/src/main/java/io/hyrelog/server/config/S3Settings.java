package io.hyrelog.server.config;

import io.hyrelog.archive.s3.S3ArchiveConfig;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * One S3 target read from a family of variables {@code <P>BUCKET}, {@code <P>REGION}, {@code
 * <P>ENDPOINT}, {@code <P>PATH_STYLE}, {@code <P>ACCESS_KEY_ID}, {@code <P>SECRET_ACCESS_KEY},
 * {@code <P>SSE}, {@code <P>KMS_KEY_ID}, {@code <P>OBJECT_LOCK} and {@code <P>PREFIX} (e.g.
 * {@code P = HYRELOG_ARCHIVE_S3_}). {@link #toString()} masks the credentials.
 *
 * @param bucket the bucket (the archive's may hold {@code {region}})
 * @param encryption {@code none}, {@code AES256} or {@code aws:kms}
 * @param objectLockMode Object Lock on every new object, if any
 * @param objectLockDays its retention in days (0 without Object Lock)
 * @param keyPrefix prefix of every key in the bucket: empty or ending in {@code /}
 */
public record S3Settings(String bucket, String region, Optional<URI> endpoint,
    boolean pathStyle, Optional<String> accessKeyId, Optional<String> secretAccessKey,
    String encryption, Optional<String> kmsKeyId, Optional<ObjectLockMode> objectLockMode,
    int objectLockDays, String keyPrefix) {
  private static final List<String> SETTINGS = List.of("REGION", "ENDPOINT", "PATH_STYLE",
      "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "SSE", "KMS_KEY_ID", "OBJECT_LOCK", "PREFIX");

  /** The variables of the family prefixed {@code p}. */
  public static List<String> variables(String p) {
    return Stream.concat(Stream.of("BUCKET"),
        SETTINGS.stream()).map(s -> p + s).toList();
  }

  /** The secrets of the family prefixed {@code p}. */
  public static List<String> secrets(String p) {
    return List.of(p + "SECRET_ACCESS_KEY");
  }

  public S3Settings {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    Objects.requireNonNull(objectLockMode, "objectLockMode");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  /**
   * The target of the variables prefixed {@code p}, or empty when {@code <p>BUCKET} is unset.
   *
   * @param regionPattern whether the bucket may hold {@code {region}}
   * @throws ConfigException naming the variable when a value is bad, or when other variables
   *     of the family are set without the bucket
   */
  public static Optional<S3Settings> fromEnv(Map<String, String> env, String p,
      boolean regionPattern) {
    Optional<URI> endpoint = get(env, p + "ENDPOINT").map(u -> {
      try {
        URI uri = URI.create(u);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(p + "ENDPOINT must be a URL such as http://localhost:9000,"
            + " got '" + u + "'");
      }
    });
    String sse = get(env, p + "SSE").orElse("AES256");
    if (!sse.equals("none") && !sse.equals("AES256") && !sse.equals("aws:kms")) {
      throw new ConfigException(p + "SSE must be none, AES256 or aws:kms, got '" + sse + "'");
    }
    Optional<String> kmsKey = get(env, p + "KMS_KEY_ID");
    if (sse.equals("aws:kms") && kmsKey.isEmpty()) {
      throw new ConfigException(p + "SSE=aws:kms needs " + p + "KMS_KEY_ID");
    }
    Optional<String> lock = get(env, p + "OBJECT_LOCK");
    Optional<ObjectLockMode> lockMode = Optional.empty();
    int lockDays = 0;
    if (lock.isPresent()) {
      String[] parts = lock.get().split(":", -1);
      try {
        if (parts.length != 2) {
          throw new IllegalArgumentException();
        }
        ObjectLockMode mode = ObjectLockMode.fromValue(parts[0].toUpperCase(Locale.ROOT));
        if (mode != ObjectLockMode.GOVERNANCE && mode != ObjectLockMode.COMPLIANCE) {
          throw new IllegalArgumentException();
        }
        lockDays = Integer.parseInt(parts[1]);
        if (lockDays < 1 || lockDays > 36500) {
          throw new IllegalArgumentException();
        }
        lockMode = Optional.of(mode);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(p + "OBJECT_LOCK must be GOVERNANCE:<days> or"
            + " COMPLIANCE:<days> (days 1..36500), got '" + lock.get() + "'");
      }
    }
    Optional<String> keyId = get(env, p + "ACCESS_KEY_ID");
    Optional<String> secret = get(env, p + "SECRET_ACCESS_KEY");
    if (keyId.isPresent() != secret.isPresent()) {
      throw new ConfigException("set both " + p + "ACCESS_KEY_ID and " + p
          + "SECRET_ACCESS_KEY, or neither (then the AWS default credentials chain applies)");
    }
    String pathStyle = get(env, p + "PATH_STYLE").orElse("false");
    if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
      throw new ConfigException(p + "PATH_STYLE must be true or false, got '" + pathStyle
          + "'");
    }
    String prefix = get(env, p + "PREFIX").orElse("");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    try {
      S3ArchiveConfig.builder("bucket-name").keyPrefix(prefix);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p + "PREFIX must be key segments of [A-Za-z0-9._-] separated"
          + " by '/', got '" + prefix + "'");
    }
    Optional<String> bucket = get(env, p + "BUCKET");
    if (bucket.isEmpty()) {
      for (String s : SETTINGS) {
        if (get(env, p + s).isPresent()) {
          throw new ConfigException(p + s + " is set but " + p + "BUCKET is not: set the"
              + " bucket, or remove the other " + p + "* settings");
        }
      }
      return Optional.empty();
    }
    try {
      S3ArchiveConfig.builder(regionPattern ? bucket.get().replace("{region}", "us")
          : bucket.get());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p + "BUCKET must be an S3 bucket name (3-63 characters of"
          + " [a-z0-9.-]" + (regionPattern ? "; {region} becomes the data region" : "")
          + "), got '" + bucket.get() + "'");
    }
    return Optional.of(new S3Settings(bucket.get(), get(env, p + "REGION").orElse("us-east-1"),
        endpoint, pathStyle.equals("true"), keyId, secret, sse, kmsKey, lockMode, lockDays,
        prefix));
  }

  /** A store configuration on {@code bucket} (this bucket, or the archive's for a region). */
  public S3ArchiveConfig.Builder config(String bucket, Clock clock) {
    S3ArchiveConfig.Builder b = S3ArchiveConfig.builder(bucket).region(region)
        .pathStyleAccess(pathStyle).keyPrefix(keyPrefix).clock(clock);
    endpoint.ifPresent(b::endpointOverride);
    if (accessKeyId.isPresent()) {
      b.staticCredentials(accessKeyId.get(), secretAccessKey.orElseThrow());
    }
    switch (encryption) {
      case "none" -> b.noEncryption();
      case "aws:kms" -> b.sseKms(kmsKeyId.orElseThrow());
      default -> b.sseS3();
    }
    objectLockMode.ifPresent(m -> b.objectLock(m, objectLockDays));
    return b;
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  @Override
  public String toString() {
    return "S3Settings[s3://" + bucket + "/" + keyPrefix + ", region=" + region
        + ", endpoint=" + endpoint.map(URI::toString).orElse("<aws>") + ", encryption="
        + encryption + ", objectLock=" + objectLockMode.map(m -> m + ":" + objectLockDays)
        .orElse("none") + ", credentials=<masked>]";
  }
}
