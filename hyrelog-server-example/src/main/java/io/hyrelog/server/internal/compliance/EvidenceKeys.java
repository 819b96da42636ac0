package io.hyrelog.server.internal.compliance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.evidence.AesKeyWrapper;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.integrity.NoteSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The keys of evidence bundles: the envelope master key, and the server's signing keys (the
 * ones that sign checkpoints; see {@link ServerSigning}), which sign bundles too.
 *
 * <p>In embedded mode the master key is generated on first use into the data directory's
 * {@code secrets.json} (field {@code evidenceMasterKey}; the file stays mode 0600). With
 * external databases it comes from {@code HYRELOG_EVIDENCE_MASTER_KEY} (envelopes are refused
 * without it).
 */
public final class EvidenceKeys {
  private final Optional<AesKeyWrapper> master;
  private final ServerSigning signing;

  private EvidenceKeys(Optional<AesKeyWrapper> master, ServerSigning signing) {
    this.master = master;
    this.signing = signing;
  }

  /**
   * The envelope master key (configured, or generated into {@code secrets.json} in embedded
   * mode) and the server's signing keys, which sign bundles as they sign checkpoints.
   */
  public static EvidenceKeys load(EvidenceSettings ev, Optional<Path> embeddedDataDir,
      ServerSigning signing) {
    SecureRandom random = new SecureRandom();
    Optional<byte[]> masterBytes = ev.masterKey().map(k -> Base64.getDecoder().decode(k));
    if (embeddedDataDir.isPresent() && masterBytes.isEmpty()) {
      ObjectNode secrets = secrets(embeddedDataDir.get());
      if (!secrets.hasNonNull("evidenceMasterKey")) {
        secrets.put("evidenceMasterKey", random(random));
        write(embeddedDataDir.get(), secrets);
      }
      masterBytes = Optional.of(Base64.getDecoder().decode(
          secrets.get("evidenceMasterKey").asText()));
    }
    return new EvidenceKeys(masterBytes.map(b -> new AesKeyWrapper(ev.masterKeyId(), b)),
        signing);
  }

  /**
   * The key that signs bundles: the server's active signing key.
   *
   * @throws io.hyrelog.server.internal.ApiException 503 when no signing key is configured
   */
  public NoteSigner signer() {
    return signing.require().active();
  }

  /** Every key a bundle of this server may be signed with: the active and the retired ones. */
  public List<NoteVerifier> verifiers() {
    return signing.require().verifiers();
  }

  /** The envelope master key, if one is configured or generated. */
  public Optional<AesKeyWrapper> master() {
    return master;
  }

  private static ObjectNode secrets(Path dataDir) {
    Path file = dataDir.resolve("secrets.json");
    try {
      if (Files.exists(file)) {
        return (ObjectNode) Json.MAPPER.readTree(file.toFile());
      }
      return Json.object();
    } catch (IOException | ClassCastException e) {
      throw new HyrelogException("cannot read " + file.toAbsolutePath());
    }
  }

  private static void write(Path dataDir, ObjectNode secrets) {
    Path file = dataDir.resolve("secrets.json");
    try {
      StagedFile.writeReplacing(file, Json.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(secrets), FileMode.PRIVATE);
    } catch (IOException e) {
      throw new HyrelogException("cannot write " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
  }

  private static String random(SecureRandom r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  @Override
  public String toString() {
    return "EvidenceKeys[<masked>]";
  }
}
