package io.hyrelog.webhooks;

import io.hyrelog.net.OutboundRefusal;
import io.hyrelog.net.OutboundRefusedException;
import java.net.UnknownHostException;

/**
 * The outbound policy refused a host or address inside HttpClient's connection setup, where
 * only an IOException can pass (an UnknownHostException, for the resolver's signature); {@link
 * HttpWebhookTransport} turns it back into an outcome.
 */
final class RefusedTargetException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  private final OutboundRefusal refusal;

  RefusedTargetException(OutboundRefusedException cause) {
    super(cause.getMessage());
    initCause(cause);
    this.refusal = cause.refusal();
  }

  OutboundRefusal refusal() {
    return refusal;
  }
}
