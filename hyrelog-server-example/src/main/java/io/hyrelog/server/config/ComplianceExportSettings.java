package io.hyrelog.server.config;

import io.hyrelog.compliance.export.ExportKey;
import io.hyrelog.compliance.export.InvalidExportKeyException;
import io.hyrelog.jobs.JobSchedule;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the {@code compliance.export} job ({@code HYRELOG_COMPLIANCE_*}): the encryption
 * key and its id, the default types and format, the schedule (off unless set), exit-on-failure
 * and where exports are delivered. {@link #toString()} masks the key and the S3 secret.
 */
public record ComplianceExportSettings(Optional<ExportKey> key, List<String> types,
    String format, Optional<String> schedule, boolean exitOnFailure, int envelopeMaxBytes,
    String deliveryMode, Path localDirectory,
    Optional<String> s3Bucket, String s3Region, String s3Prefix, Optional<URI> s3Endpoint,
    boolean s3PathStyle, Optional<String> s3AccessKeyId, Optional<String> s3SecretAccessKey,
    String s3Sse, Optional<String> s3KmsKeyId,
    Optional<String> sftpHost, int sftpPort, Optional<String> sftpUser,
    Optional<Path> sftpIdentityFile, Optional<Path> sftpKnownHosts, Optional<String> sftpHostKey,
    String sftpPath) {
  /** The variables read here; see {@link ServerEnvironment}. */
  /** The record types a compliance export writes, in the order the default lists them. */
  public static final List<String> TYPES = List.of("audit_events", "admin_audit_log");
  /** The formats every type is written in. */
  public static final java.util.Set<String> FORMATS = java.util.Set.of("jsonl", "csv");
  public static final List<String> VARIABLES = List.of("HYRELOG_COMPLIANCE_ENCRYPTION_KEY",
      "HYRELOG_COMPLIANCE_ENCRYPTION_KEY_ID", "HYRELOG_COMPLIANCE_SCHEDULE",
      "HYRELOG_COMPLIANCE_EXPORT_TYPES", "HYRELOG_COMPLIANCE_EXPORT_FORMAT",
      "HYRELOG_COMPLIANCE_EXIT_ON_FAILURE", "HYRELOG_COMPLIANCE_ENVELOPE_MAX_BYTES",
      "HYRELOG_COMPLIANCE_DELIVERY_MODE", "HYRELOG_COMPLIANCE_LOCAL_DIR",
      "HYRELOG_COMPLIANCE_S3_BUCKET", "HYRELOG_COMPLIANCE_S3_REGION",
      "HYRELOG_COMPLIANCE_S3_PREFIX", "HYRELOG_COMPLIANCE_S3_ENDPOINT",
      "HYRELOG_COMPLIANCE_S3_PATH_STYLE", "HYRELOG_COMPLIANCE_S3_ACCESS_KEY_ID",
      "HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY", "HYRELOG_COMPLIANCE_S3_SSE",
      "HYRELOG_COMPLIANCE_S3_KMS_KEY_ID", "HYRELOG_COMPLIANCE_SFTP_HOST",
      "HYRELOG_COMPLIANCE_SFTP_PORT", "HYRELOG_COMPLIANCE_SFTP_USER",
      "HYRELOG_COMPLIANCE_SFTP_PATH", "HYRELOG_COMPLIANCE_SFTP_IDENTITY_FILE",
      "HYRELOG_COMPLIANCE_SFTP_KNOWN_HOSTS", "HYRELOG_COMPLIANCE_SFTP_HOST_KEY");
  /** Those of {@link #VARIABLES} that hold secrets. */
  public static final List<String> SECRETS = List.of("HYRELOG_COMPLIANCE_ENCRYPTION_KEY",
      "HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY");

  public static ComplianceExportSettings fromEnv(Map<String, String> env, Path dataDir) {
    Optional<ExportKey> key = get(env, "HYRELOG_COMPLIANCE_ENCRYPTION_KEY").map(k -> {
      try {
        return ExportKey.parse(get(env, "HYRELOG_COMPLIANCE_ENCRYPTION_KEY_ID").orElse("default"),
            k);
      } catch (InvalidExportKeyException e) {
        throw new ConfigException("HYRELOG_COMPLIANCE_ENCRYPTION_KEY(_ID): " + e.getMessage());
      }
    });
    List<String> types = List.of(get(env, "HYRELOG_COMPLIANCE_EXPORT_TYPES")
        .orElse("audit_events").split(",")).stream().map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    if (types.isEmpty()) {
      throw new ConfigException("HYRELOG_COMPLIANCE_EXPORT_TYPES names no type; known: "
          + String.join(", ", TYPES));
    }
    for (String t : types) {
      if (!TYPES.contains(t)) {
        throw new ConfigException("HYRELOG_COMPLIANCE_EXPORT_TYPES: unknown compliance export"
            + " type '" + t + "'; known: " + String.join(", ", TYPES));
      }
    }
    String format = get(env, "HYRELOG_COMPLIANCE_EXPORT_FORMAT").orElse("jsonl")
        .toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(format)) {
      throw new ConfigException("HYRELOG_COMPLIANCE_EXPORT_FORMAT must be jsonl or csv, got '"
          + format + "'");
    }
    Optional<String> schedule = get(env, "HYRELOG_COMPLIANCE_SCHEDULE");
    schedule.ifPresent(s -> {
      try {
        JobSchedule.cron(s);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("HYRELOG_COMPLIANCE_SCHEDULE must be a cron expression such"
            + " as \"0 0 2 * * *\" (daily at 02:00 UTC): " + e.getMessage());
      }
      if (key.isEmpty()) {
        throw new ConfigException("HYRELOG_COMPLIANCE_SCHEDULE needs"
            + " HYRELOG_COMPLIANCE_ENCRYPTION_KEY");
      }
    });
    boolean exit = bool(env, "HYRELOG_COMPLIANCE_EXIT_ON_FAILURE");
    int envelopeMax = 4 << 20;
    Optional<String> em = get(env, "HYRELOG_COMPLIANCE_ENVELOPE_MAX_BYTES");
    if (em.isPresent()) {
      try {
        envelopeMax = Integer.parseInt(em.get());
        if (envelopeMax < 0 || envelopeMax > (64 << 20)) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new ConfigException("HYRELOG_COMPLIANCE_ENVELOPE_MAX_BYTES must be an integer in"
            + " 0.." + (64 << 20) + ", got '" + em.get() + "'");
      }
    }
    String mode = get(env, "HYRELOG_COMPLIANCE_DELIVERY_MODE").orElse("local")
        .toLowerCase(Locale.ROOT);
    Path local = get(env, "HYRELOG_COMPLIANCE_LOCAL_DIR").map(Path::of).orElse(dataDir);
    Optional<String> bucket = get(env, "HYRELOG_COMPLIANCE_S3_BUCKET");
    Optional<URI> endpoint = get(env, "HYRELOG_COMPLIANCE_S3_ENDPOINT").map(u -> {
      URI uri;
      try {
        uri = URI.create(u);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
        throw new ConfigException("HYRELOG_COMPLIANCE_S3_ENDPOINT must be a URL such as"
            + " http://localhost:9000");
      }
      return uri;
    });
    String sse = get(env, "HYRELOG_COMPLIANCE_S3_SSE").orElse("AES256");
    if (!sse.equals("AES256") && !sse.equals("aws:kms")) {
      throw new ConfigException("HYRELOG_COMPLIANCE_S3_SSE must be AES256 or aws:kms, got '"
          + sse + "'");
    }
    Optional<String> sftpHost = get(env, "HYRELOG_COMPLIANCE_SFTP_HOST");
    int port = 22;
    Optional<String> p = get(env, "HYRELOG_COMPLIANCE_SFTP_PORT");
    if (p.isPresent()) {
      try {
        port = Integer.parseInt(p.get());
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new ConfigException("HYRELOG_COMPLIANCE_SFTP_PORT must be 1..65535, got '"
            + p.get() + "'");
      }
    }
    String prefix = get(env, "HYRELOG_COMPLIANCE_S3_PREFIX").orElse("");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    ComplianceExportSettings s = new ComplianceExportSettings(key, types, format, schedule, exit,
        envelopeMax, mode, local, bucket,
        get(env, "HYRELOG_COMPLIANCE_S3_REGION").orElse("us-east-1"), prefix, endpoint,
        bool(env, "HYRELOG_COMPLIANCE_S3_PATH_STYLE"),
        get(env, "HYRELOG_COMPLIANCE_S3_ACCESS_KEY_ID"),
        get(env, "HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY"), sse,
        get(env, "HYRELOG_COMPLIANCE_S3_KMS_KEY_ID"), sftpHost, port,
        get(env, "HYRELOG_COMPLIANCE_SFTP_USER"),
        get(env, "HYRELOG_COMPLIANCE_SFTP_IDENTITY_FILE").map(Path::of),
        get(env, "HYRELOG_COMPLIANCE_SFTP_KNOWN_HOSTS").map(Path::of),
        get(env, "HYRELOG_COMPLIANCE_SFTP_HOST_KEY"),
        get(env, "HYRELOG_COMPLIANCE_SFTP_PATH").orElse(""));
    s.requireConfigured(mode);
    return s;
  }

  /** Throws naming the missing settings if delivery {@code mode} cannot be used. */
  public void requireConfigured(String mode) {
    switch (mode) {
      case "local" -> { }
      case "s3" -> {
        if (s3Bucket.isEmpty()) {
          throw new ConfigException("compliance delivery s3 needs HYRELOG_COMPLIANCE_S3_BUCKET");
        }
        if (s3AccessKeyId.isPresent() != s3SecretAccessKey.isPresent()) {
          throw new ConfigException("set both HYRELOG_COMPLIANCE_S3_ACCESS_KEY_ID and"
              + " HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY, or neither (default credentials)");
        }
      }
      case "sftp" -> {
        if (sftpHost.isEmpty() || sftpUser.isEmpty() || sftpIdentityFile.isEmpty()) {
          throw new ConfigException("compliance delivery sftp needs"
              + " HYRELOG_COMPLIANCE_SFTP_HOST, HYRELOG_COMPLIANCE_SFTP_USER and"
              + " HYRELOG_COMPLIANCE_SFTP_IDENTITY_FILE");
        }
        if (sftpKnownHosts.isPresent() == sftpHostKey.isPresent()) {
          throw new ConfigException("compliance delivery sftp needs exactly one of"
              + " HYRELOG_COMPLIANCE_SFTP_KNOWN_HOSTS or HYRELOG_COMPLIANCE_SFTP_HOST_KEY"
              + " (host keys are checked strictly)");
        }
      }
      default -> throw new ConfigException("HYRELOG_COMPLIANCE_DELIVERY_MODE must be local, s3"
          + " or sftp, got '" + mode + "'");
    }
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static boolean bool(Map<String, String> env, String name) {
    Optional<String> v = get(env, name);
    if (v.isEmpty()) {
      return false;
    }
    String b = v.get().toLowerCase(Locale.ROOT);
    if (!b.equals("true") && !b.equals("false")) {
      throw new ConfigException(name + " must be true or false, got '" + v.get() + "'");
    }
    return b.equals("true");
  }

  @Override
  public String toString() {
    return "ComplianceExportSettings[key=" + key.map(ExportKey::toString).orElse("none")
        + ", types=" + types + ", format=" + format + ", schedule=" + schedule.orElse("off")
        + ", exitOnFailure=" + exitOnFailure + ", delivery=" + deliveryMode
        + ", s3SecretAccessKey=<masked>]";
  }
}
