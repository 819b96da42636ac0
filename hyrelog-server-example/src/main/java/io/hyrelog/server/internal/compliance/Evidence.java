package io.hyrelog.server.internal.compliance;

import io.hyrelog.server.config.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.evidence.EvidenceBundleWriter;
import io.hyrelog.compliance.evidence.EvidenceEnvelope;
import io.hyrelog.compliance.evidence.EvidenceException;
import io.hyrelog.compliance.evidence.EvidenceExporter;
import io.hyrelog.compliance.evidence.EvidenceSignatures;
import io.hyrelog.compliance.evidence.EvidenceVault;
import io.hyrelog.compliance.evidence.EvidenceVerification;
import io.hyrelog.compliance.evidence.EvidenceVerifier;
import io.hyrelog.compliance.evidence.ExternalEndpoints;
import io.hyrelog.compliance.evidence.KeyWrapper;
import io.hyrelog.compliance.evidence.PeriodEvents;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.config.S3Settings;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.IdSource;
import io.hyrelog.spi.ExportJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Evidence bundles of the example server: export (HTTP and the {@code
 * compliance_evidence_export} job), countersign and verify, each scoped to one company. A
 * company's packages live under {@code <evidence dir>/<companyId>/<bundleId>/}; requests name
 * them by bundle id only ({@code package_path} is {@code <bundleId>}, {@code <bundleId>.zip} or
 * {@code <bundleId>/<bundleId>.zip}), so no request can reach another path. Vault copies go to
 * {@code <vault dir>/<companyId>/} or, with the S3 vault, under {@code <prefix><companyId>/} in
 * the bucket (reported as {@code s3://bucket/key}). Thread-safe.
 */
public final class Evidence {
  private static final Pattern PACKAGE = Pattern.compile(
      "(?:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/)?"
          + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\\.zip)?");
  private static final String EXPORT_RECORD = "export.json";

  private final EvidenceSettings settings;
  private final Clock clock;
  private final Map<DataRegion, ExportJobs> heads;
  private final Map<DataRegion, Archival> archives;
  private final EvidenceKeys keys;
  private final List<NoteVerifier> countersigners;
  private final ExternalEndpoints external;
  private final IdSource ids;
  private final String namespace;
  private final Optional<ArchiveStore> vaultStore;
  private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

  private Evidence(EvidenceSettings settings, Clock clock, Map<DataRegion, ExportJobs> heads,
      Map<DataRegion, Archival> archives, EvidenceKeys keys, String namespace,
      Optional<ArchiveStore> vaultStore) {
    this.settings = settings;
    this.clock = clock;
    this.heads = Map.copyOf(heads);
    this.archives = Map.copyOf(archives);
    this.keys = keys;
    this.countersigners = settings.countersignKeys().stream().map(NoteVerifier::parse).toList();
    this.external = ExternalEndpoints.builder().token(settings.externalToken())
        .timeout(Duration.ofSeconds(60)).allowHttp(settings.externalAllowHttp()).build();
    this.ids = IdSource.secure(clock);
    this.namespace = namespace;
    this.vaultStore = vaultStore;
    if (settings.vaultS3().isPresent() != vaultStore.isPresent()) {
      throw new IllegalArgumentException("the vault store is given exactly when the S3 vault"
          + " is configured");
    }
  }

  /**
   * @param embeddedDataDir the data directory of an embedded server (where the envelope master
   *     key is generated when none is configured); empty with an external database
   * @param vaultStore the S3 vault's store, exactly when {@code HYRELOG_EVIDENCE_VAULT_S3_*}
   *     configures it (the caller closes it)
   */
  public static Evidence create(EvidenceSettings settings, Optional<Path> embeddedDataDir,
      Clock clock, Map<DataRegion, ExportJobs> heads, Map<DataRegion, Archival> archives,
      ServerSigning signing, Optional<ArchiveStore> vaultStore) {
    Evidence evidence = new Evidence(settings, clock, heads, archives,
        EvidenceKeys.load(settings, embeddedDataDir, signing), signing.namespace(), vaultStore);
    signing.keys().ifPresent(k -> {
      try {
        new EvidenceVerifier(k.verifiers(), evidence.countersigners);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("HYRELOG_EVIDENCE_COUNTERSIGN_KEYS lists a key of"
            + " the server's own (HYRELOG_SIGNING_KEY_FILE or HYRELOG_VERIFICATION_KEY_FILES): "
            + e.getMessage());
      }
    });
    return evidence;
  }

  /** The bundle signing key's verifier (what auditors trust). */
  public NoteVerifier signerVerifier() {
    return keys.signer().verifier();
  }

  /** Which options a request may set; defaults follow what is configured. */
  EvidenceExporter.Options options(JsonNode o) {
    boolean vault = flag(o, "vault", true);
    boolean envelope = flag(o, "envelope", keys.master().isPresent());
    boolean worm = flag(o, "external_worm", settings.wormEndpoint().isPresent());
    boolean kms = flag(o, "external_kms", settings.kmsEndpoint().isPresent());
    boolean strict = flag(o, "external_require_success", false);
    return new EvidenceExporter.Options(vault, envelope, worm, kms, strict);
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
    EvidenceExporter exporter = exporter(c);
    exporter.check(o);
    UUID bundleId = ids.newEventId();
    Path dir = companyDir(c).resolve(bundleId.toString());
    SortedMap<UUID, Long> chains = heads.get(c.region()).heads(c.id(), workspaceOrNull);
    Archival archival = archives.get(c.region());
    // Chain after chain from seq 1 (the checkpoints' Merkle roots), each opened when the
    // previous one is used up and read only to the period's end (constant memory).
    List<Supplier<Stream<AuditEvent>>> parts = chains.entrySet().stream()
        .<Supplier<Stream<AuditEvent>>>map(h -> () -> archival
            .readChain(EventScope.workspace(c.id(), h.getKey()), 1, h.getValue()))
        .toList();
    try (PeriodEvents events = PeriodEvents.of(from, to, parts)) {
      EvidenceExporter.Result r = exporter.export(EvidenceExporter.Request.of(bundleId, c.id(),
          namespace, events), o, dir);
      ObjectNode out = result(c, r);
      try {
        StagedFile.writeNew(dir.resolve(EXPORT_RECORD), Json.MAPPER
            .writerWithDefaultPrettyPrinter().writeValueAsBytes(out), FileMode.PRIVATE);
      } catch (IOException e) {
        throw new EvidenceException("cannot record the export of bundle " + bundleId, e);
      }
      return out;
    }
  }

  private EvidenceExporter exporter(Company c) {
    Optional<KeyWrapper> master = keys.master().map(k -> k);
    return new EvidenceExporter(keys.signer(), clock, Optional.of(vault(c)), master,
        settings.wormEndpoint(), settings.kmsEndpoint(), external, new SecureRandom());
  }

  /** The company's vault: its directory, or its key prefix in the S3 Object Lock bucket. */
  private EvidenceVault vault(Company c) {
    Duration retention = Duration.ofDays(settings.vaultRetentionDays());
    if (vaultStore.isEmpty()) {
      return EvidenceVault.directory(vaultDir(c), retention);
    }
    S3Settings s3 = settings.vaultS3().orElseThrow();
    return EvidenceVault.onStore(vaultStore.get()).keyPrefix(c.id() + "/")
        .uriPrefix("s3://" + s3.bucket() + "/" + s3.keyPrefix()).retention(retention)
        .enforcedRetention("s3-object-lock " + s3.objectLockMode().orElseThrow(),
            Duration.ofDays(s3.objectLockDays()))
        .build();
  }

  /**
   * A vault location as responses and runs report it: relative to the company's vault
   * directory, or {@code s3://bucket/key}.
   */
  private Optional<String> report(Optional<EvidenceVault.Location> l) {
    return l.map(v -> vaultStore.isPresent() ? v.uri() : v.path());
  }

  private ObjectNode result(Company c, EvidenceExporter.Result r) {
    ObjectNode n = Json.object();
    var b = r.bundle();
    n.put("bundle_id", b.bundleId().toString());
    n.put("company_id", c.id().toString());
    n.put("package_path", b.bundleId() + "/" + b.packagePath().getFileName());
    n.put("package_encrypted", r.envelopePath().isPresent());
    n.put("signature_path", b.bundleId() + "/" + b.signaturePath().getFileName());
    n.put("signature_enabled", true);
    n.put("signer_key", b.signerKey());
    n.put("manifest_sha256", b.manifestSha256().hex());
    n.put("event_count", b.manifest().events());
    n.putObject("period").put("from", b.manifest().from().toString())
        .put("to", b.manifest().to().toString());
    putPath(n, "vault_copy_path", report(r.vaultCopyPath()));
    putPath(n, "vault_worm_lock_path", report(r.vaultWormLockPath()));
    putPath(n, "vault_envelope_path", report(r.vaultEnvelopePath()));
    putPath(n, "envelope_path", r.envelopePath().map(p -> Path.of(b.bundleId().toString())
        .resolve(p.getFileName())));
    n.put("external_worm_status", r.externalWormStatus().name());
    n.put("external_kms_status", r.externalKmsStatus().name());
    putJson(n, "external_worm_receipt", r.externalWormReceipt());
    putJson(n, "external_kms_receipt", r.externalKmsReceipt());
    var errors = n.putArray("errors");
    r.errors().forEach(errors::add);
    return n;
  }

  private static void putPath(ObjectNode n, String field, Optional<?> p) {
    p.ifPresentOrElse(v -> n.put(field, v.toString()), () -> n.putNull(field));
  }

  private static void putJson(ObjectNode n, String field, Optional<String> json) {
    if (json.isEmpty()) {
      n.putNull(field);
      return;
    }
    try {
      n.set(field, Json.MAPPER.readTree(json.get()));
    } catch (IOException e) {
      n.put(field, json.get());
    }
  }

  /** {@code POST /compliance/evidence/verify}. */
  public ObjectNode verify(Company c, String packagePath, String signaturePath,
      String countersignPath, boolean require) {
    UUID id = bundleId(packagePath, "/package_path");
    Path dir = companyDir(c).resolve(id.toString());
    requireSame(signaturePath, id, ".sig", "/signature_path");
    requireSame(countersignPath, id, ".countersign", "/countersign_path");
    EvidenceVerification v;
    try (Opened pkg = open(dir, id)) {
      v = verifier().verify(pkg.path(), dir.resolve(EvidenceBundleWriter.signatureName(id)),
          dir.resolve(EvidenceBundleWriter.countersignName(id)), require);
    }
    ObjectNode n = Json.object();
    n.put("bundle_id", id.toString());
    n.put("package_path", id + "/" + EvidenceBundleWriter.packageName(id));
    n.put("package_exists", v.packageExists());
    n.put("manifest_valid", v.manifestValid());
    n.put("events_valid", v.eventsValid());
    n.put("checkpoints_valid", v.checkpointsValid());
    n.put("checkpoint_count", v.checkpointCount());
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

  private EvidenceVerifier verifier() {
    return new EvidenceVerifier(keys.verifiers(), countersigners);
  }

  /**
   * {@code POST /compliance/evidence/countersign}: checks the package and the countersignature
   * line, then adds it to the bundle's countersign note (one signature per key).
   */
  public ObjectNode countersign(Company c, String packagePath, String signer, String keyIdHex,
      String line, String countersignPath) {
    UUID id = bundleId(packagePath, "/package_path");
    requireSame(countersignPath, id, ".countersign", "/countersign_path");
    Path dir = companyDir(c).resolve(id.toString());
    Path zip = dir.resolve(EvidenceBundleWriter.packageName(id));
    if (!Files.isRegularFile(zip) && !Files.isRegularFile(envelope(dir, id))) {
      throw ApiException.notFound("evidence package");
    }
    Path sigFile = dir.resolve(EvidenceBundleWriter.signatureName(id));
    Path csFile = dir.resolve(EvidenceBundleWriter.countersignName(id));
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      try (Opened opened = open(dir, id)) {
        return countersign(c, id, dir, opened.path(), sigFile, csFile, signer, keyIdHex, line);
      }
    }
  }

  private ObjectNode countersign(Company c, UUID id, Path dir, Path pkg, Path sigFile,
      Path csFile, String signer, String keyIdHex, String line) {
    EvidenceVerification v = verifier().verify(pkg, sigFile, csFile, false);
    if (!v.manifestValid() || !v.signatureValid()) {
      throw new ApiException(ErrorCode.CONFLICT, "the package does not verify ("
          + String.join("; ", v.problems()) + "); it cannot be countersigned");
    }
    String text;
    try {
      text = SignedNote.parse(Files.readString(sigFile)).text();
    } catch (IOException e) {
      throw new EvidenceException("cannot read the signature of bundle " + id, e);
    }
    NoteSignature sig;
    try {
      sig = EvidenceSignatures.parseLine(text, line);
    } catch (EvidenceException e) {
      throw ApiException.validation("/signature", "INVALID_FORMAT", e.getMessage());
    }
    if (!sig.keyName().equals(signer)) {
      throw ApiException.validation("/signer", "MISMATCH", "signer does not match the key"
          + " name on the countersignature line");
    }
    if (!String.format("%08x", sig.keyId()).equals(keyIdHex)) {
      throw ApiException.validation("/signing_key_id", "MISMATCH", "signing_key_id does not"
          + " match the key id on the countersignature line (8 lowercase hex digits)");
    }
    if (keys.verifiers().stream().anyMatch(own -> own.name().equals(signer)
        && own.keyId() == sig.keyId())) {
      throw ApiException.validation("/signer", "SAME_SIGNER", "the bundle's own signing key"
          + " cannot countersign it: dual control needs another key");
    }
    NoteVerifier key = countersigners.stream().filter(k -> k.name().equals(signer)
        && k.keyId() == sig.keyId()).findFirst().orElseThrow(() -> ApiException.validation(
        "/signing_key_id", "UNKNOWN_KEY", "the key is not a configured countersigner key"
            + " (HYRELOG_EVIDENCE_COUNTERSIGN_KEYS)"));
    if (!key.verify(text, sig)) {
      throw ApiException.validation("/signature", "SIGNATURE_MISMATCH", "the countersignature"
          + " does not verify over this package's bundle id and manifest digest");
    }
    SignedNote existing = null;
    try {
      if (Files.exists(csFile)) {
        existing = SignedNote.parse(Files.readString(csFile));
      }
      SignedNote next = EvidenceSignatures.append(text, existing, sig);
      boolean added = existing == null
          || next.signatures().size() > existing.signatures().size();
      StagedFile.writeReplacing(csFile, next.format().getBytes(StandardCharsets.UTF_8),
          FileMode.PRIVATE);
      ObjectNode n = Json.object();
      n.put("bundle_id", id.toString());
      n.put("package_path", id + "/" + EvidenceBundleWriter.packageName(id));
      n.put("countersign_path", id + "/" + csFile.getFileName());
      n.put("signer", signer);
      n.put("signing_key_id", keyIdHex);
      n.put("added", added);
      n.put("entry_count", next.signatures().size());
      n.put("countersign_count", verifier().verify(pkg, sigFile, csFile, true)
          .countersignCount());
      Optional<String> vault = vaultCopy(dir, id);
      if (vault.isPresent() && added) {
        putPath(n, "vault_countersign_path", report(Optional.of(vault(c).add(vault.get(),
            csFile, csFile.getFileName() + "." + next.signatures().size()))));
      } else {
        n.putNull("vault_countersign_path");
      }
      return n;
    } catch (IOException e) {
      throw new EvidenceException("cannot write the countersign note of bundle " + id, e);
    }
  }

  /** A package to verify; a temporary plaintext (decrypted from the envelope) is deleted. */
  private record Opened(Path path, boolean temporary) implements AutoCloseable {
    @Override
    public void close() {
      if (temporary) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new EvidenceException("cannot remove the temporary plaintext " + path, e);
        }
      }
    }
  }

  private static Path envelope(Path dir, UUID id) {
    return dir.resolve(EvidenceEnvelope.envelopeName(id));
  }

  /**
   * The package of bundle {@code id}: its zip, or, when only its envelope is kept (no
   * plaintext stays beside an envelope), the zip decrypted with the master key into a
   * temporary file ({@code 0600}, removed on close).
   *
   * @throws ApiException 409 when only an envelope is kept that the master key cannot open (one
   *     the external KMS wrapped)
   */
  private Opened open(Path dir, UUID id) {
    Path zip = dir.resolve(EvidenceBundleWriter.packageName(id));
    Path env = envelope(dir, id);
    if (Files.isRegularFile(zip) || !Files.isRegularFile(env)) {
      return new Opened(zip, false);
    }
    if (keys.master().isEmpty()) {
      throw sealed(id, "no envelope master key is configured");
    }
    Path tmp = dir.resolve("." + id + "." + UUID.randomUUID() + ".zip");
    try {
      EvidenceEnvelope.open(env, keys.master().get(), tmp);
      return new Opened(tmp, true);
    } catch (EvidenceException e) {
      throw sealed(id, e.getMessage());
    }
  }

  private static ApiException sealed(UUID id, String why) {
    return new ApiException(ErrorCode.CONFLICT, "bundle " + id + " is kept only in its KMS"
        + " envelope, which this server cannot open (" + why + "): decrypt it with the key that"
        + " wrapped it and verify it offline (hyrelog.jar verify)");
  }

  /** The bundle's vault copy directory ({@code YYYY/MM/DD/<bundleId>}) its export recorded. */
  private static Optional<String> vaultCopy(Path dir, UUID id) throws IOException {
    Path record = dir.resolve(EXPORT_RECORD);
    if (!Files.exists(record)) {
      return Optional.empty();
    }
    JsonNode n = Json.MAPPER.readTree(record.toFile());
    String v = n.path("vault_copy_path").asText(null);
    return v == null ? Optional.empty() : EvidenceVault.copyDirectory(v, id);
  }

  /**
   * Refuses a new bundle when the company's bundles, with their directory vault copies (an S3
   * vault is not on this disk), already take {@code quotaBytes} or more: 507
   * EVIDENCE_QUOTA_EXCEEDED. The check is before the export, so the quota is exceeded by at
   * most one bundle.
   */
  public void requireQuota(Company c, long quotaBytes) {
    long used = bytesUnder(companyDir(c));
    if (vaultStore.isEmpty()) {
      used += bytesUnder(vaultDir(c));
    }
    if (used >= quotaBytes) {
      throw new ApiException(ErrorCode.EVIDENCE_QUOTA_EXCEEDED, "this company's evidence"
          + " bundles take " + used + " bytes, at least its quota of " + quotaBytes + " bytes"
          + " (HYRELOG_EVIDENCE_QUOTA_MB); ask the operator to archive and remove old bundles"
          + " (and vault copies past their retention) or to raise the quota");
    }
  }

  private static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // removed while counting
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new EvidenceException("cannot measure the evidence stored under " + dir, e);
    }
  }

  private Path companyDir(Company c) {
    return settings.directory().resolve(c.id().toString());
  }

  private Path vaultDir(Company c) {
    return settings.vaultDirectory().resolve(c.id().toString());
  }

  static UUID bundleId(String path, String field) {
    if (path == null) {
      throw ApiException.validation(field, "REQUIRED", field.substring(1) + " is required");
    }
    Matcher m = PACKAGE.matcher(path);
    if (!m.matches() || (m.group(1) != null && !m.group(1).equals(m.group(2)))) {
      throw ApiException.validation(field, "INVALID_PACKAGE_PATH", field.substring(1)
          + " names a bundle of this company: <bundleId>, <bundleId>.zip or"
          + " <bundleId>/<bundleId>.zip (lowercase UUID); other paths are not accepted");
    }
    return UUID.fromString(m.group(2));
  }

  private static void requireSame(String given, UUID id, String ext, String field) {
    if (given == null) {
      return;
    }
    if (!given.equals(id + ext) && !given.equals(id + "/" + id + ext)) {
      throw ApiException.validation(field, "INVALID_PATH", field.substring(1) + " must be the"
          + " bundle's own file, " + id + "/" + id + ext + " (files live beside their package)");
    }
  }

  static HyrelogException unavailable(EvidenceException e) {
    return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, e.getMessage());
  }
}
