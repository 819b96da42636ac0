package io.hyrelog.spi;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;

/**
 * The per-subject keys under which personal values in archived segments are encrypted
 * (crypto-shredding): destroying a subject's keys makes its values in every immutable segment
 * unreadable while the segments, and the commitments that verification needs, stay untouched.
 * Implementations are thread-safe.
 */
public interface SubjectKeys {
  /**
   * Destroys the subject's keys in the scope. Idempotent.
   *
   * @param scope the company (every workspace) or one workspace
   * @param subject whose keys
   * @return how many keys were destroyed by this call (0 when none existed or all were gone)
   */
  long destroy(EventScope scope, DataSubject subject);
}
