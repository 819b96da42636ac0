package io.hyrelog.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.witness.Witness;
import io.hyrelog.compliance.witness.WitnessResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of a C2SP tlog-witness: {@code POST /add-checkpoint} answered by a {@link
 * Witness} exactly as it decides (200 with the cosignature lines, 400, 403, 404, 409 with the
 * stored size, 422), on the JDK's HTTP server. Bodies over {@value #MAX_BODY} bytes are 413,
 * other paths 404, other methods 405; at most {@value #THREADS} requests are handled at once.
 */
final class WitnessServer implements AutoCloseable {
  /** A request holds an old size, at most 63 proof hashes and one checkpoint note: a few KiB. */
  static final int MAX_BODY = 64 * 1024;
  static final int THREADS = 8;

  private final HttpServer http;
  private final ExecutorService pool;

  private WitnessServer(HttpServer http, ExecutorService pool) {
    this.http = http;
    this.pool = pool;
  }

  /** Serves {@code witness} on {@code host:port} (port 0: any free port). */
  static WitnessServer start(Witness witness, String host, int port) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "hyrelog-witness-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(pool);
    http.createContext("/", exchange -> handle(witness, exchange));
    http.start();
    return new WitnessServer(http, pool);
  }

  int port() {
    return http.getAddress().getPort();
  }

  private static void handle(Witness witness, HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals("/add-checkpoint")) {
        send(ex, 404, "text/plain; charset=utf-8", "not found: POST /add-checkpoint\n");
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        ex.getResponseHeaders().add("Allow", "POST");
        send(ex, 405, "text/plain; charset=utf-8", "method not allowed: POST only\n");
        return;
      }
      byte[] body = readBounded(ex.getRequestBody());
      if (body == null) {
        send(ex, 413, "text/plain; charset=utf-8", "request body over " + MAX_BODY
            + " bytes\n");
        return;
      }
      WitnessResponse r;
      try {
        r = witness.addCheckpoint(new String(body, StandardCharsets.UTF_8));
      } catch (HyrelogException e) {
        send(ex, 500, "text/plain; charset=utf-8", "the witness could not store its state\n");
        return;
      }
      send(ex, r.httpStatus(), r.contentType(), r.body());
    }
  }

  /** The body, or null when it is longer than {@link #MAX_BODY}. */
  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    return bytes.length > MAX_BODY ? null : bytes;
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    http.stop(1);
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
