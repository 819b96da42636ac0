package io.hyrelog.webhooks;

import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusal;
import io.hyrelog.net.OutboundRefusedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * Plain sockets that check the address they are about to connect to against the policy: the
 * last line of defence, whatever path (a resolver, a pooled route, a future HttpClient change)
 * produced the address. No proxy is ever used.
 */
final class CheckedSocketFactory implements DetachedSocketFactory {
  /** Tests only: sees each checked address just before the socket connects to it. */
  @FunctionalInterface
  interface ConnectHook {
    void beforeConnect(InetSocketAddress address) throws IOException;
  }

  private final OutboundPolicy policy;
  private final ConnectHook hook;

  CheckedSocketFactory(OutboundPolicy policy, ConnectHook hook) {
    this.policy = policy;
    this.hook = hook;
  }

  @Override
  public Socket create(Proxy proxy) throws IOException {
    if (proxy != null && proxy.type() != Proxy.Type.DIRECT) {
      throw new IOException("webhook requests use no proxy");
    }
    return new CheckedSocket(policy, hook);
  }

  private static final class CheckedSocket extends Socket {
    private final OutboundPolicy policy;
    private final ConnectHook hook;

    CheckedSocket(OutboundPolicy policy, ConnectHook hook) {
      this.policy = policy;
      this.hook = hook;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress isa) || isa.isUnresolved()) {
        throw new RefusedTargetException(new OutboundRefusedException(
            OutboundRefusal.ADDRESS_NOT_ALLOWED, "connecting to an unresolved endpoint"));
      }
      try {
        policy.checkAddress(isa.getAddress());
      } catch (OutboundRefusedException e) {
        throw new RefusedTargetException(e);
      }
      hook.beforeConnect(isa);
      super.connect(endpoint, timeout);
    }
  }
}
