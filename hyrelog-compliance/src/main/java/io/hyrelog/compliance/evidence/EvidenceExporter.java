package io.hyrelog.compliance.evidence;

import io.hyrelog.AuditEvent;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.NoteSigner;
import io.hyrelog.tlog.TileSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One evidence export, start to end: the signed package, then (as asked) the KMS envelope, the
 * external WORM upload and the vault copy with its WORM lock. Once an envelope is sealed the
 * plaintext package is removed (after the WORM upload, which sends the package itself): the
 * directory and the vault then hold the signature, the envelope and the encrypted package
 * ({@code <bundleId>.zip.enc}), never the plaintext; {@link EvidenceEnvelope#open} restores it. External endpoints report {@code
 * OK}, {@code FAILED} or {@code SKIPPED}; with {@code requireExternalSuccess} any external
 * failure fails the export (the files already written stay, and the message says which step
 * failed). Immutable and thread-safe.
 */
public final class EvidenceExporter {
  /** Outcome of an optional external step. */
  public enum ExternalStatus {
    /** The step succeeded. */
    OK,
    /** The step failed; the result's errors say why. */
    FAILED,
    /** The step was not asked for. */
    SKIPPED
  }

  /**
   * What to do besides writing and signing the package.
   *
   * @param vault copy into the vault with a WORM lock
   * @param envelope envelope-encrypt the package (local master key, or the external KMS)
   * @param externalWorm upload to the external WORM endpoint
   * @param externalKms have the external KMS wrap the data key
   * @param requireExternalSuccess fail the export when an external step fails
   * @param proofs put each event's inclusion proof in its chain's checkpoint into the bundle
   *     ({@link EvidenceBundleWriter#PROOFS}); needs the chains' tiles
   */
  public record Options(boolean vault, boolean envelope, boolean externalWorm,
      boolean externalKms, boolean requireExternalSuccess, boolean proofs) {
    /** Nothing besides the package and its signature. */
    public static final Options NONE = new Options(false, false, false, false, false, false);

    /**
     * Options without proofs.
     *
     * @param vault copy into the vault with a WORM lock
     * @param envelope envelope-encrypt the package
     * @param externalWorm upload to the external WORM endpoint
     * @param externalKms have the external KMS wrap the data key
     * @param requireExternalSuccess fail the export when an external step fails
     */
    public Options(boolean vault, boolean envelope, boolean externalWorm, boolean externalKms,
        boolean requireExternalSuccess) {
      this(vault, envelope, externalWorm, externalKms, requireExternalSuccess, false);
    }

    /**
     * These options with or without proofs.
     *
     * @param p whether to include proofs
     * @return the options
     */
    public Options withProofs(boolean p) {
      return new Options(vault, envelope, externalWorm, externalKms, requireExternalSuccess, p);
    }
  }

  /**
   * The period and the events of one bundle.
   *
   * @param bundleId the bundle's id
   * @param companyId the company whose events it holds
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @param events each chain's events of the period, one contiguous seq range per chain
   * @param namespace the log namespace of the checkpoints' origins
   * @param roots the Merkle roots of the checkpoints
   * @see PeriodEvents for both the events and the roots, read from whole chains
   */
  public record Request(UUID bundleId, UUID companyId, Instant from, Instant to,
      Iterator<AuditEvent> events, String namespace, CheckpointRoots roots) {
    /**
     * Validates the request.
     *
     * @param bundleId the bundle's id
     * @param companyId the company whose events it holds
     * @param from the period's start, inclusive
     * @param to the period's end, exclusive
     * @param events each chain's events of the period, one contiguous seq range per chain
     * @param namespace the log namespace of the checkpoints' origins
     * @param roots the Merkle roots of the checkpoints
     */
    public Request {
      Objects.requireNonNull(bundleId, "bundleId");
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(roots, "roots");
    }

    /**
     * The request of a period's events read from whole chains.
     *
     * @param bundleId the bundle's id
     * @param companyId the company
     * @param namespace the log namespace
     * @param period the period's events and roots
     * @return the request
     */
    public static Request of(UUID bundleId, UUID companyId, String namespace,
        PeriodEvents period) {
      return new Request(bundleId, companyId, period.from(), period.to(), period, namespace,
          period);
    }
  }

  /**
   * The runbook's fields of one export. Local paths are absolute; the caller may relativize.
   * Vault copies are where the vault put them (a path below its root, and a URI).
   *
   * @param bundle the package and its signature
   * @param vaultCopyPath where the vault copied the bundle, when it did
   * @param vaultWormLockPath the vault copy's lock file, when there is one
   * @param envelopePath the local envelope, when the package was envelope-encrypted
   * @param vaultEnvelopePath the envelope's vault copy, when there is one
   * @param externalWormStatus how the upload to the external WORM endpoint went
   * @param externalKmsStatus how the external KMS wrap went
   * @param externalWormReceipt the WORM endpoint's receipt, when it answered
   * @param externalKmsReceipt the KMS endpoint's key id, when it answered
   * @param errors what failed, one line each (no secrets)
   */
  public record Result(EvidenceBundle bundle, Optional<EvidenceVault.Location> vaultCopyPath,
      Optional<EvidenceVault.Location> vaultWormLockPath, Optional<Path> envelopePath,
      Optional<EvidenceVault.Location> vaultEnvelopePath, ExternalStatus externalWormStatus,
      ExternalStatus externalKmsStatus, Optional<String> externalWormReceipt,
      Optional<String> externalKmsReceipt, List<String> errors) {
    /**
     * Copies the errors.
     *
     * @param bundle the package and its signature
     * @param vaultCopyPath where the vault copied the bundle, when it did
     * @param vaultWormLockPath the vault copy's lock file, when there is one
     * @param envelopePath the local envelope, when the package was envelope-encrypted
     * @param vaultEnvelopePath the envelope's vault copy, when there is one
     * @param externalWormStatus how the upload to the external WORM endpoint went
     * @param externalKmsStatus how the external KMS wrap went
     * @param externalWormReceipt the WORM endpoint's receipt, when it answered
     * @param externalKmsReceipt the KMS endpoint's key id, when it answered
     * @param errors what failed, one line each (no secrets)
     */
    public Result {
      errors = List.copyOf(errors);
    }
  }

  private final NoteSigner signer;
  private final Clock clock;
  private final Optional<EvidenceVault> vault;
  private final Optional<KeyWrapper> masterKey;
  private final Optional<URI> wormEndpoint;
  private final Optional<URI> kmsEndpoint;
  private final ExternalEndpoints external;
  private final SecureRandom random;

  /**
   * @param vault the vault, when configured
   * @param masterKey the local master key of envelopes, when configured
   * @param wormEndpoint the external WORM endpoint, when configured
   * @param kmsEndpoint the external KMS wrap endpoint, when configured
   * @param signer the key of the bundle's signature
   * @param clock the clock of the bundle's creation time
   * @param external the client of the external endpoints
   * @param random the randomness of envelopes
   */
  public EvidenceExporter(NoteSigner signer, Clock clock, Optional<EvidenceVault> vault,
      Optional<KeyWrapper> masterKey, Optional<URI> wormEndpoint, Optional<URI> kmsEndpoint,
      ExternalEndpoints external, SecureRandom random) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    this.wormEndpoint = Objects.requireNonNull(wormEndpoint, "wormEndpoint");
    this.kmsEndpoint = Objects.requireNonNull(kmsEndpoint, "kmsEndpoint");
    this.external = Objects.requireNonNull(external, "external");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Checks that what {@code o} asks for is configured, before anything is written.
   *
   * @param o the options
   * @throws IllegalArgumentException naming what is missing
   */
  public void check(Options o) {
    if (o.vault() && vault.isEmpty()) {
      throw new IllegalArgumentException("vault: no vault is configured");
    }
    if (o.envelope() && !o.externalKms() && masterKey.isEmpty()) {
      throw new IllegalArgumentException("envelope: no envelope master key is configured");
    }
    if (o.externalWorm() && wormEndpoint.isEmpty()) {
      throw new IllegalArgumentException("external_worm: no external WORM endpoint is"
          + " configured");
    }
    if (o.externalKms() && kmsEndpoint.isEmpty()) {
      throw new IllegalArgumentException("external_kms: no external KMS wrap endpoint is"
          + " configured");
    }
  }

  /**
   * Runs the export into {@code directory}.
   *
   * @param r the bundle
   * @param o the options
   * @param directory where to write
   * @return what was written and what each step did
   * @throws IllegalArgumentException when {@code o} asks for something not configured
   * @throws EvidenceException when a step fails (an external one only in strict mode)
   */
  public Result export(Request r, Options o, Path directory) {
    return export(r, o, directory, null);
  }

  /**
   * Runs the export into {@code directory}, with the chains' tiles for {@link Options#proofs}.
   *
   * @param r the bundle
   * @param o the options
   * @param directory where to write
   * @param tiles each chain's stored tiles (by workspace id), or null when there are none
   * @return what was written and what each step did
   * @throws IllegalArgumentException when {@code o} asks for something not configured (proofs
   *     without tiles)
   * @throws EvidenceException when a step fails (an external one only in strict mode)
   */
  public Result export(Request r, Options o, Path directory,
      java.util.function.Function<UUID, TileSource> tiles) {
    check(o);
    if (o.proofs() && tiles == null) {
      throw new IllegalArgumentException("proofs: the chains' Merkle tiles are not available"
          + " (EvidenceBundles.builder(...).tree(chainTree))");
    }
    EvidenceBundleWriter.Builder b = EvidenceBundleWriter.builder(r.bundleId(), r.companyId(),
        r.from(), r.to()).createdAt(clock.instant()).signer(signer)
        .checkpoints(r.namespace(), r.roots());
    if (o.proofs()) {
      b.proofs(tiles);
    }
    EvidenceBundle bundle = b.build().write(r.events(), directory);
    List<String> errors = new ArrayList<>();
    List<Path> vaultFiles = new ArrayList<>(List.of(bundle.packagePath(),
        bundle.signaturePath()));

    ExternalStatus kms = ExternalStatus.SKIPPED;
    Optional<String> kmsReceipt = Optional.empty();
    Optional<Path> envelope = Optional.empty();
    if (o.envelope() || o.externalKms()) {
      KeyWrapper wrapper = null;
      if (o.externalKms()) {
        KeyWrapper remote = external.kms(kmsEndpoint.get());
        try {
          // Probe-free: the real wrap happens inside seal; a failure there is the KMS's.
          EvidenceEnvelope.Sealed s = EvidenceEnvelope.seal(r.bundleId(), bundle.packagePath(),
              directory, remote, random);
          kms = ExternalStatus.OK;
          kmsReceipt = Optional.ofNullable(s.key().receipt());
          envelope = Optional.of(s.envelope());
          vaultFiles.add(s.envelope());
          vaultFiles.add(s.ciphertext());
        } catch (EvidenceException e) {
          kms = ExternalStatus.FAILED;
          errors.add("external_kms: " + e.getMessage());
          cleanup(directory, r.bundleId());
          if (o.requireExternalSuccess()) {
            throw new EvidenceException("external KMS wrap failed and external_require_success"
                + " is set: " + e.getMessage() + " (bundle " + r.bundleId() + " was written"
                + " but not archived)", e);
          }
          wrapper = masterKey.orElse(null);
        }
      } else {
        wrapper = masterKey.get();
      }
      if (envelope.isEmpty() && wrapper != null && o.envelope()) {
        EvidenceEnvelope.Sealed s = EvidenceEnvelope.seal(r.bundleId(), bundle.packagePath(),
            directory, wrapper, random);
        envelope = Optional.of(s.envelope());
        vaultFiles.add(s.envelope());
        vaultFiles.add(s.ciphertext());
      }
    }

    ExternalStatus worm = ExternalStatus.SKIPPED;
    Optional<String> wormReceipt = Optional.empty();
    if (o.externalWorm()) {
      try {
        String receipt = external.uploadWorm(wormEndpoint.get(), r.bundleId(),
            bundle.packagePath(), sha256(bundle.packagePath()));
        Path file = directory.resolve(r.bundleId() + ".worm-receipt.json");
        StagedFile.writeNew(file, (receipt + "\n").getBytes(StandardCharsets.UTF_8),
            FileMode.PRIVATE);
        vaultFiles.add(file);
        worm = ExternalStatus.OK;
        wormReceipt = Optional.of(receipt);
      } catch (EvidenceException | IOException e) {
        worm = ExternalStatus.FAILED;
        errors.add("external_worm: " + e.getMessage());
        if (o.requireExternalSuccess()) {
          throw new EvidenceException("external WORM upload failed and external_require_success"
              + " is set: " + e.getMessage() + " (bundle " + r.bundleId() + " was written but"
              + " not archived)", e);
        }
      }
    }

    if (envelope.isPresent()) {
      // The package holds personal data: once sealed, only the envelope keeps it.
      try {
        Files.delete(bundle.packagePath());
        vaultFiles.remove(bundle.packagePath());
      } catch (IOException e) {
        throw new EvidenceException("cannot remove the plaintext package of bundle "
            + r.bundleId() + " after sealing its envelope (" + e + ")", e);
      }
    }

    Optional<EvidenceVault.Location> vaultDir = Optional.empty();
    Optional<EvidenceVault.Location> lock = Optional.empty();
    Optional<EvidenceVault.Location> vaultEnvelope = Optional.empty();
    if (o.vault()) {
      EvidenceVault.Copy c = vault.get().copy(r.bundleId(), vaultFiles, clock.instant());
      vaultDir = Optional.of(c.directory());
      lock = Optional.of(c.lockFile());
      vaultEnvelope = envelope.map(e -> c.directory().resolve(e.getFileName().toString()));
    }
    return new Result(bundle, vaultDir, lock, envelope, vaultEnvelope, worm, kms, wormReceipt,
        kmsReceipt, errors);
  }

  static io.hyrelog.Digest sha256(Path file) throws IOException {
    java.security.MessageDigest md = io.hyrelog.Digest.newSha256();
    try (java.io.InputStream in = new java.security.DigestInputStream(
        Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return io.hyrelog.Digest.finish(md);
  }

  private static void cleanup(Path directory, UUID bundleId) {
    try {
      Files.deleteIfExists(directory.resolve(EvidenceEnvelope.ciphertextName(bundleId)));
      Files.deleteIfExists(directory.resolve(EvidenceEnvelope.envelopeName(bundleId)));
    } catch (IOException ignored) {
      // a half-written envelope is left; it fails to open rather than misleads
    }
  }
}
