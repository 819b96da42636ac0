package io.hyrelog.compliance;

import io.hyrelog.compliance.spi.RawEd25519Signer;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.NoteSigner;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A {@link NoteSigner} whose Ed25519 private key stays in an external KMS or HSM: the backend
 * signs raw bytes ({@link RawEd25519Signer}), this class builds the signed-note signature
 * around it. A KMS integration is then one small class (or lambda):
 *
 * <pre>{@code
 * NoteSigner signer = ExternalNoteSigner.of("audit.example.com", publicKey32,
 *     message -> kms.sign(keyRef, message));   // pure Ed25519 over the message bytes
 * }</pre>
 *
 * <p>Every signature the backend returns is checked against the public key before it is used,
 * so a backend holding another key (or returning garbage) fails loudly with {@link
 * SigningException} instead of producing unverifiable notes. Thread-safe when the backend is.
 */
public final class ExternalNoteSigner implements NoteSigner {
  private final NoteVerifier verifier;
  private final RawEd25519Signer backend;

  private ExternalNoteSigner(NoteVerifier verifier, RawEd25519Signer backend) {
    this.verifier = verifier;
    this.backend = backend;
  }

  /**
   * A signer named {@code name} whose backend holds the private half of {@code
   * rawPublicKey32} (the 32-byte RFC 8032 public key).
   *
   * @param name the key name
   * @param rawPublicKey32 the 32-byte public key
   * @param backend the KMS or HSM that signs
   * @return the signer
   * @throws IllegalArgumentException when the name is not a valid key name or the key is not a
   *     usable Ed25519 public key
   */
  public static ExternalNoteSigner of(String name, byte[] rawPublicKey32,
      RawEd25519Signer backend) {
    return of(NoteVerifier.of(name, rawPublicKey32), backend);
  }

  /**
   * A signer for {@code verifier}'s key, signing through {@code backend}.
   *
   * @param verifier the public key
   * @param backend the KMS or HSM that signs
   * @return the signer
   */
  public static ExternalNoteSigner of(NoteVerifier verifier, RawEd25519Signer backend) {
    return new ExternalNoteSigner(Objects.requireNonNull(verifier, "verifier"),
        Objects.requireNonNull(backend, "backend"));
  }

  @Override
  public String name() {
    return verifier.name();
  }

  @Override
  public NoteVerifier verifier() {
    return verifier;
  }

  /**
   * Signs the note text through the backend.
   *
   * @throws IllegalArgumentException when {@code text} is not valid note text
   * @throws SigningException when the backend fails or its signature does not verify
   */
  @Override
  public NoteSignature sign(String text) {
    SignedNote.requireValidText(text);
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    byte[] signature;
    try {
      signature = backend.sign(message.clone());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SigningException("interrupted while the external signer signed with key "
          + label(), e);
    } catch (Exception e) {
      throw new SigningException("the external signer failed to sign with key " + label()
          + " (" + e.getClass().getSimpleName() + ")", e);
    }
    if (signature == null || signature.length != 64) {
      throw new SigningException("the external signer returned "
          + (signature == null ? "no signature" : signature.length + " bytes")
          + " for key " + label() + "; an Ed25519 signature has 64");
    }
    NoteSignature sig = new NoteSignature(name(), verifier.keyId(), signature);
    if (!verifier.verify(text, sig)) {
      throw new SigningException("the external signer's signature does not verify under key "
          + label() + "; the backend holds another key or is not signing pure Ed25519");
    }
    return sig;
  }

  private String label() {
    return name() + "+" + SigningKeys.keyIdHex(verifier);
  }

  @Override
  public String toString() {
    return "ExternalNoteSigner[" + label() + "]";
  }
}
