package io.hyrelog;

/**
 * Root of every exception HyreLog throws for a domain condition (invalid input, integrity
 * failure, conflict, backpressure). Programming errors use the JDK's exceptions instead.
 *
 * <p>Subclasses live beside the code that throws them and say what the caller can do. Messages
 * carry diagnostic numbers (chain, seq, sizes) but never payloads, keys or secrets.
 */
public class HyrelogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message that names what failed, with diagnostic numbers and no secrets.
   *
   * @param message the message
   */
  public HyrelogException(String message) {
    super(message);
  }

  /**
   * A failure with a message and its cause.
   *
   * @param message the message
   * @param cause the cause
   */
  public HyrelogException(String message, Throwable cause) {
    super(message, cause);
  }
}
