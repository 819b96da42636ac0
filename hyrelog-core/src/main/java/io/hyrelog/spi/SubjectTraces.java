package io.hyrelog.spi;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;

/**
 * Copies of a data subject's values outside the events that an erasure must also reach: for
 * example the filters of export jobs (an export filtered by an actor's email stores that email).
 * Implementations are thread-safe and idempotent.
 */
public interface SubjectTraces {
  /**
   * Removes the subject's value from every such copy in the scope's company. Idempotent.
   *
   * @param scope the company (every workspace) or one workspace
   * @param subject whose values
   * @return how many records changed in this call
   */
  long erase(EventScope scope, DataSubject subject);

  /** Traces of nothing: for stores that keep no copies. */
  SubjectTraces NONE = (scope, subject) -> 0;
}
