package io.hyrelog.server.internal.compliance;

import io.hyrelog.server.config.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.evidence.Countersigned;
import io.hyrelog.compliance.evidence.EvidenceBundleWriter;
import io.hyrelog.compliance.evidence.EvidenceBundles;
import io.hyrelog.compliance.evidence.StoredBundleFile;
import io.hyrelog.compliance.evidence.EvidenceConflictException;
import io.hyrelog.compliance.evidence.EvidenceException;
import io.hyrelog.compliance.evidence.EvidenceExporter;
import io.hyrelog.compliance.evidence.EvidenceNotFoundException;
import io.hyrelog.compliance.evidence.EvidenceQuotaExceededException;
import io.hyrelog.compliance.evidence.EvidenceVerification;
import io.hyrelog.compliance.evidence.ExternalEndpoints;
import io.hyrelog.compliance.evidence.InvalidCountersignatureException;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.config.S3Settings;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Evidence bundles of the example server: the library's {@link EvidenceBundles} configured from
 * the settings, behind HTTP (and the {@code compliance_evidence_export} job). Each operation is
 * scoped to the caller's company; requests name bundles by id only ({@code package_path} is
 * {@code <bundleId>}, {@code <bundleId>.zip} or {@code <bundleId>/<bundleId>.zip}). This class
 * maps the library's failures to problems and builds the responses. Thread-safe.
 */
public final class Evidence {
  private final EvidenceSettings settings;
  private final Clock clock;
  private final EvidenceKeys keys;
  /** For verify, countersign and the quota; empty when signing is not configured. */
  private final Optional<EvidenceBundles> bundles;
  /** Per region, for exports (reading the region's chains); empty without signing. */
  private final Map<DataRegion, EvidenceBundles> exports;

  private Evidence(EvidenceSettings settings, Clock clock, EvidenceKeys keys,
      Optional<EvidenceBundles> bundles, Map<DataRegion, EvidenceBundles> exports) {
    this.settings = settings;
    this.clock = clock;
    this.keys = keys;
    this.bundles = bundles;
    this.exports = exports;
  }

  /**
   * @param embeddedDataDir the data directory of an embedded server (where the envelope master
   *     key is generated when none is configured); empty with an external database
   * @param vaultStore the S3 vault's store, exactly when {@code HYRELOG_EVIDENCE_VAULT_S3_*}
   *     configures it (the caller closes it)
   */
  public static Evidence create(EvidenceSettings settings, Optional<Path> embeddedDataDir,
      Clock clock, Map<DataRegion, Region> regions, ServerSigning signing,
      Optional<ArchiveStore> vaultStore) {
    if (settings.vaultS3().isPresent() != vaultStore.isPresent()) {
      throw new IllegalArgumentException("the vault store is given exactly when the S3 vault"
          + " is configured");
    }
    EvidenceKeys keys = EvidenceKeys.load(settings, embeddedDataDir, signing);
    Optional<SigningKeys> signingKeys = signing.keys();
    if (signingKeys.isEmpty()) {
      return new Evidence(settings, clock, keys, Optional.empty(), Map.of());
    }
    ExternalEndpoints external = ExternalEndpoints.builder().token(settings.externalToken())
        .timeout(Duration.ofSeconds(60)).allowHttp(settings.externalAllowHttp()).build();
    List<NoteVerifier> countersigners = settings.countersignKeys().stream()
        .map(NoteVerifier::parse).toList();
    Duration retention = Duration.ofDays(settings.vaultRetentionDays());
    java.util.function.Supplier<EvidenceBundles.Builder> builder = () -> {
      EvidenceBundles.Builder b = EvidenceBundles.builder(settings.directory())
          .keys(signingKeys.get()).namespace(signing.namespace()).clock(clock)
          .countersigners(countersigners).externalEndpoints(external);
      keys.master().ifPresent(b::masterKey);
      settings.wormEndpoint().ifPresent(b::wormEndpoint);
      settings.kmsEndpoint().ifPresent(b::kmsEndpoint);
      if (vaultStore.isPresent()) {
        S3Settings s3 = settings.vaultS3().orElseThrow();
        b.vaultStore(vaultStore.get(), v -> v.uriPrefix("s3://" + s3.bucket() + "/"
            + s3.keyPrefix()).retention(retention).enforcedRetention("s3-object-lock "
            + s3.objectLockMode().orElseThrow(), Duration.ofDays(s3.objectLockDays())));
      } else {
        b.vaultDirectory(settings.vaultDirectory(), retention);
      }
      return b;
    };
    try {
      EvidenceBundles all = builder.get().build();
      Map<DataRegion, EvidenceBundles> exports = new EnumMap<>(DataRegion.class);
      regions.forEach((r, region) -> {
        EvidenceBundles.Builder b = builder.get().chains(region.exportJobs(), region.archival());
        // Periods read from their first seq, checkpoint roots from the tiles.
        region.store().tree().ifPresent(tree -> b.tree(tree, region.periods()));
        exports.put(r, b.build());
      });
      return new Evidence(settings, clock, keys, Optional.of(all), exports);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("HYRELOG_EVIDENCE_COUNTERSIGN_KEYS lists a key of"
          + " the server's own (HYRELOG_SIGNING_KEY_FILE or HYRELOG_VERIFICATION_KEY_FILES): "
          + e.getMessage());
    }
  }

  /** The bundle signing key's verifier (what auditors trust). */
  public NoteVerifier signerVerifier() {
    return keys.signer().verifier();
  }

  /** The library over every company's bundles; 503 when signing is not configured. */
  private EvidenceBundles bundles() {
    keys.signer();
    return bundles.orElseThrow();
  }

  /** Which options a request may set; defaults follow what is configured. */
  EvidenceExporter.Options options(JsonNode o) {
    boolean vault = flag(o, "vault", true);
    boolean envelope = flag(o, "envelope", keys.master().isPresent());
    boolean worm = flag(o, "external_worm", settings.wormEndpoint().isPresent());
    boolean kms = flag(o, "external_kms", settings.kmsEndpoint().isPresent());
    boolean strict = flag(o, "external_require_success", false);
    boolean proofs = flag(o, "proofs", false);
    return new EvidenceExporter.Options(vault, envelope, worm, kms, strict, proofs);
  }

  private static boolean flag(JsonNode o, String name, boolean dflt) {
    JsonNode v = o == null ? null : o.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(name + " must be true or false");
    }
    return v.booleanValue();
  }

  /**
   * Exports the company's events recorded in {@code [from, to)} (of one workspace, or all).
   *
   * @throws IllegalArgumentException when an option asks for something not configured
   * @throws EvidenceException when a step fails (an external one in strict mode)
   */
  public ObjectNode export(Company c, Instant from, Instant to, UUID workspaceOrNull,
      EvidenceExporter.Options o) {
    bundles();
    return exports.get(c.region()).export(c.id(), from, to, workspaceOrNull, o).toJson();
  }

  /** {@code POST /compliance/evidence/verify}. */
  public ObjectNode verify(Company c, String packagePath, String signaturePath,
      String countersignPath, boolean require) {
    UUID id = bundleId(packagePath, "/package_path");
    requireSame(signaturePath, id, ".sig", "/signature_path");
    requireSame(countersignPath, id, ".countersign", "/countersign_path");
    EvidenceVerification v;
    try {
      v = bundles().verify(c.id(), id, require);
    } catch (EvidenceConflictException e) {
      throw new ApiException(ErrorCode.CONFLICT, e.getMessage());
    }
    ObjectNode n = Json.object();
    n.put("bundle_id", id.toString());
    n.put("package_path", id + "/" + EvidenceBundleWriter.packageName(id));
    n.put("package_exists", v.packageExists());
    n.put("manifest_valid", v.manifestValid());
    n.put("events_valid", v.eventsValid());
    n.put("checkpoints_valid", v.checkpointsValid());
    n.put("checkpoint_count", v.checkpointCount());
    n.put("proofs_valid", v.proofsValid());
    n.put("proofs_checked", v.proofsChecked());
    n.put("signature_checked", v.signatureChecked());
    n.put("signature_valid", v.signatureValid());
    n.put("countersign_checked", v.countersignChecked());
    n.put("countersign_valid", v.countersignValid());
    n.put("countersign_count", v.countersignCount());
    n.put("require_countersign", require);
    n.put("valid", v.ok());
    n.put("event_count", v.events());
    var problems = n.putArray("problems");
    v.problems().forEach(problems::add);
    n.put("problem_count", v.problemCount());
    n.put("verified_at", clock.instant().toString());
    return n;
  }

  /**
   * {@code POST /compliance/evidence/countersign}: checks the package and the countersignature
   * line, then adds it to the bundle's countersign note (one signature per key).
   */
  public ObjectNode countersign(Company c, String packagePath, String signer, String keyIdHex,
      String line, String countersignPath) {
    UUID id = bundleId(packagePath, "/package_path");
    requireSame(countersignPath, id, ".countersign", "/countersign_path");
    Countersigned done;
    try {
      done = bundles().countersign(c.id(), id, signer, keyIdHex, line);
    } catch (EvidenceNotFoundException e) {
      throw ApiException.notFound("evidence package");
    } catch (EvidenceConflictException e) {
      throw new ApiException(ErrorCode.CONFLICT, e.getMessage());
    } catch (InvalidCountersignatureException e) {
      throw invalid(e);
    }
    ObjectNode n = Json.object();
    n.put("bundle_id", id.toString());
    n.put("package_path", id + "/" + EvidenceBundleWriter.packageName(id));
    n.put("countersign_path", done.countersignPath());
    n.put("signer", signer);
    n.put("signing_key_id", keyIdHex);
    n.put("added", done.added());
    n.put("entry_count", done.entryCount());
    n.put("countersign_count", done.countersignCount());
    done.vaultCountersignPath().ifPresentOrElse(p -> n.put("vault_countersign_path", p),
        () -> n.putNull("vault_countersign_path"));
    return n;
  }

  private static ApiException invalid(InvalidCountersignatureException e) {
    return switch (e.reason()) {
      case MALFORMED_LINE -> ApiException.validation("/signature", "INVALID_FORMAT",
          e.getMessage());
      case SIGNER_MISMATCH -> ApiException.validation("/signer", "MISMATCH", "signer does not"
          + " match the key name on the countersignature line");
      case KEY_ID_MISMATCH -> ApiException.validation("/signing_key_id", "MISMATCH",
          "signing_key_id does not match the key id on the countersignature line (8 lowercase"
              + " hex digits)");
      case SAME_SIGNER -> ApiException.validation("/signer", "SAME_SIGNER", e.getMessage());
      case UNKNOWN_KEY -> ApiException.validation("/signing_key_id", "UNKNOWN_KEY", "the key is"
          + " not a configured countersigner key (HYRELOG_EVIDENCE_COUNTERSIGN_KEYS)");
      case SIGNATURE_MISMATCH -> ApiException.validation("/signature", "SIGNATURE_MISMATCH",
          e.getMessage());
    };
  }

  /**
   * Refuses a new bundle when the company's bundles, with their directory vault copies (an S3
   * vault is not on this disk), already take {@code quotaBytes} or more: 507
   * EVIDENCE_QUOTA_EXCEEDED. Without signing there is no export to refuse (it is 503).
   */
  public void requireQuota(Company c, long quotaBytes) {
    if (bundles.isEmpty()) {
      return;
    }
    try {
      bundles.get().requireQuota(c.id(), quotaBytes);
    } catch (EvidenceQuotaExceededException e) {
      throw new ApiException(ErrorCode.EVIDENCE_QUOTA_EXCEEDED, "this company's evidence"
          + " bundles take " + e.usedBytes() + " bytes, at least its quota of "
          + e.quotaBytes() + " bytes (HYRELOG_EVIDENCE_QUOTA_MB); ask the operator to archive"
          + " and remove old bundles (and vault copies past their retention) or to raise the"
          + " quota");
    }
  }

  /** The company's bundle ids after {@code after} (null: from the start), at most {@code limit}. */
  public List<UUID> bundleIds(Company c, UUID after, int limit) {
    try {
      return bundles().bundleIds(c.id(), after, limit);
    } catch (EvidenceException e) {
      throw unavailable(e);
    }
  }

  /** The downloadable files of one of the company's bundles; 404 when it has no such bundle. */
  public List<StoredBundleFile> files(Company c, UUID bundleId) {
    try {
      return bundles().files(c.id(), bundleId);
    } catch (EvidenceNotFoundException e) {
      throw ApiException.notFound("evidence bundle " + bundleId);
    } catch (EvidenceException e) {
      throw unavailable(e);
    }
  }

  static UUID bundleId(String path, String field) {
    if (path == null) {
      throw ApiException.validation(field, "REQUIRED", field.substring(1) + " is required");
    }
    try {
      return EvidenceBundles.parsePackagePath(path);
    } catch (IllegalArgumentException e) {
      throw ApiException.validation(field, "INVALID_PACKAGE_PATH", field.substring(1)
          + " names a bundle of this company: <bundleId>, <bundleId>.zip or"
          + " <bundleId>/<bundleId>.zip (lowercase UUID); other paths are not accepted");
    }
  }

  private static void requireSame(String given, UUID id, String ext, String field) {
    if (given != null && !EvidenceBundles.isBundleFile(given, id, ext)) {
      throw ApiException.validation(field, "INVALID_PATH", field.substring(1) + " must be the"
          + " bundle's own file, " + id + "/" + id + ext + " (files live beside their package)");
    }
  }

  static HyrelogException unavailable(EvidenceException e) {
    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, e.getMessage());
  }
}
