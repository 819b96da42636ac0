package io.hyrelog.compliance.spi;

/**
 * The one operation an external KMS or HSM must offer to sign HyreLog checkpoints and
 * snapshots: a pure Ed25519 (RFC 8032, not Ed25519ph) signature over the given bytes with a key
 * that never leaves the device. {@link io.hyrelog.compliance.ExternalNoteSigner} turns it into
 * a {@link io.hyrelog.integrity.NoteSigner}.
 *
 * <p>Contract: MUST be thread-safe; MUST return the 64-byte signature of exactly {@code
 * message}; MAY throw any exception when the backend fails (it is wrapped in a {@link
 * io.hyrelog.compliance.SigningException} with the cause kept); MUST NOT put key material or
 * credentials in exception messages.
 */
@FunctionalInterface
public interface RawEd25519Signer {
  /**
   * Signs {@code message} (a copy; the implementation may keep it).
   *
   * @param message the bytes to sign
   * @return the 64-byte Ed25519 signature
   * @throws Exception when the backend fails
   */
  byte[] sign(byte[] message) throws Exception;
}
