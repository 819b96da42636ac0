package io.hyrelog.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to its addresses: the seam through which {@link OutboundPolicy} asks
 * DNS. {@link #SYSTEM} is the JDK's resolver; tests pass their own to play DNS answers (such as
 * a rebinding name) that real DNS here cannot be made to give. Implementations MUST be
 * thread-safe.
 */
@FunctionalInterface
public interface HostLookup {
  /** The JDK's resolver ({@link InetAddress#getAllByName(String)}). */
  HostLookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * Every address of {@code host}.
   *
   * @param host an ASCII host name, never an address literal
   * @return its addresses (may be empty when it has none)
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> lookup(String host) throws UnknownHostException;
}
