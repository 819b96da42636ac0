package io.hyrelog.server.internal.complianceexport;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.HyrelogException;
import io.hyrelog.Plan;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.export.ComplianceExporter;
import io.hyrelog.compliance.export.ComplianceRecordSource;
import io.hyrelog.compliance.export.ExportDelivery;
import io.hyrelog.compliance.export.ExportEncryption;
import io.hyrelog.compliance.export.LocalDirectoryDelivery;
import io.hyrelog.compliance.s3.S3Delivery;
import io.hyrelog.compliance.sftp.SftpDelivery;
import io.hyrelog.jobs.JobHandler;
import io.hyrelog.export.CsvMode;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.config.ComplianceExportSettings;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.TenantDirectory;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.server.internal.Regions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * {@code compliance.export}: for each company of a region (or input {@code companyId}), exports
 * the configured record types ({@link #TYPES}: {@code audit_events} from the region's chains,
 * {@code admin_audit_log} from the deployment's one admin audit log) as JSONL or CSV, encrypts each (envelope or streaming format by
 * size) and delivers it to the local directory, S3 or SFTP. One type failing does not stop the
 * others; the result lists each. With exit-on-failure (setting or input) the run FAILS when any
 * type failed. Scheduled only when {@code HYRELOG_COMPLIANCE_SCHEDULE} is set.
 */
public final class ComplianceExportJob {
  public static final String TYPE = "compliance.export";
  private static final JobInputSchema INPUT = JobInputSchema.builder()
      .optional("companyId", JobInputSchema.PropertyType.STRING)
      .optional("types", JobInputSchema.PropertyType.STRING)
      .optional("format", JobInputSchema.PropertyType.STRING)
      .optional("delivery", JobInputSchema.PropertyType.STRING)
      .optional("categories", JobInputSchema.PropertyType.STRING)
      .optional("exitOnFailure", JobInputSchema.PropertyType.BOOLEAN)
      .optional("csvSafe", JobInputSchema.PropertyType.BOOLEAN)
      .build();

  /** The record types, in the order the default lists them (the settings check against it). */
  public static final List<String> TYPES = sameAs(ComplianceExportSettings.TYPES,
      List.of(AuditEventsSource.TYPE, AdminAuditLogSource.TYPE));
  /** The formats every type is written in. */
  public static final Set<String> FORMATS = ComplianceExportSettings.FORMATS;

  private ComplianceExportJob() {}

  public static ServerJob job(ComplianceExportSettings settings, Path workDir,
      Regions regions, AdminAuditLog adminAuditLog, Clock clock) {
    JobPolicy policy = JobPolicy.of(1, Duration.ofHours(6));
    if (settings.schedule().isPresent()) {
      policy = policy.withSchedule(JobSchedule.cron(settings.schedule().get()));
    }
    return new ServerJob(TYPE, "export each company's compliance records (audit events by"
        + " category, the admin audit log) as JSONL or CSV, encrypt them (AES-256-GCM) and"
        + " deliver them to a local directory, S3 or SFTP", INPUT, policy,
        r -> handler(settings, workDir, regions.get(r).store(), regions.get(r).jobTenants(),
            regions.get(r).jobArchival(), adminAuditLog, clock));
  }

  static JobHandler handler(ComplianceExportSettings settings, Path workDir,
      PostgresEventStore store, TenantDirectory tenants, Archival archival,
      AdminAuditLog adminAuditLog, Clock clock) {
    return ctx -> {
      if (settings.key().isEmpty()) {
        throw new IllegalStateException("compliance exports are not configured: set"
            + " HYRELOG_COMPLIANCE_ENCRYPTION_KEY (32 bytes as hex or base64) and"
            + " HYRELOG_COMPLIANCE_ENCRYPTION_KEY_ID");
      }
      String format = ctx.param("format").asText(settings.format()).toLowerCase(Locale.ROOT);
      if (!FORMATS.contains(format)) {
        throw new IllegalArgumentException("format must be jsonl or csv, got '" + format + "'");
      }
      boolean csvSafe = ctx.param("csvSafe").asBoolean(false);
      if (csvSafe && !format.equals("csv")) {
        throw new IllegalArgumentException("csvSafe applies to format csv only");
      }
      CsvMode csv = csvSafe ? CsvMode.SPREADSHEET_SAFE : CsvMode.VERBATIM;
      Set<String> categories = list(ctx.param("categories").asText(""));
      List<ComplianceRecordSource> sources = new ArrayList<>();
      for (String t : ctx.param("types").isMissingNode() ? settings.types()
          : List.copyOf(list(ctx.param("types").asText()))) {
        sources.add(switch (t) {
          case AuditEventsSource.TYPE -> new AuditEventsSource(store, archival, categories, csv);
          case AdminAuditLogSource.TYPE -> new AdminAuditLogSource(adminAuditLog, csv);
          default -> throw new IllegalArgumentException("unknown compliance export type '" + t
              + "'; known: " + String.join(", ", TYPES));
        });
      }
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("types names no type");
      }
      String mode = ctx.param("delivery").asText(settings.deliveryMode())
          .toLowerCase(Locale.ROOT);
      try {
        settings.requireConfigured(mode);
      } catch (HyrelogException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      boolean exitOnFailure = ctx.param("exitOnFailure").asBoolean(settings.exitOnFailure());
      List<Company> companies = new ArrayList<>();
      List<Company> restricted = new ArrayList<>();
      Function<Company, Plan> plans = LifecycleJobs.plansInForce(tenants);
      for (Company c : LifecycleJobs.companies(tenants, ctx)) {
        (plans.apply(c).complianceExportsEnabled() ? companies : restricted).add(c);
      }
      if (companies.isEmpty() && ctx.param("companyId").isTextual()) {
        Company c = restricted.get(0);
        throw new IllegalArgumentException("company " + c.id() + " is on plan "
            + c.planTier() + ", which has no compliance exports (PLAN_RESTRICTED); they need a"
            + " plan with exports, STARTER or above");
      }
      ExportEncryption enc = ExportEncryption.builder(settings.key().get())
          .envelopeThreshold(settings.envelopeMaxBytes()).build();
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("region", ctx.partition());
      out.put("companies", companies.size());
      ArrayNode skipped = out.putArray("plan_restricted");
      restricted.stream().limit(1000).forEach(c -> skipped.add(c.id().toString()));
      out.put("format", format);
      out.put("csv_safe", csvSafe);
      out.put("delivery", mode);
      out.put("key_id", settings.key().get().keyId().orElseThrow());
      ArrayNode exports = out.putArray("exports");
      List<String> failed = new ArrayList<>();
      try (Target target = target(settings, mode)) {
        ComplianceExporter exporter = new ComplianceExporter(enc, target.delivery(), clock,
            workDir);
        for (Company c : companies) {
          if (ctx.cancelled()) {
            throw new InterruptedException("stopped after " + exports.size() + " exports");
          }
          ComplianceExporter.Result r = exporter.export(c.id().toString(), format, sources);
          for (ComplianceExporter.TypeResult t : r.types()) {
            ObjectNode e = exports.addObject();
            e.put("company_id", c.id().toString());
            e.put("type", t.type());
            e.put("status", t.status().name());
            e.put("object", t.objectName());
            t.location().ifPresent(l -> e.put("location", l));
            t.encryptedFormat().ifPresent(f -> e.put("encrypted_format", f.name()));
            e.put("plaintext_bytes", t.plaintextBytes());
            e.put("encrypted_bytes", t.encryptedBytes());
            t.error().ifPresent(m -> e.put("error", m));
            if (t.status() == ComplianceExporter.Status.FAILED) {
              failed.add(c.id() + "/" + t.type() + ": " + t.error().orElse("failed"));
            }
          }
        }
      }
      out.put("failed", failed.size());
      out.put("exit_on_failure", exitOnFailure);
      if (exitOnFailure && !failed.isEmpty()) {
        throw new ComplianceExportFailedException(failed.size() + " of " + exports.size()
            + " compliance exports failed (exit on failure): " + String.join("; ", failed));
      }
      return JobResult.of(out);
    };
  }

  private static Set<String> list(String csv) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .forEach(out::add);
    return out;
  }

  /** A delivery and what must be closed after the run. */
  private record Target(ExportDelivery delivery, AutoCloseable resource) implements
      AutoCloseable {
    @Override
    public void close() throws Exception {
      if (resource != null) {
        resource.close();
      }
    }
  }

  private static Target target(ComplianceExportSettings s, String mode) {
    switch (mode) {
      case "s3" -> {
        S3ClientBuilder b = S3Client.builder().region(Region.of(s.s3Region()))
            .forcePathStyle(s.s3PathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(Apache5HttpClient.builder());
        s.s3Endpoint().ifPresent(b::endpointOverride);
        if (s.s3AccessKeyId().isPresent()) {
          b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
              s.s3AccessKeyId().get(), s.s3SecretAccessKey().orElseThrow())));
        }
        S3Client client = b.build();
        S3Delivery.Builder d = S3Delivery.builder(client, s.s3Bucket().orElseThrow())
            .keyPrefix(s.s3Prefix());
        if (s.s3Sse().equals("aws:kms")) {
          d.sseKms(s.s3KmsKeyId().orElse(null));
        }
        return new Target(d.build(), client);
      }
      case "sftp" -> {
        SftpDelivery.Builder b = SftpDelivery.builder(s.sftpHost().orElseThrow(),
            s.sftpUser().orElseThrow()).port(s.sftpPort())
            .identityFile(s.sftpIdentityFile().orElseThrow()).remoteDirectory(s.sftpPath());
        s.sftpKnownHosts().ifPresent(b::knownHosts);
        s.sftpHostKey().ifPresent(b::pinnedHostKey);
        SftpDelivery d = b.build();
        return new Target(d, d);
      }
      default -> {
        return new Target(new LocalDirectoryDelivery(s.localDirectory()), null);
      }
    }
  }

  /** Some types failed and exit-on-failure is set: the run fails, naming them. */
  static final class ComplianceExportFailedException extends HyrelogException {
    private static final long serialVersionUID = 1L;

    ComplianceExportFailedException(String message) {
      super(message);
    }
  }

  private static List<String> sameAs(List<String> settings, List<String> sources) {
    if (!settings.equals(sources)) {
      throw new IllegalStateException("the settings know " + settings + ", the sources "
          + sources);
    }
    return settings;
  }
}
