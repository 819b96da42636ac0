package io.hyrelog.archive.s3;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Configuration of an {@link S3ArchiveStore}. Build with {@link #builder(String)}; every setter
 * rejects a bad value at once. {@link #toString()} never shows credentials.
 *
 * @param bucket the bucket (must exist; with Object Lock configured, created with Object Lock)
 * @param region the bucket's region, e.g. {@code eu-central-1}
 * @param endpointOverride an S3-compatible endpoint instead of AWS's
 * @param pathStyleAccess {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param credentialsProvider where credentials come from (default: the SDK's default chain)
 * @param encryption server-side encryption asked for on every new object
 * @param kmsKeyId the KMS key for {@link Encryption#SSE_KMS}; empty for the account's S3 key
 * @param objectLock retention applied to every new object; empty for none
 * @param storageClass storage class of new objects; empty for the bucket's default (STANDARD)
 * @param partSize objects larger than this are uploaded in parts of this size (5 MiB - 5 GiB)
 * @param keyPrefix prepended to every archive key, e.g. {@code hyrelog/}; empty or ending in /
 * @param spoolDirectory where puts spool their content before uploading
 * @param clock for Object Lock retain-until dates and restore expiry checks
 */
public record S3ArchiveConfig(
    String bucket,
    String region,
    Optional<URI> endpointOverride,
    boolean pathStyleAccess,
    AwsCredentialsProvider credentialsProvider,
    Encryption encryption,
    Optional<String> kmsKeyId,
    Optional<ObjectLock> objectLock,
    Optional<StorageClass> storageClass,
    long partSize,
    String keyPrefix,
    Path spoolDirectory,
    Clock clock) {

  /** S3's smallest part (except the last). */
  public static final long MIN_PART_SIZE = S3Uploader.MIN_PART_SIZE;
  /** S3's largest part. */
  public static final long MAX_PART_SIZE = S3Uploader.MAX_PART_SIZE;
  /** The part size unless {@link Builder#partSize} sets another: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

  /** Server-side encryption of new objects. */
  public enum Encryption {
    /** No encryption header: the bucket's default encryption applies (on AWS at least SSE-S3). */
    NONE,
    /** {@code x-amz-server-side-encryption: AES256}. */
    SSE_S3,
    /** {@code x-amz-server-side-encryption: aws:kms}, with the configured key if any. */
    SSE_KMS
  }

  /**
   * Object Lock retention put on every new object.
   *
   * @param mode GOVERNANCE (privileged users may shorten it) or COMPLIANCE (nobody can)
   * @param days retention from the put, 1..36500
   */
  public record ObjectLock(ObjectLockMode mode, int days) {
    /**
     * Validates the retention.
     *
     * @param mode GOVERNANCE (privileged users may shorten it) or COMPLIANCE (nobody can)
     * @param days retention from the put, 1..36500
     * @throws IllegalArgumentException when the mode is neither GOVERNANCE nor COMPLIANCE or
     *     days is outside 1..36500
     */
    public ObjectLock {
      Objects.requireNonNull(mode, "mode");
      if (mode != ObjectLockMode.GOVERNANCE && mode != ObjectLockMode.COMPLIANCE) {
        throw new IllegalArgumentException(
            "objectLock mode must be GOVERNANCE or COMPLIANCE, got " + mode);
      }
      if (days < 1 || days > 36_500) {
        throw new IllegalArgumentException("objectLock days must be in 1..36500, got " + days);
      }
    }
  }

  /**
   * Validates the configuration; {@link #builder} is the usual way to make one.
   *
   * @param bucket the bucket (must exist; with Object Lock configured, created with Object
   *     Lock)
   * @param region the bucket's region, e.g. {@code eu-central-1}
   * @param endpointOverride an S3-compatible endpoint instead of AWS's
   * @param pathStyleAccess {@code http://host/bucket/key} instead of
   *     {@code http://bucket.host/key}
   * @param credentialsProvider where credentials come from (default: the SDK's default chain)
   * @param encryption server-side encryption asked for on every new object
   * @param kmsKeyId the KMS key for {@link Encryption#SSE_KMS}; empty for the account's S3 key
   * @param objectLock retention applied to every new object; empty for none
   * @param storageClass storage class of new objects; empty for the bucket's default (STANDARD)
   * @param partSize objects larger than this are uploaded in parts of this size (5 MiB - 5 GiB)
   * @param keyPrefix prepended to every archive key, e.g. {@code hyrelog/}; empty or ending in
   *     /
   * @param spoolDirectory where puts spool their content before uploading
   * @param clock for Object Lock retain-until dates and restore expiry checks
   * @throws IllegalArgumentException when a value is invalid (a bucket name S3 refuses, a key
   *     prefix not ending in {@code /}, a part size outside 5 MiB - 5 GiB, a KMS key without
   *     SSE-KMS …)
   * @throws NullPointerException when a component is null
   */
  public S3ArchiveConfig {
    requireBucket(bucket);
    requireText(region, "region");
    Objects.requireNonNull(endpointOverride, "endpointOverride");
    endpointOverride.ifPresent(S3ArchiveConfig::requireEndpoint);
    Objects.requireNonNull(credentialsProvider, "credentialsProvider");
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    if (kmsKeyId.isPresent() && encryption != Encryption.SSE_KMS) {
      throw new IllegalArgumentException("kmsKeyId is set but encryption is " + encryption);
    }
    Objects.requireNonNull(objectLock, "objectLock");
    Objects.requireNonNull(storageClass, "storageClass");
    storageClass.ifPresent(S3ArchiveConfig::requireStorageClass);
    requirePartSize(partSize);
    requireKeyPrefix(keyPrefix);
    Objects.requireNonNull(spoolDirectory, "spoolDirectory");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts a configuration for a bucket, with the defaults each builder method names.
   *
   * @param bucket the bucket's name, valid by S3's naming rules
   * @return a new builder
   * @throws IllegalArgumentException when the bucket name is not valid
   */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  @Override
  public String toString() {
    return "S3ArchiveConfig[bucket=" + bucket + ", region=" + region + ", endpointOverride="
        + endpointOverride.map(URI::toString).orElse("<aws>") + ", pathStyleAccess="
        + pathStyleAccess + ", credentials=<masked " + credentialsProvider.getClass().getSimpleName()
        + ">, encryption=" + encryption + kmsKeyId.map(k -> " (kms key " + k + ")").orElse("")
        + ", objectLock=" + objectLock.map(ObjectLock::toString).orElse("none")
        + ", storageClass=" + storageClass.map(StorageClass::toString).orElse("<bucket default>")
        + ", partSize=" + partSize + ", keyPrefix='" + keyPrefix + "', spoolDirectory="
        + spoolDirectory + "]";
  }

  private static void requireBucket(String bucket) {
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63
        || !bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
      throw new IllegalArgumentException("bucket must be an S3 bucket name (3-63 characters of "
          + "[a-z0-9.-], starting and ending with a letter or digit), got '" + bucket + "'");
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requireEndpoint(URI uri) {
    if (uri.getScheme() == null || !(uri.getScheme().equals("http")
        || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpointOverride must be an http(s) URI with a host, got '" + uri + "'");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException("endpointOverride must not carry credentials");
    }
  }

  private static void requireStorageClass(StorageClass sc) {
    if (sc == StorageClass.UNKNOWN_TO_SDK_VERSION) {
      throw new IllegalArgumentException("storageClass is not one the SDK knows");
    }
  }

  private static void requirePartSize(long partSize) {
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("partSize must be in " + MIN_PART_SIZE + ".."
          + MAX_PART_SIZE + " bytes (5 MiB - 5 GiB), got " + partSize);
    }
  }

  private static void requireKeyPrefix(String keyPrefix) {
    if (keyPrefix == null) {
      throw new IllegalArgumentException("keyPrefix must not be null (use \"\" for none)");
    }
    if (!keyPrefix.isEmpty()) {
      if (!keyPrefix.endsWith("/")) {
        throw new IllegalArgumentException("keyPrefix must end with '/', got '" + keyPrefix + "'");
      }
      io.hyrelog.spi.ArchiveStore.requireValidKey(keyPrefix.substring(0, keyPrefix.length() - 1));
    }
  }

  /** Builds an {@link S3ArchiveConfig}. Not thread-safe. */
  public static final class Builder {
    private final String bucket;
    private String region = "us-east-1";
    private Optional<URI> endpointOverride = Optional.empty();
    private boolean pathStyleAccess;
    private AwsCredentialsProvider credentialsProvider;
    private Encryption encryption = Encryption.NONE;
    private Optional<String> kmsKeyId = Optional.empty();
    private Optional<ObjectLock> objectLock = Optional.empty();
    private Optional<StorageClass> storageClass = Optional.empty();
    private long partSize = DEFAULT_PART_SIZE;
    private String keyPrefix = "";
    private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private Clock clock = Clock.systemUTC();

    private Builder(String bucket) {
      requireBucket(bucket);
      this.bucket = bucket;
    }

    /**
     * The bucket's region; default {@code us-east-1}.
     *
     * @param region the region's id, e.g. {@code eu-central-1}; not blank
     * @return this builder
     */
    public Builder region(String region) {
      requireText(region, "region");
      this.region = region;
      return this;
    }

    /**
     * An S3-compatible endpoint (MinIO, S3Proxy, a VPC endpoint …).
     *
     * @param endpoint the endpoint's URI, http or https, without credentials
     * @return this builder
     */
    public Builder endpointOverride(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      requireEndpoint(endpoint);
      this.endpointOverride = Optional.of(endpoint);
      return this;
    }

    /**
     * Path-style addressing, which most S3-compatible servers need; default false.
     *
     * @param pathStyle true for {@code endpoint/bucket/key} addressing
     * @return this builder
     */
    public Builder pathStyleAccess(boolean pathStyle) {
      this.pathStyleAccess = pathStyle;
      return this;
    }

    /**
     * Where credentials come from; default the SDK's default provider chain.
     *
     * @param provider the credentials provider
     * @return this builder
     */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      this.credentialsProvider = Objects.requireNonNull(provider, "credentialsProvider");
      return this;
    }

    /**
     * Fixed credentials (tests, S3-compatible servers).
     *
     * @param accessKeyId the access key id; not blank
     * @param secretAccessKey the secret key; not blank, never logged
     * @return this builder
     */
    public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
      requireText(accessKeyId, "accessKeyId");
      requireText(secretAccessKey, "secretAccessKey");
      return credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
    }

    /**
     * No encryption header (the bucket default applies). This is the default.
     *
     * @return this builder
     */
    public Builder noEncryption() {
      this.encryption = Encryption.NONE;
      this.kmsKeyId = Optional.empty();
      return this;
    }

    /**
     * SSE-S3: {@code AES256} with S3-managed keys.
     *
     * @return this builder
     */
    public Builder sseS3() {
      this.encryption = Encryption.SSE_S3;
      this.kmsKeyId = Optional.empty();
      return this;
    }

    /**
     * SSE-KMS with the given key id or ARN; null for the account's {@code aws/s3} key.
     *
     * @param keyId the KMS key id or ARN, or null; not blank
     * @return this builder
     */
    public Builder sseKms(String keyId) {
      if (keyId != null) {
        requireText(keyId, "kmsKeyId");
      }
      this.encryption = Encryption.SSE_KMS;
      this.kmsKeyId = Optional.ofNullable(keyId);
      return this;
    }

    /**
     * Object Lock retention on every new object (the bucket must have Object Lock enabled).
     *
     * @param mode GOVERNANCE or COMPLIANCE
     * @param days retention from the put, 1..36500
     * @return this builder
     */
    public Builder objectLock(ObjectLockMode mode, int days) {
      this.objectLock = Optional.of(new ObjectLock(mode, days));
      return this;
    }

    /**
     * Storage class of new objects, e.g. STANDARD_IA; default the bucket's (STANDARD).
     *
     * @param storageClass the storage class; one the SDK knows
     * @return this builder
     */
    public Builder storageClass(StorageClass storageClass) {
      Objects.requireNonNull(storageClass, "storageClass");
      requireStorageClass(storageClass);
      this.storageClass = Optional.of(storageClass);
      return this;
    }

    /**
     * Multipart threshold and part size; default 8 MiB, at least 5 MiB.
     *
     * @param bytes the part size in bytes, 5 MiB to 5 GiB
     * @return this builder
     */
    public Builder partSize(long bytes) {
      requirePartSize(bytes);
      this.partSize = bytes;
      return this;
    }

    /**
     * A prefix for all keys in the bucket, ending in {@code /}; default none.
     *
     * @param prefix the prefix, ending in {@code /}, or empty for none
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      requireKeyPrefix(prefix);
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Where puts spool content before uploading; default {@code java.io.tmpdir}.
     *
     * @param dir the spool directory
     * @return this builder
     */
    public Builder spoolDirectory(Path dir) {
      this.spoolDirectory = Objects.requireNonNull(dir, "spoolDirectory");
      return this;
    }

    /**
     * The clock for Object Lock dates and restore expiry; default system UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the configuration, with the SDK's default credentials provider chain when none was
     * set.
     *
     * @return the configuration
     * @throws IllegalArgumentException when the settings do not combine (see the record's
     *     constructor)
     */
    public S3ArchiveConfig build() {
      AwsCredentialsProvider provider = credentialsProvider != null ? credentialsProvider
          : DefaultCredentialsProvider.builder().build();
      return new S3ArchiveConfig(bucket, region, endpointOverride, pathStyleAccess, provider,
          encryption, kmsKeyId, objectLock, storageClass, partSize, keyPrefix, spoolDirectory,
          clock);
    }
  }
}
