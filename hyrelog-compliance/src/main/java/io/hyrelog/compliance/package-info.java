/**
 * Signing keys, signed checkpoints and snapshots, evidence bundles and encrypted exports. They
 * arrive with the compliance issue; signature <em>verification</em> already lives in core
 * ({@link io.hyrelog.integrity.SignedNote}).
 */
package io.hyrelog.compliance;
