package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One exported evidence bundle as {@link EvidenceBundles} reports and records it ({@code
 * export.json} in the bundle's directory).
 *
 * @param companyId the company whose events the bundle holds
 * @param result what the exporter did, with absolute local paths
 * @param vaultCopy the vault copy's directory as reported: a path below the company's vault
 *     directory, or a URI ({@code s3://bucket/key}) in a store vault
 * @param vaultWormLock the copy's lock file, reported the same way
 * @param vaultEnvelope the envelope's vault copy, reported the same way
 */
public record ExportedBundle(UUID companyId, EvidenceExporter.Result result,
    Optional<String> vaultCopy, Optional<String> vaultWormLock, Optional<String> vaultEnvelope) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Checks every component is set.
   *
   * @param companyId the company whose events the bundle holds
   * @param result what the exporter did, with absolute local paths
   * @param vaultCopy the vault copy's directory as reported: a path below the company's vault
   *     directory, or a URI ({@code s3://bucket/key}) in a store vault
   * @param vaultWormLock the copy's lock file, reported the same way
   * @param vaultEnvelope the envelope's vault copy, reported the same way
   * @throws NullPointerException when a component is null
   */
  public ExportedBundle {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(vaultCopy, "vaultCopy");
    Objects.requireNonNull(vaultWormLock, "vaultWormLock");
    Objects.requireNonNull(vaultEnvelope, "vaultEnvelope");
  }

  /**
   * The bundle's id.
   *
   * @return the id of the exported bundle
   */
  public UUID bundleId() {
    return result.bundle().bundleId();
  }

  /**
   * The package, relative to the company's bundle directory.
   *
   * @return {@code <bundleId>/<file>}
   */
  public String packagePath() {
    return bundleId() + "/" + result.bundle().packagePath().getFileName();
  }

  /**
   * The detached signature, relative to the company's bundle directory.
   *
   * @return {@code <bundleId>/<file>}
   */
  public String signaturePath() {
    return bundleId() + "/" + result.bundle().signaturePath().getFileName();
  }

  /**
   * The KMS envelope, relative to the company's bundle directory, when one was sealed.
   *
   * @return {@code <bundleId>/<file>}, or empty when the package was not sealed
   */
  public Optional<String> envelopePath() {
    return result.envelopePath().map(p -> bundleId() + "/" + p.getFileName());
  }

  /**
   * The runbook's fields: {@code bundle_id}, {@code company_id}, {@code package_path}, {@code
   * package_encrypted}, {@code signature_path}, {@code signature_enabled}, {@code signer_key},
   * {@code manifest_sha256}, {@code event_count}, {@code period}, the vault paths, {@code
   * envelope_path}, the external statuses and receipts (as JSON when they are), {@code errors}.
   *
   * @return a new JSON object; absent paths and receipts are {@code null}
   */
  public ObjectNode toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    EvidenceBundle b = result.bundle();
    n.put("bundle_id", b.bundleId().toString());
    n.put("company_id", companyId.toString());
    n.put("package_path", packagePath());
    n.put("package_encrypted", result.envelopePath().isPresent());
    n.put("signature_path", signaturePath());
    n.put("signature_enabled", true);
    n.put("signer_key", b.signerKey());
    n.put("manifest_sha256", b.manifestSha256().hex());
    n.put("event_count", b.manifest().events());
    n.putObject("period").put("from", b.manifest().from().toString())
        .put("to", b.manifest().to().toString());
    put(n, "vault_copy_path", vaultCopy);
    put(n, "vault_worm_lock_path", vaultWormLock);
    put(n, "vault_envelope_path", vaultEnvelope);
    put(n, "envelope_path", envelopePath());
    n.put("external_worm_status", result.externalWormStatus().name());
    n.put("external_kms_status", result.externalKmsStatus().name());
    putJson(n, "external_worm_receipt", result.externalWormReceipt());
    putJson(n, "external_kms_receipt", result.externalKmsReceipt());
    ArrayNode errors = n.putArray("errors");
    result.errors().forEach(errors::add);
    return n;
  }

  private static void put(ObjectNode n, String field, Optional<String> value) {
    value.ifPresentOrElse(v -> n.put(field, v), () -> n.putNull(field));
  }

  private static void putJson(ObjectNode n, String field, Optional<String> json) {
    if (json.isEmpty()) {
      n.putNull(field);
      return;
    }
    try {
      n.set(field, MAPPER.readTree(json.get()));
    } catch (IOException e) {
      n.put(field, json.get());
    }
  }
}
