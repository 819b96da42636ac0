/**
 * Signing for compliance: Ed25519 keys from PEM files ({@link io.hyrelog.compliance.Ed25519Keys},
 * {@link io.hyrelog.compliance.PemNoteSigner}), signers whose key lives in an external KMS or HSM
 * ({@link io.hyrelog.compliance.ExternalNoteSigner}), and the active and retired keys of a
 * deployment ({@link io.hyrelog.compliance.SigningKeys}). Signature <em>verification</em> lives
 * in core ({@link io.hyrelog.integrity.SignedNote}).
 */
package io.hyrelog.compliance;
