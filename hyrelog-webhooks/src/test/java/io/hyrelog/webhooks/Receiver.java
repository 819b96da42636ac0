package io.hyrelog.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/** A real webhook receiver on loopback: the JDK's HTTP(S) server, recording every request. */
final class Receiver implements AutoCloseable {
  /** One request as the receiver saw it. */
  record Request(String method, String path, Map<String, List<String>> headers, byte[] body,
      InetSocketAddress remote) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null ? null : String.join(",", v);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();

  private Receiver(HttpServer server) {
    this.server = server;
    server.createContext("/", exchange -> {
      try (exchange) {
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            Map.copyOf(exchange.getRequestHeaders().entrySet().stream().collect(
                java.util.stream.Collectors.toMap(e -> e.getKey().toLowerCase(),
                    Map.Entry::getValue, (a, b) -> a))),
            exchange.getRequestBody().readAllBytes(), exchange.getRemoteAddress()));
        HttpHandler h = handlers.getOrDefault(exchange.getRequestURI().getPath(),
            ex -> answer(ex, 200, "ok"));
        h.handle(exchange);
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  static Receiver http() throws IOException {
    return new Receiver(HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  static Receiver https(SSLContext context) throws IOException {
    HttpsServer s = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(context));
    return new Receiver(s);
  }

  void on(String path, HttpHandler handler) {
    handlers.put(path, handler);
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI url(String scheme, String host, String path) {
    return URI.create(scheme + "://" + host + ":" + port() + path);
  }

  long count(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
