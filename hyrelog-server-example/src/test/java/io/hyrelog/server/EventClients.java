package io.hyrelog.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What concurrent API clients appending events were told: the ids the server acknowledged, and
 * a line for each request it did not acknowledge. Thread-safe.
 */
final class EventClients {
  final Queue<UUID> acked = new ConcurrentLinkedQueue<>();
  final Queue<String> failures = new ConcurrentLinkedQueue<>();

  /** Request {@code i} of client {@code client}. */
  interface Request {
    void send(int client, int i) throws Exception;
  }

  /**
   * Runs {@code clients} clients, a thread each, all let go at once, each sending its requests
   * {@code 0..requests-1} in order; waits for all of them, up to {@code timeout} each.
   */
  static void run(int clients, int requests, Duration timeout, Request request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < requests; i++) {
            request.send(client, i);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : running) {
        f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Posts {@code events} (JSON objects) with the workspace key: the single event to {@code
   * /v1/events}, or all of them to {@code /v1/events/batch} when {@code batch}.
   *
   * @param request names the request in a failure line
   */
  void post(TestHttp http, String workspaceKey, String request, List<String> events,
      boolean batch) {
    if (!batch && events.size() != 1) {
      throw new IllegalArgumentException("a single request takes one event");
    }
    String path = batch ? "/v1/events/batch" : "/v1/events";
    String body = batch ? "{\"events\":[" + String.join(",", events) + "]}" : events.get(0);
    TestHttp.Response r;
    try {
      r = http.post(path, body, "Authorization", "Bearer " + workspaceKey, "Content-Type",
          "application/json");
    } catch (UncheckedIOException e) {
      failures.add(request + ": " + e.getCause());
      return;
    }
    if (r.status() / 100 != 2) {
      failures.add(request + ": " + r.status() + " " + r.text());
      return;
    }
    JsonNode n = r.json();
    if (batch) {
      n.path("data").forEach(e -> acked.add(UUID.fromString(e.path("id").asText())));
    } else {
      acked.add(UUID.fromString(n.path("id").asText()));
    }
  }
}
