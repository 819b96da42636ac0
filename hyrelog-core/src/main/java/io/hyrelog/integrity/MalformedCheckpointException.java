package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;

/**
 * A checkpoint body does not follow the C2SP tlog-checkpoint format. The message names the
 * offending line but never repeats its content. The checkpoint cannot be used; there is nothing to
 * retry.
 */
public class MalformedCheckpointException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A checkpoint that is not in the C2SP form.
   *
   * @param message the offending line and what is wrong
   */
  public MalformedCheckpointException(String message) {
    super(message);
  }
}
