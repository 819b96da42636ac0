package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;

/**
 * A signed note does not follow the C2SP signed-note format (or exceeds HyreLog's size and
 * signature-count limits), so none of its signatures were checked: {@link
 * SignatureFailure#MALFORMED_NOTE}. The message says what is wrong but never repeats the note's
 * content.
 */
public class MalformedNoteException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A signed note that is not in the C2SP form.
   *
   * @param message what is wrong, never the note's content
   */
  public MalformedNoteException(String message) {
    super(message);
  }
}
