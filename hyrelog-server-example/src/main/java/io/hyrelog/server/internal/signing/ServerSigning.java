package io.hyrelog.server.internal.signing;

import io.hyrelog.server.config.ConfigException;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.InvalidKeyFileException;
import io.hyrelog.compliance.PemNoteSigner;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.server.config.SigningSettings;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's signing keys, loaded once at start: the active key from {@code
 * HYRELOG_SIGNING_KEY_FILE} (embedded mode: {@code signing-key.pem} in the data directory,
 * generated on first start) and the retired keys of {@code HYRELOG_VERIFICATION_KEY_FILES}.
 * With external databases and no key file the server starts without signing, and every
 * feature that needs it answers 503 naming the variable to set.
 */
public final class ServerSigning {
  /** The generated key's file name in the data directory (embedded mode). */
  public static final String EMBEDDED_KEY_FILE = "signing-key.pem";
  private static final Logger LOG = LoggerFactory.getLogger(ServerSigning.class);
  private static final String NOT_CONFIGURED = "checkpoint and snapshot signing is not"
      + " configured: set HYRELOG_SIGNING_KEY_FILE to an Ed25519 private key (PEM) and"
      + " HYRELOG_SIGNING_KEY_NAME to its name (create one with `java -jar hyrelog.jar keygen"
      + " --name NAME`)";

  private final SigningKeys keys;
  private final String namespace;

  private ServerSigning(SigningKeys keys, String namespace) {
    this.keys = keys;
    this.namespace = namespace;
  }

  /** Signing with exactly these keys (tests, embedding). */
  public static ServerSigning of(SigningKeys keys, String namespace) {
    return new ServerSigning(keys, namespace);
  }

  /**
   * Loads the configured keys.
   *
   * @param embeddedDataDir the data directory of an embedded server, where a signing key is
   *     generated when none is configured; empty with an external database
   * @throws ConfigException naming the variable when a key file is unusable
   */
  public static ServerSigning load(SigningSettings s, Optional<Path> embeddedDataDir) {
    PemNoteSigner active;
    if (s.keyFile().isPresent()) {
      active = read("HYRELOG_SIGNING_KEY_FILE", () -> Ed25519Keys.readSigner(s.keyName(),
          s.keyFile().get()));
    } else if (embeddedDataDir.isPresent()) {
      Path file = embeddedDataDir.get().resolve(EMBEDDED_KEY_FILE);
      if (Files.exists(file)) {
        active = read("the generated signing key", () -> Ed25519Keys.readSigner(s.keyName(),
            file));
      } else {
        active = read("the generated signing key", () -> Ed25519Keys.writeNewPrivateKey(file,
            s.keyName(), new SecureRandom()));
        LOG.info("generated signing key {}+{} in {}", active.name(), active.keyId(), file);
      }
    } else {
      if (!s.retiredKeys().isEmpty()) {
        throw new ConfigException("HYRELOG_VERIFICATION_KEY_FILES is set but"
            + " HYRELOG_SIGNING_KEY_FILE is not; set the active key too");
      }
      LOG.warn("signing is off: {}", NOT_CONFIGURED);
      return new ServerSigning(null, s.keyName());
    }
    List<NoteVerifier> retired = new ArrayList<>();
    for (SigningSettings.RetiredKey r : s.retiredKeys()) {
      retired.add(read("HYRELOG_VERIFICATION_KEY_FILES",
          () -> Ed25519Keys.readVerifier(r.name(), r.file())));
    }
    try {
      SigningKeys keys = SigningKeys.of(active, retired);
      LOG.info("signing with {}; {} verification key(s) published", active,
          keys.verifiers().size());
      return new ServerSigning(keys, s.keyName());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("HYRELOG_VERIFICATION_KEY_FILES: "
          + e.getMessage());
    }
  }

  private interface Loader<T> {
    T load();
  }

  private static <T> T read(String setting, Loader<T> loader) {
    try {
      return loader.load();
    } catch (InvalidKeyFileException | IllegalArgumentException e) {
      throw new ConfigException(setting + ": " + e.getMessage());
    }
  }

  /** The keys, if signing is configured. */
  public Optional<SigningKeys> keys() {
    return Optional.ofNullable(keys);
  }

  /**
   * The keys.
   *
   * @throws ApiException 503 naming the variable to set when signing is not configured
   */
  public SigningKeys require() {
    if (keys == null) {
      throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, NOT_CONFIGURED);
    }
    return keys;
  }

  /** The namespace of checkpoint origins and snapshot statements: the key name setting. */
  public String namespace() {
    return namespace;
  }

  @Override
  public String toString() {
    return "ServerSigning[" + (keys == null ? "off" : keys) + "]";
  }
}
