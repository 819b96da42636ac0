package io.hyrelog.server.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a streamed download ({@code /v1/chains/{id}/events.jsonl}, {@code
 * /v1/exports/{id}/download}) ends when it fails. Before the first byte reached the client the
 * failure becomes a problem answer as usual. After it, the response is aborted: the connection
 * closes without the end of the body (no last chunk), so a client never mistakes a cut-off
 * file for a whole one, and nothing (no problem JSON) is appended to the lines already sent.
 * Either way one log line, with the request id: INFO when the client went away (a write to it
 * failed), WARN when the server failed (a read, an integrity check); the stack trace only at
 * DEBUG.
 */
public final class StreamedResponse {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedResponse.class);

  private StreamedResponse() {}

  /**
   * Ends the response of {@code ctx} after {@code failure} while streaming {@code what}.
   *
   * @param failure an {@link IOException} from writing to the client, or a {@link
   *     RuntimeException} of the server
   * @throws RuntimeException {@code failure} (an IOException wrapped) when nothing was sent yet,
   *     for the exception mapper to answer with a problem
   */
  public static void fail(Context ctx, Exception failure, String what) {
    if (!ctx.res().isCommitted()) {
      // Nothing reached the client yet: answer with a problem instead of a partial file (the
      // request id and rate-limit headers stay).
      ctx.res().resetBuffer();
      ctx.res().setHeader("Content-Disposition", null);
      throw failure instanceof IOException io ? new UncheckedIOException(io)
          : (RuntimeException) failure;
    }
    Object requestId = ctx.attribute(RequestPipeline.REQUEST_ID);
    if (failure instanceof IOException) {
      LOG.info("{} aborted: the client went away (request {}, {})", what, requestId,
          failure.getClass().getSimpleName());
    } else {
      LOG.warn("{} failed after the response started; aborting it (request {}): {}", what,
          requestId, failure.toString());
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} (request {})", what, requestId, failure);
    }
    ServletContextRequest r = ServletContextRequest.getServletContextRequest(ctx.req());
    if (r != null) {
      // An aborted request reads as async-started to Jetty, and Javalin then completes its
      // async context: starting it here lets that completion be the no-op it should be,
      // instead of an IllegalStateException logged at ERROR with its stack trace.
      ctx.req().startAsync();
      r.getServletChannel().abort(failure);
    }
  }
}
