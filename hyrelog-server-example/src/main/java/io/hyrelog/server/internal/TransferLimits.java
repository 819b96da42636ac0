package io.hyrelog.server.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The pace a client must keep, enforced below the servlet layer so that a blocked read or write
 * gives its worker thread back (Jetty 12 does not enforce {@code HttpConfiguration}'s minimum
 * data rates; this handler does):
 * <ul>
 *   <li>a request body must arrive in full within {@code bodyTimeout}, and, after the first
 *       {@code grace}, at {@code minRequestRate} bytes per second or faster on average;
 *       otherwise reading it fails ({@link java.io.IOException} in the handler, which answers
 *       400 and the connection closes);
 *   <li>each response write must be taken by the client within {@code grace} plus its size at
 *       {@code minResponseRate} bytes per second, or the connection is closed. The pace of each
 *       write is judged, not the response's average, so a response the server itself produces
 *       slowly (a sparse export) is not cut.
 * </ul>
 * Rates of zero switch the respective check off. Thread-safe.
 */
public final class TransferLimits extends Handler.Wrapper {
  private final long bodyTimeoutNanos;
  private final long graceNanos;
  private final long minRequestRate;
  private final long minResponseRate;

  public TransferLimits(Duration bodyTimeout, Duration grace, long minRequestRate,
      long minResponseRate) {
    this.bodyTimeoutNanos = bodyTimeout.toNanos();
    this.graceNanos = grace.toNanos();
    this.minRequestRate = minRequestRate;
    this.minResponseRate = minResponseRate;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    PacedRequest paced = new PacedRequest(request);
    Response out = minResponseRate > 0 ? new PacedResponse(paced, response) : response;
    Callback done = Callback.from(callback, paced::finished);
    boolean handled = false;
    try {
      handled = super.handle(paced, out, done);
      return handled;
    } finally {
      if (!handled) {
        paced.finished();
      }
    }
  }

  private static boolean expectsContent(Request request) {
    return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0
        || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  private final class PacedRequest extends Request.Wrapper {
    private final long startedAt = System.nanoTime();
    private final AtomicReference<Runnable> waiting = new AtomicReference<>();
    private volatile Content.Chunk failure;
    private volatile boolean complete;
    private volatile Scheduler.Task deadline;
    private long received;

    PacedRequest(Request request) {
      super(request);
      if (expectsContent(request)) {
        deadline = getComponents().getScheduler().schedule(() -> fail("the request body did"
            + " not arrive within " + TimeUnit.NANOSECONDS.toSeconds(bodyTimeoutNanos) + " s"),
            bodyTimeoutNanos, TimeUnit.NANOSECONDS);
      } else {
        complete = true;
      }
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk f = failure;
      if (f != null) {
        return f;
      }
      Content.Chunk c = super.read();
      if (c != null) {
        received += c.remaining();
        if (c.isLast()) {
          finished();
        }
      }
      return c;
    }

    @Override
    public void demand(Runnable demandCallback) {
      if (failure == null && !complete && minRequestRate > 0) {
        long elapsed = System.nanoTime() - startedAt;
        if (elapsed > graceNanos && received * 1_000_000_000L / elapsed < minRequestRate) {
          fail("the request body arrived at " + received * 1_000_000_000L / elapsed
              + " bytes/s, below the minimum of " + minRequestRate + " bytes/s");
        }
      }
      if (failure != null) {
        demandCallback.run();
        return;
      }
      Once once = new Once(demandCallback);
      waiting.set(once);
      super.demand(once);
    }

    /** A demand callback run once: by the content's arrival or by {@link #fail}. */
    private final class Once implements Runnable, Invocable {
      private final Runnable callback;
      private final AtomicBoolean ran = new AtomicBoolean();

      Once(Runnable callback) {
        this.callback = callback;
      }

      @Override
      public InvocationType getInvocationType() {
        return Invocable.getInvocationType(callback);
      }

      @Override
      public void run() {
        if (ran.compareAndSet(false, true)) {
          waiting.compareAndSet(this, null);
          callback.run();
        }
      }
    }

    /** Reading fails from now on; a reader waiting for content is woken to see it. */
    private void fail(String why) {
      if (complete || failure != null) {
        return;
      }
      failure = Content.Chunk.from(new TimeoutException(why), true);
      Runnable w = waiting.getAndSet(null);
      if (w != null) {
        w.run();
      }
    }

    void finished() {
      complete = true;
      Scheduler.Task t = deadline;
      if (t != null) {
        t.cancel();
      }
    }
  }

  private final class PacedResponse extends Response.Wrapper {
    PacedResponse(Request request, Response response) {
      super(request, response);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      int size = content == null ? 0 : content.remaining();
      if (size == 0) {
        super.write(last, content, callback);
        return;
      }
      long allowed = graceNanos + size * 1_000_000_000L / minResponseRate;
      Scheduler.Task cut = getRequest().getComponents().getScheduler().schedule(
          () -> getRequest().getConnectionMetaData().getConnection().getEndPoint().close(
              new TimeoutException("the client read a " + size + "-byte write slower than "
                  + minResponseRate + " bytes/s")), allowed, TimeUnit.NANOSECONDS);
      super.write(last, content, Callback.from(cut::cancel, callback));
    }
  }
}
