package io.hyrelog.personal;

/** What a data subject asks for. */
public enum GdprRequestType {
  /**
   * Erasure (GDPR Art. 17): every personal field of every event of the subject loses its value
   * and salt. Needs the approval of a second person.
   */
  ERASURE,
  /**
   * Access and portability (GDPR Art. 15 and 20): a verifiable export of every event of the
   * subject. Changes nothing, so it needs no second person: it is filed APPROVED.
   */
  ACCESS
}
