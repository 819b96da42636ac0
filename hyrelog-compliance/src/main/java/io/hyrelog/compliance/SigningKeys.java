package io.hyrelog.compliance;

import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.NoteSigner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys of a deployment: the active signer, which signs everything new, and every key whose
 * signatures are still accepted: the active key first, then retired keys (rotated out, kept so
 * checkpoints and snapshots signed earlier still verify). Publish {@link #verifiers()}.
 *
 * <p>Rotation: generate a new key, make it active, and list the previous public key as retired.
 *
 * <p>Immutable and thread-safe.
 */
public final class SigningKeys {
  private final NoteSigner active;
  private final List<NoteVerifier> verifiers;

  private SigningKeys(NoteSigner active, List<NoteVerifier> verifiers) {
    this.active = active;
    this.verifiers = verifiers;
  }

  /**
   * The active signer and the retired verification keys. A retired key equal to the active one
   * is listed once.
   *
   * @param active the signer of new checkpoints
   * @param retired keys still accepted for verification
   * @return the keys
   * @throws IllegalArgumentException when two different keys share a key name and key id (a
   *     verifier could not tell their signatures apart)
   */
  public static SigningKeys of(NoteSigner active, Collection<NoteVerifier> retired) {
    Objects.requireNonNull(active, "active");
    Objects.requireNonNull(retired, "retired");
    Map<String, NoteVerifier> byLabel = new LinkedHashMap<>();
    List<NoteVerifier> all = new ArrayList<>();
    all.add(active.verifier());
    all.addAll(retired);
    for (NoteVerifier v : all) {
      Objects.requireNonNull(v, "retired key");
      String label = v.name() + "+" + keyIdHex(v);
      NoteVerifier previous = byLabel.putIfAbsent(label, v);
      if (previous != null && !previous.equals(v)) {
        throw new IllegalArgumentException("two different keys are both " + label
            + "; give the new key another name");
      }
    }
    return new SigningKeys(active, List.copyOf(byLabel.values()));
  }

  /**
   * The signer of new checkpoints and snapshots.
   *
   * @return the signer
   */
  public NoteSigner active() {
    return active;
  }

  /**
   * Every accepted verification key, the active one first.
   *
   * @return the verifiers
   */
  public List<NoteVerifier> verifiers() {
    return verifiers;
  }

  /**
   * Whether {@code v} is the active signer's key.
   *
   * @param v a verifier
   * @return true when it is the active key
   */
  public boolean isActive(NoteVerifier v) {
    return active.verifier().equals(v);
  }

  /**
   * The accepted key with this name and id, if any.
   *
   * @param name the key name
   * @param keyId the key id
   * @return the key, or empty
   */
  public Optional<NoteVerifier> find(String name, int keyId) {
    return verifiers.stream().filter(v -> v.name().equals(name) && v.keyId() == keyId)
        .findFirst();
  }

  /**
   * Verifies a signed note against every accepted key.
   *
   * @param note the signed note
   * @return the keys whose signatures verified
   * @throws io.hyrelog.integrity.InvalidSignatureException as {@link SignedNote#verify}
   */
  public List<NoteVerifier> verify(SignedNote note) {
    return note.verify(verifiers);
  }

  /**
   * {@code v}'s key id as 8 lowercase hex digits.
   *
   * @param v the key
   * @return the key id's hex
   */
  public static String keyIdHex(NoteVerifier v) {
    return String.format("%08x", v.keyId());
  }

  @Override
  public String toString() {
    return "SigningKeys[active=" + active.name() + "+" + keyIdHex(active.verifier())
        + ", accepted=" + verifiers.size() + "]";
  }
}
