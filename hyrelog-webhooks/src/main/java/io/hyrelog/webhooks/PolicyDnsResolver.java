package io.hyrelog.webhooks;

import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * HttpClient's only way to turn a host into addresses: {@link OutboundPolicy#resolve(String)}.
 * The connection is made to exactly the addresses checked here (HttpClient does not resolve
 * again), so a name that answers a public address to the check and a private one to the
 * connection (DNS rebinding) cannot slip through.
 */
final class PolicyDnsResolver implements DnsResolver {
  private final OutboundPolicy policy;

  PolicyDnsResolver(OutboundPolicy policy) {
    this.policy = policy;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    try {
      return policy.resolve(host).toArray(new InetAddress[0]);
    } catch (OutboundRefusedException e) {
      throw new RefusedTargetException(e);
    }
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    return host; // no reverse lookups: the name checked is the name used
  }
}
