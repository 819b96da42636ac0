package io.hyrelog.server.config;

import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.integrity.NoteVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Evidence bundles: where packages and vault copies go, the envelope master key, the optional
 * external WORM and KMS-wrap endpoints, and the keys trusted to countersign. The vault is a
 * directory, or an S3 bucket with Object Lock when {@code HYRELOG_EVIDENCE_VAULT_S3_BUCKET} is
 * set (with the other {@code HYRELOG_EVIDENCE_VAULT_S3_*} settings, see {@link S3Settings});
 * the bucket's Object Lock must keep objects at least the vault retention.
 *
 * @param directory packages, per company ({@code HYRELOG_EVIDENCE_DIR}, default {@code
 *     <data dir>/evidence})
 * @param vaultDirectory the vault ({@code HYRELOG_EVIDENCE_VAULT_DIR}, default {@code <data
 *     dir>/evidence-vault})
 * @param vaultRetentionDays recorded as the WORM lock's retain-until
 * @param masterKey the envelope master key (base64 of 32 bytes), or empty: generated into the
 *     data directory's secrets in embedded mode
 * @param masterKeyId the master key's id recorded in envelopes
 * @param wormEndpoint the external WORM endpoint, if any
 * @param kmsEndpoint the external KMS wrap endpoint, if any
 * @param externalToken the bearer token of both endpoints, if any
 * @param countersignKeys signed-note verifier keys trusted to countersign
 * @param vaultS3 the S3 Object Lock vault instead of the vault directory, if set
 * @param externalAllowHttp {@code HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP}: accept {@code http://}
 *     external endpoints (development only; otherwise such a URL refuses the start)
 */
public record EvidenceSettings(Path directory, Path vaultDirectory, int vaultRetentionDays,
    Optional<String> masterKey, String masterKeyId, Optional<URI> wormEndpoint,
    Optional<URI> kmsEndpoint, Optional<String> externalToken, List<String> countersignKeys,
    Optional<S3Settings> vaultS3, boolean externalAllowHttp) {
  private static final String VAULT_S3 = "HYRELOG_EVIDENCE_VAULT_S3_";
  /** The variables read here; see {@link ServerEnvironment}. */
  public static final List<String> VARIABLES = Stream.concat(
      Stream.of("HYRELOG_EVIDENCE_DIR", "HYRELOG_EVIDENCE_VAULT_DIR",
          "HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS", "HYRELOG_EVIDENCE_MASTER_KEY",
          "HYRELOG_EVIDENCE_MASTER_KEY_ID", "HYRELOG_EVIDENCE_COUNTERSIGN_KEYS",
          "HYRELOG_EVIDENCE_EXTERNAL_WORM_ENDPOINT",
          "HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT",
          "HYRELOG_EVIDENCE_EXTERNAL_AUTH_TOKEN",
          "HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP"),
      S3Settings.variables(VAULT_S3).stream()).toList();
  /** Those of {@link #VARIABLES} that hold secrets. */
  public static final List<String> SECRETS = Stream.concat(
      Stream.of("HYRELOG_EVIDENCE_MASTER_KEY",
          "HYRELOG_EVIDENCE_EXTERNAL_AUTH_TOKEN"),
      S3Settings.secrets(VAULT_S3).stream()).toList();

  public EvidenceSettings {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(vaultDirectory, "vaultDirectory");
    Objects.requireNonNull(masterKey, "masterKey");
    Objects.requireNonNull(masterKeyId, "masterKeyId");
    Objects.requireNonNull(wormEndpoint, "wormEndpoint");
    Objects.requireNonNull(kmsEndpoint, "kmsEndpoint");
    Objects.requireNonNull(externalToken, "externalToken");
    countersignKeys = List.copyOf(countersignKeys);
    Objects.requireNonNull(vaultS3, "vaultS3");
  }

  public static EvidenceSettings fromEnv(Map<String, String> env, Path dataDir) {
    Optional<String> master = get(env, "HYRELOG_EVIDENCE_MASTER_KEY");
    master.ifPresent(k -> {
      byte[] b;
      try {
        b = Base64.getDecoder().decode(k);
      } catch (IllegalArgumentException e) {
        b = new byte[0];
      }
      if (b.length != 32) {
        throw new ConfigException("HYRELOG_EVIDENCE_MASTER_KEY must be the base64 of 32 random"
            + " bytes (e.g. `openssl rand -base64 32`)");
      }
    });
    List<String> keys = new ArrayList<>();
    get(env, "HYRELOG_EVIDENCE_COUNTERSIGN_KEYS").ifPresent(list -> {
      for (String k : list.split(",")) {
        if (!k.isBlank()) {
          try {
            NoteVerifier.parse(k.strip());
          } catch (RuntimeException e) {
            throw new ConfigException("HYRELOG_EVIDENCE_COUNTERSIGN_KEYS holds comma-separated"
                + " signed-note verifier keys (<name>+<keyid>+<base64>): " + e.getMessage());
          }
          keys.add(k.strip());
        }
      }
    });
    String retention = get(env, "HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS").orElse("2555");
    int days;
    try {
      days = Integer.parseInt(retention);
      if (days < 1 || days > 36500) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS must be an integer in"
          + " 1..36500, got '" + retention + "'");
    }
    String allow = get(env, "HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP").orElse("false");
    if (!allow.equals("true") && !allow.equals("false")) {
      throw new ConfigException("HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP must be true or false, got"
          + " '" + allow + "'");
    }
    boolean allowHttp = allow.equals("true");
    Optional<S3Settings> vaultS3 = S3Settings.fromEnv(env, VAULT_S3, false);
    vaultS3.ifPresent(v -> requireObjectLock(v, days));
    return new EvidenceSettings(
        get(env, "HYRELOG_EVIDENCE_DIR").map(Path::of).orElse(dataDir.resolve("evidence")),
        get(env, "HYRELOG_EVIDENCE_VAULT_DIR").map(Path::of)
            .orElse(dataDir.resolve("evidence-vault")),
        days, master, get(env, "HYRELOG_EVIDENCE_MASTER_KEY_ID").orElse("local-1"),
        url(env, "HYRELOG_EVIDENCE_EXTERNAL_WORM_ENDPOINT", allowHttp),
        url(env, "HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT", allowHttp),
        get(env, "HYRELOG_EVIDENCE_EXTERNAL_AUTH_TOKEN"), keys, vaultS3, allowHttp);
  }

  /** The lock file's retain_until must not promise more than the bucket enforces. */
  private static void requireObjectLock(S3Settings vault, int retentionDays) {
    if (vault.objectLockMode().isEmpty()) {
      throw new ConfigException("HYRELOG_EVIDENCE_VAULT_S3_BUCKET needs"
          + " HYRELOG_EVIDENCE_VAULT_S3_OBJECT_LOCK (GOVERNANCE:<days> or COMPLIANCE:<days>, at"
          + " least HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS = " + retentionDays + " days, on a"
          + " bucket created with Object Lock): the vault's retention is enforced by the bucket");
    }
    if (vault.objectLockDays() < retentionDays) {
      throw new ConfigException("HYRELOG_EVIDENCE_VAULT_S3_OBJECT_LOCK keeps objects "
          + vault.objectLockDays() + " days, fewer than HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS ("
          + retentionDays + ") that each WORM lock file records as retain_until: raise the"
          + " Object Lock days or lower the retention");
    }
  }

  /** The S3 store of the vault, if configured; the caller closes it. */
  public Optional<S3ArchiveStore> vaultStore(Clock clock) {
    return vaultS3.map(v -> S3ArchiveStore.builder(v.config(v.bucket(), clock).build())
        .build());
  }

  private static Optional<URI> url(Map<String, String> env, String name, boolean allowHttp) {
    return get(env, name).map(u -> {
      URI uri;
      try {
        uri = URI.create(u);
        if (uri.getHost() == null || !("https".equals(uri.getScheme())
            || "http".equals(uri.getScheme()))) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name + " must be an https URL");
      }
      if (uri.getScheme().equals("http") && !allowHttp) {
        throw new ConfigException(name + " is an http:// URL: the external calls carry the"
            + " package and the raw data key, so they need https (set"
            + " HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP=true to allow http for development)");
      }
      return uri;
    });
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  @Override
  public String toString() {
    return "EvidenceSettings[" + directory + ", vault=" + vaultS3.map(S3Settings::toString)
        .orElse(vaultDirectory.toString()) + ", secrets=<masked>]";
  }
}
