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

  public HyrelogException(String message) {
    super(message);
  }

  public HyrelogException(String message, Throwable cause) {
    super(message, cause);
  }
}
