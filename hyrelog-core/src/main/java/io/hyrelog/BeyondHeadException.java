package io.hyrelog;

import java.util.UUID;

/**
 * A checkpoint or proof was asked for a tree size larger than the chain: the events it would
 * cover have not been appended (yet). Ask again with a size up to {@link #head()}.
 */
public final class BeyondHeadException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** The tree size asked for. */
  private final long requested;
  /** The chain's head seq when the request was made. */
  private final long head;

  /**
   * A tree size beyond the chain's head.
   *
   * @param chain the chain's id
   * @param requested the tree size asked for
   * @param head the chain's head seq
   */
  public BeyondHeadException(UUID chain, long requested, long head) {
    super("chain " + chain + " has " + head + " events; tree size " + requested
        + " is beyond its head (ask for a size up to " + head + ")");
    this.requested = requested;
    this.head = head;
  }

  /**
   * The tree size asked for.
   *
   * @return the requested tree size
   */
  public long requested() {
    return requested;
  }

  /**
   * The chain's head seq (its number of events) when the request was made.
   *
   * @return the head seq
   */
  public long head() {
    return head;
  }
}
