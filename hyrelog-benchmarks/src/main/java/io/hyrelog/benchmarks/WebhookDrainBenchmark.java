package io.hyrelog.benchmarks;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.DataRegion;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.benchmarks.support.PostgresCluster;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSecrets;
import io.hyrelog.webhook.WebhookTransport;
import io.hyrelog.webhook.dispatch.WebhookDispatcher;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Load driver of the webhook dispatcher alone, library only (no server process): appends
 * {@code --events} events into one chain with {@code --endpoints} enabled endpoints (batches of
 * 100 through {@link EventLog} on a {@link PostgresEventStore}, embedded PostgreSQL unless
 * {@code --jdbc-url}), then starts a {@link WebhookDispatcher} and times until a receiver on
 * loopback (JDK {@code HttpServer}, 16 threads, 204 at once) has every delivery. It reports the
 * append rate with the endpoints in place and the drain rate in deliveries/s. It uses only the
 * APIs the dispatcher had before runs and fan-out, so the same file measures both versions back
 * to back. The transport is the JDK's HTTP client (kept-alive HTTP/1.1), without the SSRF checks
 * of {@code HttpWebhookTransport}: the receiver is on loopback.
 *
 * <pre>
 * java -cp hyrelog-benchmarks/target/benchmarks.jar io.hyrelog.benchmarks.WebhookDrainBenchmark \
 *     [--events 2000] [--endpoints 10] [--concurrency 8] [--jdbc-url URL]
 * </pre>
 */
public final class WebhookDrainBenchmark {
  private WebhookDrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = 2000;
    int endpoints = 10;
    int concurrency = 8;
    String jdbcUrl = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--endpoints" -> endpoints = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--jdbc-url" -> jdbcUrl = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (events < 1 || events > 1_000_000 || endpoints < 1 || endpoints > 100 || concurrency < 1
        || concurrency > 256) {
      throw new IllegalArgumentException("--events 1..1000000, --endpoints 1..100,"
          + " --concurrency 1..256");
    }
    run(events, endpoints, concurrency, jdbcUrl, System.out);
  }

  static void run(int events, int endpoints, int concurrency, String jdbcUrl, PrintStream out)
      throws Exception {
    CountDownLatch arrived = new CountDownLatch(events * endpoints);
    long[] last = new long[1];
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    receiver.setExecutor(Executors.newFixedThreadPool(16));
    receiver.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(204, -1);
      ex.close();
      synchronized (last) {
        last[0] = System.nanoTime();
      }
      arrived.countDown();
    });
    receiver.start();
    try (PostgresCluster server = PostgresCluster.start(jdbcUrl, out)) {
      server.createTemplate();
      String db = server.createDatabase();
      try (HikariDataSource ds = PostgresCluster.pool(server.urlFor(db), 8, "drain-" + db);
          PostgresEventStore store = PostgresEventStore.builder(ds).build()) {
        WebhookStore hooks = store.webhooks().orElseThrow();
        SecretSealer sealer = SecretSealer.fromHex("7a".repeat(32));
        WorkspaceRef ws = SampleEvents.workspace(2_000, DataRegion.EU);
        Instant now = Instant.now();
        for (int i = 0; i < endpoints; i++) {
          UUID id = new UUID(0x0192f0c3L, i + 1);
          hooks.create(new WebhookEndpoint(id, ws.companyId(), ws.workspaceId(),
              Optional.empty(), URI.create("http://127.0.0.1:" + receiver.getAddress().getPort()
                  + "/e" + i), EnumSet.of(WebhookEventType.AUDIT_EVENT_CREATED), "", true,
              Optional.empty(), Optional.empty(), now, now),
              WebhookSecrets.of(sealer.seal(id, WebhookSecret.generate())),
              WebhookStore.MAX_ENDPOINTS);
        }
        EventLog log = EventLog.builder(store).idSource(IdSource.secure(Clock.systemUTC()))
            .build();
        long a0 = System.nanoTime();
        for (int done = 0; done < events; done += 100) {
          List<NewEvent> batch = new ArrayList<>();
          for (int k = done; k < Math.min(events, done + 100); k++) {
            batch.add(NewEvent.builder("bench.webhook", "e" + k).build());
          }
          log.appendBatch(ws, batch);
        }
        double appendS = (System.nanoTime() - a0) / 1e9;
        long d0 = System.nanoTime();
        try (WebhookDispatcher dispatcher = WebhookDispatcher.builder(hooks, store,
            new JdkTransport(), sealer).concurrency(concurrency).lease(Duration.ofSeconds(60))
            .build()) {
          dispatcher.start(Duration.ofMillis(100));
          if (!arrived.await(15, TimeUnit.MINUTES)) {
            throw new IllegalStateException("not drained in 15 min: " + arrived.getCount()
                + " deliveries missing");
          }
        }
        double drainS;
        synchronized (last) {
          drainS = (last[0] - d0) / 1e9;
        }
        long total = (long) events * endpoints;
        out.printf(Locale.ROOT, "append: %,d events (batches of 100, %d endpoints) in %.2f s ="
            + " %,.0f events/s%n", events, endpoints, appendS, events / appendS);
        out.printf(Locale.ROOT, "drain: %,d deliveries in %.2f s = %,.0f deliveries/s"
            + " (concurrency %d)%n", total, drainS, total / drainS, concurrency);
      } finally {
        server.dropDatabase(db);
      }
    } finally {
      receiver.stop(0);
      ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
    }
  }

  /** The JDK's HTTP client, no SSRF checks (loopback receiver). */
  private static final class JdkTransport implements WebhookTransport {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER)
        .build();

    @Override
    public WebhookResponse post(URI url, Map<String, String> headers, byte[] body) {
      long start = System.nanoTime();
      HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      try {
        HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        return new WebhookResponse(r.statusCode(), Duration.ofNanos(System.nanoTime() - start),
            "", "");
      } catch (IOException e) {
        return new WebhookResponse(0, Duration.ofNanos(System.nanoTime() - start), "CONNECTION",
            "");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new WebhookResponse(0, Duration.ofNanos(System.nanoTime() - start),
            "INTERRUPTED", "");
      }
    }
  }
}
