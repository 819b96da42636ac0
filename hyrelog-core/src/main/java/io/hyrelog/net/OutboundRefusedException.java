package io.hyrelog.net;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * {@link OutboundPolicy} refused a URL, host or address; nothing was sent. The message names
 * the host or address and the rule (they are what the caller gave or what DNS answered, never
 * a secret); {@link #refusal()} is the stable reason.
 */
public final class OutboundRefusedException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** The stable reason. */
  private final OutboundRefusal refusal;

  /**
   * Creates the exception.
   *
   * @param refusal the stable reason
   * @param message what was refused and by which rule
   */
  public OutboundRefusedException(OutboundRefusal refusal, String message) {
    super(message);
    this.refusal = Objects.requireNonNull(refusal, "refusal");
  }

  /**
   * Creates the exception with its cause (a failed name lookup).
   *
   * @param refusal the stable reason
   * @param message what was refused and by which rule
   * @param cause the cause
   */
  public OutboundRefusedException(OutboundRefusal refusal, String message, Throwable cause) {
    super(message, cause);
    this.refusal = Objects.requireNonNull(refusal, "refusal");
  }

  /**
   * The stable reason.
   *
   * @return the reason
   */
  public OutboundRefusal refusal() {
    return refusal;
  }
}
