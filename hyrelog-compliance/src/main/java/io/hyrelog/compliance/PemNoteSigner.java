package io.hyrelog.compliance;

import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.NoteSigner;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link NoteSigner} holding an Ed25519 private key read from a PEM file (see {@link
 * Ed25519Keys}). Thread-safe. {@link #toString()} shows the key name, key id and file, never
 * key material.
 */
public final class PemNoteSigner implements NoteSigner {
  private final Ed25519NoteSigner signer;
  private final Path file;

  PemNoteSigner(Ed25519NoteSigner signer, Path file) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.file = file;
  }

  @Override
  public String name() {
    return signer.name();
  }

  @Override
  public NoteVerifier verifier() {
    return signer.verifier();
  }

  @Override
  public NoteSignature sign(String text) {
    return signer.sign(text);
  }

  /**
   * The key id as 8 lowercase hex digits.
   *
   * @return the key id
   */
  public String keyId() {
    return SigningKeys.keyIdHex(signer.verifier());
  }

  /**
   * The file the key was read from or written to, if any.
   *
   * @return the file, or empty
   */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  @Override
  public String toString() {
    return "PemNoteSigner[" + signer.name() + "+" + keyId()
        + (file == null ? "" : " from " + file) + ", private key <masked>]";
  }
}
