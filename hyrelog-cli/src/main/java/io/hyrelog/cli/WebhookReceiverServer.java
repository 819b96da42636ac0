package io.hyrelog.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.Digest;
import io.hyrelog.webhook.WebhookVerificationException;
import io.hyrelog.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for trying deliveries out (the seed's {@code webhook-receiver.js}): every
 * {@code POST} is verified with a {@link WebhookVerifier}, and one line is printed per delivery:
 * its {@code webhook-id}, the event's chain and seq, the signature's verdict and whether the
 * event links to the previous delivery seen of its chain (its {@code prevHash} is that event's
 * hash). Answers 204 when the signature verifies, 400 when not, 413 for a body over {@value
 * #MAX_BODY} bytes, 405 for other methods. Requests are handled one at a time, so lines follow
 * arrival order; the chains and ids remembered are bounded.
 */
final class WebhookReceiverServer implements AutoCloseable {
  /** The largest body read: an event is at most a few MiB. */
  static final int MAX_BODY = 4 << 20;
  /** How many chains' last events and how many delivery ids are remembered. */
  static final int REMEMBERED = 10_000;

  private record Last(long seq, Digest hash) {}

  private final HttpServer http;
  private final ExecutorService thread;
  private final WebhookVerifier verifier;
  private final PrintStream out;
  private final Map<UUID, Last> chains = bounded();
  private final Set<String> ids = java.util.Collections.newSetFromMap(bounded());

  private WebhookReceiverServer(HttpServer http, ExecutorService thread,
      WebhookVerifier verifier, PrintStream out) {
    this.http = http;
    this.thread = thread;
    this.verifier = verifier;
    this.out = out;
  }

  private static <K, V> Map<K, V> bounded() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }

  /** Receives on {@code host:port} (port 0: any free port), printing to {@code out}. */
  static WebhookReceiverServer start(WebhookVerifier verifier, String host, int port,
      PrintStream out) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hyrelog-webhook-receiver");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(thread);
    WebhookReceiverServer s = new WebhookReceiverServer(http, thread, verifier, out);
    http.createContext("/", s::handle);
    http.start();
    return s;
  }

  int port() {
    return http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        ex.getResponseHeaders().add("Allow", "POST");
        send(ex, 405, "method not allowed: POST only\n");
        return;
      }
      byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        out.println("refused a request: body over " + MAX_BODY + " bytes");
        send(ex, 413, "request body over " + MAX_BODY + " bytes\n");
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> {
        if (!v.isEmpty()) {
          headers.put(k.toLowerCase(Locale.ROOT), v.get(0));
        }
      });
      String id = Optional.ofNullable(headers.get("webhook-id")).map(WebhookReceiverServer::shown)
          .orElse("(no webhook-id)");
      Optional<DeliveredEvent> event = DeliveredEvent.read(body);
      String what = event.map(e -> "seq " + e.seq() + " chain " + e.chain())
          .orElse("(not an event)");
      try {
        verifier.verify(headers, body);
      } catch (WebhookVerificationException e) {
        out.println(id + " " + what + " signature FAILED " + e.reason());
        send(ex, 400, "signature FAILED: " + e.reason() + "\n");
        return;
      }
      boolean again = !ids.add(id);
      out.println(id + " " + what + " signature OK" + event.map(this::link).orElse("")
          + (again ? " (a repeat of a delivery already seen)" : ""));
      send(ex, 204, "");
    }
  }

  /** The chain link of a verified delivery, and the event remembered as its chain's last. */
  private String link(DeliveredEvent e) {
    String hash = e.hashVerifies() ? "" : " hash BAD (content does not hash to its hash)";
    Last last = chains.get(e.chain());
    String link;
    if (e.seq() == 1) {
      link = e.prevHash().equals(Digest.ZERO) ? "link OK (first event of its chain)"
          : "link BROKEN (seq 1 must follow the zero hash)";
    } else if (last == null) {
      link = "link unknown (first delivery seen of its chain)";
    } else if (last.seq() == e.seq() - 1) {
      link = e.prevHash().equals(last.hash()) ? "link OK (follows seq " + last.seq() + ")"
          : "link BROKEN (prevHash is not the hash of seq " + last.seq() + ")";
    } else if (e.seq() > last.seq()) {
      link = "link GAP (seqs " + (last.seq() + 1) + ".." + (e.seq() - 1) + " not seen yet)";
    } else {
      link = "link OLD (seq " + last.seq() + " was seen already)";
    }
    if (last == null || e.seq() > last.seq()) {
      chains.put(e.chain(), new Last(e.seq(), e.hash()));
    }
    return " " + link + hash;
  }

  /** A header value for a log line: printable ASCII, at most 100 characters. */
  private static String shown(String v) {
    String s = v.length() > 100 ? v.substring(0, 100) + "…" : v;
    return s.replaceAll("[^\\x21-\\x7e…]", "?");
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
