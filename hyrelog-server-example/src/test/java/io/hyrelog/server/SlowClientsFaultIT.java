package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Clients that send or read slowly cannot take the server from another tenant: dripping request
 * bodies (hundreds of connections with one valid key) and barely-read downloads (a chain's
 * {@code events.jsonl} and export downloads), over real sockets against a real server and
 * PostgreSQL. Limits are lowered to keep the run short; the attacks keep the findings' shape.
 */
@Tag("fault")
class SlowClientsFaultIT {
  private static final String ATTACKER_IP = "203.0.113.66";
  private static final String VICTIM_IP = "198.51.100.9";

  @Test
  void drippingBodies_otherTenantServed_healthAnswers_andDripsAreCutOff() throws Exception {
    int connections = 260;
    Duration bodyTimeout = Duration.ofSeconds(8);
    try (TestServer s = TestServer.start(Map.of(
        "HYRELOG_TRUSTED_PROXIES", "127.0.0.1/32",
        "HYRELOG_HTTP_THREADS", "80",
        "HYRELOG_MAX_IN_FLIGHT", "50",
        "HYRELOG_MAX_IN_FLIGHT_PER_KEY", "8",
        "HYRELOG_MAX_IN_FLIGHT_PER_IP", "16",
        "HYRELOG_BODY_READ_TIMEOUT", bodyTimeout.toSeconds() + "s"), Clock.systemUTC())) {
      DemoCredentials victim = s.newTenant();
      String head = "POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + s.demo().workspaceKey() + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\nX-Forwarded-For: " + ATTACKER_IP + "\r\n\r\n";
      ExecutorService attackers = Executors.newFixedThreadPool(connections);
      List<Future<Outcome>> outcomes = new ArrayList<>();
      long attackStart = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        outcomes.add(attackers.submit(() -> drip(s.server().port(), head,
            Duration.ofSeconds(2), Duration.ofSeconds(60))));
      }
      // The victim appends one event after another while the attack runs.
      List<Long> victimMillis = new ArrayList<>();
      List<Integer> victimStatus = new ArrayList<>();
      List<Long> healthMillis = new ArrayList<>();
      int n = 0;
      while (System.nanoTime() - attackStart < bodyTimeout.plusSeconds(4).toNanos()) {
        long t0 = System.nanoTime();
        TestHttp.Response r = s.http().post("/v1/events", "{\"category\":\"victim\","
            + "\"action\":\"append\",\"metadata\":{\"n\":" + n++ + "}}", "Authorization",
            "Bearer " + victim.workspaceKey(), "Content-Type", "application/json",
            "X-Forwarded-For", VICTIM_IP);
        victimMillis.add((System.nanoTime() - t0) / 1_000_000);
        victimStatus.add(r.status());
        if (n % 10 == 0) {
          long h0 = System.nanoTime();
          assertThat(s.http().get("/internal/health", "x-internal-token", s.internalToken())
              .status()).isEqualTo(200);
          healthMillis.add((System.nanoTime() - h0) / 1_000_000);
        }
        Thread.sleep(50);
      }
      Map<String, Integer> byOutcome = new TreeMap<>();
      long slowestEnd = 0;
      for (Future<Outcome> f : outcomes) {
        Outcome o = f.get(90, TimeUnit.SECONDS);
        byOutcome.merge(o.what(), 1, Integer::sum);
        slowestEnd = Math.max(slowestEnd, o.millis());
      }
      attackers.shutdown();
      System.out.printf("[fault] %d dripping bodies: outcomes %s, last ended after %d ms;"
          + " victim %d appends, slowest %d ms, median %d ms; health %s ms%n", connections,
          byOutcome, slowestEnd, victimMillis.size(), Collections.max(victimMillis),
          median(victimMillis), healthMillis);
      assertThat(victimStatus).as("the other tenant's appends").allMatch(st -> st == 201);
      assertThat(Collections.max(victimMillis)).as("the other tenant's slowest append (ms)")
          .isLessThan(5_000);
      assertThat(byOutcome.getOrDefault("429 CONCURRENCY_LIMITED", 0))
          .as("drips refused at once").isGreaterThanOrEqualTo(connections - 8);
      assertThat(byOutcome.keySet()).as("every drip was answered or cut off")
          .allMatch(k -> k.startsWith("429 CONCURRENCY_LIMITED") || k.startsWith("400 "));
      assertThat(slowestEnd).as("the last drip ended (ms)")
          .isLessThan(bodyTimeout.plusSeconds(5).toMillis());
    }
  }

  @Test
  void barelyReadDownloads_otherTenantServed_noConnectionHeld_andReadersCutOff()
      throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try {
      barelyReadDownloads(logs);
    } finally {
      root.detachAppender(logs);
    }
  }

  private void barelyReadDownloads(ListAppender<ILoggingEvent> logs) throws Exception {
    // The finding's shape: 18 slow downloads against an API pool of 16 connections. The
    // per-company cap is raised so that all 18 run: what must keep connections free is that a
    // download holds none while its client is slow.
    try (TestServer s = TestServer.start(Map.of(
        "HYRELOG_DATABASE_POOL_SIZE", "16",
        "HYRELOG_COMPANY_MAX_EXPORTS", "18",
        "HYRELOG_MIN_RESPONSE_BYTES_PER_SECOND", "16384"), Clock.systemUTC())) {
      DemoCredentials victim = s.newTenant();
      DemoCredentials demo = s.demo();
      String pad = "x".repeat(2500);
      for (int b = 0; b < 4; b++) {
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 1000; i++) {
          batch.append(i == 0 ? "" : ",").append("{\"category\":\"bulk\",\"action\":\"load\","
              + "\"metadata\":{\"pad\":\"").append(pad).append("\"}}");
        }
        TestHttp.Response r = s.http().post("/v1/events/batch", batch.append("]}").toString(),
            "Authorization", "Bearer " + demo.workspaceKey(), "Content-Type",
            "application/json");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
      }
      TestHttp.Response job = s.http().post("/v1/exports", "{\"source\":\"HOT\","
          + "\"format\":\"JSONL\"}", "Authorization", "Bearer " + demo.companyKey(),
          "Content-Type", "application/json");
      assertThat(job.status()).as(job.text()).isEqualTo(201);
      String download = "/v1/exports/" + job.json().path("jobId").asText() + "/download";
      String chain = "/v1/chains/" + demo.workspaceId() + "/events.jsonl";

      ExecutorService readers = Executors.newFixedThreadPool(18);
      List<Future<Outcome>> outcomes = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      long readersStart = System.nanoTime();
      for (int i = 0; i < 18; i++) {
        String path = i % 2 == 0 ? chain : download;
        String key = i % 2 == 0 ? demo.workspaceKey() : demo.companyKey();
        outcomes.add(readers.submit(() -> readSlowly(s.server().port(), "GET " + path
            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key + "\r\n\r\n",
            200, stop)));
      }
      Thread.sleep(2000); // every reader has started and filled the socket buffers
      List<Long> victimMillis = new ArrayList<>();
      List<Integer> victimStatus = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
      int n = 0;
      while (System.nanoTime() < until) {
        long t0 = System.nanoTime();
        victimStatus.add(s.http().post("/v1/events", "{\"category\":\"victim\","
            + "\"action\":\"append\",\"metadata\":{\"n\":" + n++ + "}}", "Authorization",
            "Bearer " + victim.workspaceKey(), "Content-Type", "application/json").status());
        long t1 = System.nanoTime();
        // A read needs a connection of the API pool.
        victimStatus.add(s.http().get("/v1/events?limit=5", "Authorization", "Bearer "
            + victim.workspaceKey()).status());
        victimMillis.add((t1 - t0) / 1_000_000);
        victimMillis.add((System.nanoTime() - t1) / 1_000_000);
        Thread.sleep(100);
      }
      // The server ends a too-slow download by closing the connection; what it had written
      // still sits in the socket buffers (megabytes on loopback), so the reader would take
      // hours to see the end. The server's own request count says when each one ended.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long ended = 0;
      while (System.nanoTime() < deadline && (ended = finished(s, chain, download)) < 18) {
        Thread.sleep(200);
      }
      long endedAfter = (System.nanoTime() - readersStart) / 1_000_000;
      stop.set(true);
      Map<String, Integer> byOutcome = new TreeMap<>();
      for (Future<Outcome> f : outcomes) {
        byOutcome.merge(f.get(60, TimeUnit.SECONDS).what(), 1, Integer::sum);
      }
      readers.shutdown();
      System.out.printf("[fault] 18 barely-read downloads (9 events.jsonl, 9 export downloads)"
          + " on a 16-connection pool: %d ended by the server within %d ms, readers %s; victim"
          + " %d appends and queries, slowest %d ms, median %d ms%n", ended, endedAfter,
          byOutcome, victimMillis.size(), Collections.max(victimMillis),
          median(victimMillis));
      assertThat(victimStatus).as("the other tenant's appends and queries")
          .allMatch(st -> st == 200 || st == 201);
      // Waiting for a pooled connection would take the pool timeout, 5 s, and then fail: no
      // request (each timed alone, so a loaded machine's slowness is not counted twice) gets
      // near it.
      assertThat(Collections.max(victimMillis)).as("slowest append or query (ms)")
          .isLessThan(5_000);
      assertThat(ended).as("downloads the server ended (too slow a reader)").isEqualTo(18);
      assertThat(byOutcome).as("no slow reader got the whole response")
          .doesNotContainKey("completed");
      // Each download cut off is one line of the stream's end (no ERROR, no stack trace).
      List<ILoggingEvent> lines;
      synchronized (logs) {
        lines = List.copyOf(logs.list);
      }
      assertThat(lines).as("ERROR log lines").noneMatch(e -> e.getLevel() == Level.ERROR);
      List<ILoggingEvent> aborted = lines.stream().filter(e -> e.getLoggerName()
          .equals("io.hyrelog.server.internal.StreamedResponse")).toList();
      assertThat(aborted).as("lines of aborted streams").hasSize(18)
          .allMatch(e -> e.getThrowableProxy() == null);
    }
  }

  /** What became of one attacking or reading connection, and when (ms after it began). */
  record Outcome(String what, long millis) {}

  /**
   * Sends {@code head}, then one byte of the body every {@code every}, until the server
   * answers or closes; the answer's status and problem code.
   */
  private static Outcome drip(int port, String head, Duration every, Duration giveUp) {
    long t0 = System.nanoTime();
    try (Socket sock = new Socket("127.0.0.1", port)) {
      sock.setSoTimeout((int) every.toMillis());
      OutputStream out = sock.getOutputStream();
      InputStream in = sock.getInputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      while (System.nanoTime() - t0 < giveUp.toNanos()) {
        try {
          out.write('{');
          out.flush();
        } catch (IOException e) {
          return new Outcome(answer(in, sock), elapsed(t0));
        }
        try {
          int first = in.read();
          if (first == -1) {
            return new Outcome("closed without an answer", elapsed(t0));
          }
          return new Outcome(answer(first, in, sock), elapsed(t0));
        } catch (SocketTimeoutException e) {
          // no answer yet: drip on
        }
      }
      return new Outcome("still open", elapsed(t0));
    } catch (IOException e) {
      return new Outcome("failed: " + e.getClass().getSimpleName(), elapsed(t0));
    }
  }

  private static String answer(InputStream in, Socket sock) {
    try {
      int first = in.read();
      return first == -1 ? "closed without an answer" : answer(first, in, sock);
    } catch (IOException e) {
      return "closed without an answer";
    }
  }

  /** The status and problem code of a response whose first byte was read. */
  private static String answer(int first, InputStream in, Socket sock) throws IOException {
    sock.setSoTimeout(10_000);
    byte[] rest = in.readNBytes(4096);
    String text = (char) first + new String(rest, StandardCharsets.ISO_8859_1);
    String status = text.split(" ", 3)[1];
    int code = text.indexOf("\"code\":\"");
    return status + (code < 0 ? "" : " " + text.substring(code + 8, text.indexOf('"', code + 8)));
  }

  /**
   * Sends {@code request} and reads the response at about {@code bytesPerSecond}, with a small
   * receive buffer, until the response ends ("completed"), the connection fails ("cut off") or
   * {@code stop} is set ("stopped").
   */
  private static Outcome readSlowly(int port, String request, int bytesPerSecond,
      AtomicBoolean stop) {
    long t0 = System.nanoTime();
    try (Socket sock = new Socket()) {
      sock.setReceiveBufferSize(4096);
      sock.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      sock.setSoTimeout(1000);
      sock.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      sock.getOutputStream().flush();
      InputStream in = sock.getInputStream();
      byte[] buf = new byte[bytesPerSecond / 10];
      StringBuilder tail = new StringBuilder();
      while (!stop.get()) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          continue;
        }
        if (n < 0) {
          return new Outcome(tail.toString().endsWith("0\r\n\r\n") ? "completed" : "cut off",
              elapsed(t0));
        }
        tail.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        if (tail.length() > 16) {
          tail.delete(0, tail.length() - 16);
        }
        Thread.sleep(100);
      }
      return new Outcome("stopped", elapsed(t0));
    } catch (IOException e) {
      return new Outcome("cut off", elapsed(t0)); // reset by the server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome("interrupted", elapsed(t0));
    }
  }

  /** Requests of these two routes the server has finished (its request metrics). */
  private static long finished(TestServer s, String chain, String download) {
    String metrics = s.http().get("/internal/metrics", "x-internal-token", s.internalToken())
        .text();
    long n = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("http_server_requests_seconds_count{")
          && (line.contains("route=\"/v1/chains/{workspaceId}/events.jsonl\"")
              || line.contains("route=\"/v1/exports/{jobId}/download\""))) {
        n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return n;
  }

  private static long elapsed(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
