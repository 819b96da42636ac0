package io.hyrelog.spi;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The subject keys archival seals personal values under, and reads them back with
 * (crypto-shredding, {@code docs/format.md} §11). Keys are kept per company, workspace and
 * subject; a subject is stored only as a keyed reference (HMAC-SHA256 under a per-company
 * pepper of {@link DataSubject#canonical()}), never as its value. {@link #destroy} deletes the
 * key material and keeps a tombstone: the reference and when it was destroyed.
 *
 * <p>Implementations are thread-safe and pass the testkit's {@code SubjectKeysContract}.
 */
public interface SubjectKeyring extends SubjectKeys {
  /**
   * The keys to seal the personal values of an event of the workspace recorded at {@code
   * recordedAt} whose subjects are {@code subjects}: each subject's live key, created when it has
   * none. Empty when one of the subjects' keys in the workspace was destroyed at or after {@code
   * recordedAt}: the event was recorded before that subject's erasure, so its personal values
   * must be archived as erased. A subject whose key was destroyed before the event was recorded
   * (it came back after its erasure) gets a new key.
   *
   * @param workspace a workspace scope
   * @param subjects the event's subjects, at least one
   * @param recordedAt when the event was recorded
   * @return each subject's key, or empty
   */
  Optional<Map<DataSubject, SubjectKey>> sealingKeys(EventScope workspace,
      Set<DataSubject> subjects, Instant recordedAt);

  /**
   * A key by id, while it is not destroyed.
   *
   * @param workspace the workspace scope the key belongs to (another company's or workspace's
   *     key id finds nothing)
   * @param keyId the key's id
   * @return the key, or empty when it is unknown here or destroyed
   */
  Optional<SubjectKey> key(EventScope workspace, UUID keyId);
}
