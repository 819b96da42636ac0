package io.hyrelog.compliance.witness;

import io.hyrelog.compliance.ExternalNoteSigner;
import io.hyrelog.compliance.SigningException;
import io.hyrelog.compliance.spi.RawEd25519Signer;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteSigner;
import java.time.Instant;
import java.util.Objects;

/**
 * Makes C2SP {@code tlog-cosignature} v1 cosignatures with an Ed25519 key: a witness's signing
 * half (see {@link CosignatureVerifier} for the format). The key may be a PEM file ({@code
 * Cosigner.of(Ed25519Keys.readSigner(name, file))}) or live in a KMS or HSM ({@link #of(String,
 * byte[], RawEd25519Signer)}).
 *
 * <p>A cosigner's key MUST be its own: not a log's checkpoint key, and not shared with another
 * cosigner (the v1 message does not commit to the cosigner's name).
 *
 * <p>Thread-safe when its signer is. Every cosignature is checked against the public key before
 * it is returned.
 */
public final class Cosigner {
  private final NoteSigner signer;
  private final CosignatureVerifier verifier;

  private Cosigner(NoteSigner signer) {
    this.signer = signer;
    this.verifier = CosignatureVerifier.of(signer.name(), signer.verifier().rawPublicKey());
  }

  /**
   * A cosigner using {@code signer}'s Ed25519 key and name. The v1 message is itself valid note
   * text, so any {@link NoteSigner} (a PEM key, an {@link ExternalNoteSigner}) can sign it; the
   * cosignature takes the raw signature and its own key id.
   *
   * @param signer the key that signs
   * @return the cosigner
   */
  public static Cosigner of(NoteSigner signer) {
    return new Cosigner(Objects.requireNonNull(signer, "signer"));
  }

  /**
   * A cosigner named {@code name} whose KMS or HSM backend holds the private half of {@code
   * rawPublicKey32}.
   *
   * @param name the key name
   * @param rawPublicKey32 the 32-byte public key
   * @param backend the KMS or HSM that signs
   * @return the cosigner
   * @throws IllegalArgumentException when the name or key is not usable
   */
  public static Cosigner of(String name, byte[] rawPublicKey32, RawEd25519Signer backend) {
    return of(ExternalNoteSigner.of(name, rawPublicKey32, backend));
  }

  /**
   * The key name on cosignature lines.
   *
   * @return the key name
   */
  public String name() {
    return signer.name();
  }

  /**
   * The verifier of this cosigner's cosignatures, for publishing.
   *
   * @return the verifier
   */
  public CosignatureVerifier verifier() {
    return verifier;
  }

  /**
   * Cosigns the checkpoint whose note text is {@code checkpointBody} as of {@code time} (whole
   * seconds are signed).
   *
   * @param checkpointBody the checkpoint's note text
   * @param time the cosignature's time
   * @return the cosignature
   * @throws IllegalArgumentException when {@code time} is not after the epoch or the body is not
   *     valid note text
   * @throws SigningException when the signer fails or its signature does not verify
   */
  public Cosignature cosign(String checkpointBody, Instant time) {
    Objects.requireNonNull(checkpointBody, "checkpointBody");
    long seconds = Objects.requireNonNull(time, "time").getEpochSecond();
    if (seconds <= 0) {
      throw new IllegalArgumentException("a cosignature time is after the epoch, got " + time);
    }
    NoteSignature raw = signer.sign(CosignatureVerifier.message(checkpointBody, seconds));
    byte[] signature = raw.signature();
    if (signature.length != Cosignature.SIGNATURE_LENGTH) {
      throw new SigningException("the signer of key " + verifier.label() + " returned "
          + signature.length + " bytes; an Ed25519 signature has 64");
    }
    Cosignature c = new Cosignature(name(), verifier.keyId(), seconds, signature);
    if (!verifier.verify(checkpointBody, c)) {
      throw new SigningException("the cosignature made with key " + verifier.label()
          + " does not verify; the signer holds another key");
    }
    return c;
  }

  /**
   * Cosigns {@code checkpoint} as of {@code time}.
   *
   * @param checkpoint the checkpoint
   * @param time the cosignature's time
   * @return the cosignature
   */
  public Cosignature cosign(Checkpoint checkpoint, Instant time) {
    return cosign(Objects.requireNonNull(checkpoint, "checkpoint").body(), time);
  }

  @Override
  public String toString() {
    return "Cosigner[" + verifier.label() + "]";
  }
}
