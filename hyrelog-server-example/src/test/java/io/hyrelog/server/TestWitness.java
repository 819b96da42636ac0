package io.hyrelog.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.compliance.witness.CosignatureVerifier;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.compliance.witness.Witness;
import io.hyrelog.compliance.witness.WitnessResponse;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.testkit.SeededKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real C2SP tlog-witness for tests: the library {@link Witness} (durable state in a temporary
 * directory) behind the JDK's HTTP server at {@code http://127.0.0.1:<port>/add-checkpoint},
 * as the CLI's witness serves it. Its key is seeded; the logs it trusts are set once the
 * server's key is known ({@link #trust}), before that every request is 503. It can hold every
 * request until released ({@link #hold}), to stand for a witness that does not answer.
 */
final class TestWitness implements AutoCloseable {
  private final Cosigner cosigner;
  private final Path state;
  private final HttpServer http;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile Witness witness;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch arrived = new CountDownLatch(1);

  TestWitness(String name, int seed) {
    this.cosigner = Cosigner.of(SeededKeys.signer(name, seed));
    try {
      this.state = Files.createTempDirectory("hyrelog-test-witness");
      this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(pool);
    http.createContext("/add-checkpoint", this::handle);
    http.start();
  }

  /** Trusts {@code logKey} for every chain of its namespace. */
  TestWitness trust(NoteVerifier logKey) {
    witness = Witness.builder(cosigner, state).logPrefix(logKey.name() + "/chains/", logKey)
        .build();
    return this;
  }

  /** The library witness (e.g. to seed it with another tree before the server asks). */
  Witness witness() {
    return witness;
  }

  CosignatureVerifier verifier() {
    return cosigner.verifier();
  }

  /** {@code <verifier key>=<base URL>}, an entry of {@code HYRELOG_WITNESS_URLS}. */
  String entry() {
    return verifier().verifierKey() + "=http://127.0.0.1:" + http.getAddress().getPort() + "/";
  }

  /** Holds every request from now on until {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Waits until a request arrived (true) or 60 s passed (false). */
  boolean awaitRequest() throws InterruptedException {
    return arrived.await(60, TimeUnit.SECONDS);
  }

  /** The request bodies received, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readNBytes(64 * 1024), StandardCharsets.UTF_8);
      requests.add(body);
      arrived.countDown();
      try {
        gate.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Witness w = witness;
      if (w == null) {
        send(ex, 503, "text/plain", "not ready\n");
        return;
      }
      WitnessResponse r = w.addCheckpoint(body);
      send(ex, r.httpStatus(), r.contentType(), r.body());
    }
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
    release();
    http.stop(0);
    pool.shutdownNow();
    if (witness != null) {
      witness.close();
    }
    try (var files = Files.walk(state)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
