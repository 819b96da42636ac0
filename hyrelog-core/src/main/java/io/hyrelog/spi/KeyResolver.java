package io.hyrelog.spi;

import io.hyrelog.integrity.NoteVerifier;
import java.util.Collection;
import java.util.Optional;

/**
 * The verification keys a verifier trusts: several at once, so signing keys can rotate without
 * invalidating what older keys signed. MUST be thread-safe.
 */
public interface KeyResolver {
  /** Every trusted key. */
  Collection<NoteVerifier> verifiers();

  /** The trusted key with this name and key id, if any. */
  default Optional<NoteVerifier> find(String name, int keyId) {
    return verifiers().stream()
        .filter(v -> v.name().equals(name) && v.keyId() == keyId)
        .findFirst();
  }
}
