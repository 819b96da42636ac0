package io.hyrelog.server.internal.compliance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.evidence.AesKeyWrapper;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.server.ServerConfig;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.spi.NoteSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of evidence bundles: the envelope master key and the bundle signing key.
 *
 * <p>In embedded mode both are generated on first use into the data directory's {@code
 * secrets.json} (fields {@code evidenceMasterKey}, {@code evidenceSigningSeed}; the file
 * stays mode 0600). With external databases the master key comes from {@code
 * HYRELOG_EVIDENCE_MASTER_KEY} (envelopes are refused without it).
 */
public final class EvidenceKeys {
  private static final Logger LOG = LoggerFactory.getLogger(EvidenceKeys.class);
  /** The key name on bundle signatures until the configured signing key is wired in. */
  static final String SIGNER_NAME = "hyrelog-evidence";

  private final Optional<AesKeyWrapper> master;
  private final NoteSigner signer;

  private EvidenceKeys(Optional<AesKeyWrapper> master, NoteSigner signer) {
    this.master = master;
    this.signer = signer;
  }

  public static EvidenceKeys load(ServerConfig config) {
    var ev = config.evidence();
    SecureRandom random = new SecureRandom();
    Optional<byte[]> masterBytes = ev.masterKey().map(k -> Base64.getDecoder().decode(k));
    byte[] seed;
    if (config.embedded()) {
      ObjectNode secrets = secrets(config.dataDir());
      boolean changed = false;
      if (masterBytes.isEmpty()) {
        if (!secrets.hasNonNull("evidenceMasterKey")) {
          secrets.put("evidenceMasterKey", random(random));
          changed = true;
        }
        masterBytes = Optional.of(Base64.getDecoder().decode(
            secrets.get("evidenceMasterKey").asText()));
      }
      if (!secrets.hasNonNull("evidenceSigningSeed")) {
        secrets.put("evidenceSigningSeed", random(random));
        changed = true;
      }
      seed = Base64.getDecoder().decode(secrets.get("evidenceSigningSeed").asText());
      if (changed) {
        write(config.dataDir(), secrets);
      }
    } else {
      seed = new byte[32];
      random.nextBytes(seed);
      LOG.warn("evidence bundles are signed with a key generated for this process; configure"
          + " the server's signing key so bundles verify after a restart");
    }
    // INTEGRATOR: replace with the configured signing key (HYRELOG_SIGNING_KEY_FILE) once PEM
    // key loading lands; everything else takes the signer from signer() only.
    NoteSigner signer = Ed25519NoteSigner.fromSeed(SIGNER_NAME, seed);
    java.util.Arrays.fill(seed, (byte) 0);
    return new EvidenceKeys(masterBytes.map(b -> new AesKeyWrapper(ev.masterKeyId(), b)),
        signer);
  }

  /** The key that signs bundles (the server's signing key, once configured). */
  public NoteSigner signer() {
    return signer;
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
      Secrets.writePrivate(file, Json.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(secrets));
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
