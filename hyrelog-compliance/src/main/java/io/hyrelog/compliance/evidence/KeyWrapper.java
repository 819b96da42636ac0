package io.hyrelog.compliance.evidence;

/**
 * Wraps (encrypts) the data key of an envelope under a master key: locally ({@link
 * AesKeyWrapper}) or by an external KMS ({@link ExternalEndpoints#kms}). Implementations MUST be
 * thread-safe and MUST NOT put key material in messages or logs.
 */
public interface KeyWrapper {
  /**
   * Wraps {@code dataKey} (32 bytes; not retained).
   *
   * @param bundleId the bundle the key encrypts, bound into the wrapping
   * @param dataKey the 32-byte data key
   * @return the wrapped key and the id of the key that wrapped it
   * @throws EvidenceException when the master key or the KMS fails
   */
  WrappedKey wrap(java.util.UUID bundleId, byte[] dataKey);

  /**
   * A wrapped data key.
   *
   * @param keyId the master key's id
   * @param algorithm how it was wrapped, e.g. {@code AESWrap (RFC 3394)}
   * @param wrappedKeyBase64 the wrapped key
   * @param receipt the KMS's receipt (JSON text), or null
   */
  record WrappedKey(String keyId, String algorithm, String wrappedKeyBase64, String receipt) {
    /**
     * Validates the wrapped key.
     *
     * @param keyId the master key's id
     * @param algorithm how it was wrapped, e.g. {@code AESWrap (RFC 3394)}
     * @param wrappedKeyBase64 the wrapped key
     * @param receipt the KMS's receipt (JSON text), or null
     */
    public WrappedKey {
      java.util.Objects.requireNonNull(keyId, "keyId");
      java.util.Objects.requireNonNull(algorithm, "algorithm");
      java.util.Objects.requireNonNull(wrappedKeyBase64, "wrappedKeyBase64");
    }
  }
}
