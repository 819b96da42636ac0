package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hyrelog.testkit.MutableClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/chains/{id}/events.jsonl} when it fails mid-stream: a segment corrupted after
 * archival makes the server abort the response (read raw: a 200 whose chunked body has no last
 * chunk, and no problem JSON glued to the lines), and each aborted stream, by the server or by
 * a client that went away, logs one line with the request id and no stack trace.
 */
class ChainExportAbortIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final int PER_DAY = 600;
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static TestServer server;
  private static TestHttp http;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "100000",
        "HYRELOG_RATE_LIMIT_IP_PER_MIN", "100000"), CLOCK);
    http = server.http();
    String note = "n".repeat(1500); // about 1.7 KB a line: 1,800 lines pass every buffer
    for (int day = 0; day < 3; day++) {
      StringBuilder batch = new StringBuilder("{\"events\":[");
      for (int i = 0; i < PER_DAY; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
            + "\"metadata\":{\"note\":\"").append(note).append("\"}}");
      }
      TestHttp.Response r = http.post("/v1/events/batch", batch.append("]}").toString(),
          "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
      CLOCK.advance(Duration.ofDays(1));
    }
    Instant asOf = T0.plus(Duration.ofDays(92));
    CLOCK.set(asOf);
    for (String job : List.of("retention.mark", "archive.run")) {
      TestHttp.Response r = http.post("/ops/jobs/" + job + "/run", "{\"asOf\":\"" + asOf
          + "\",\"region\":\"US\"}", "x-internal-token", server.internalToken(),
          "Content-Type", "application/json");
      assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    }
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    server.close();
  }

  /** A keep-alive request: the body comes chunked, so a cut-off is visible (no last chunk). */
  private static byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + server.demo().workspaceKey() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String chainPath() {
    return "/v1/chains/" + server.demo().workspaceId() + "/events.jsonl";
  }

  private static List<ILoggingEvent> logsOf(String requestId) {
    synchronized (LOGS) {
      return LOGS.list.stream().filter(e -> e.getFormattedMessage().contains(requestId))
          .toList();
    }
  }

  @Test
  void segmentCorruptedAfterArchival_responseAbortedNeverACleanEnd() throws Exception {
    Path root = server.dataDir().resolve("archive");
    Path second;
    try (Stream<Path> files = Files.walk(root)) {
      second = files.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")
          && !p.getFileName().toString().contains("~")).sorted().skip(1).findFirst()
          .orElseThrow();
    }
    second.toFile().setWritable(true);
    byte[] b = Files.readAllBytes(second);
    byte[] original = b.clone();
    b[b.length / 2] ^= 0x5a;
    Files.write(second, b);
    try {
      TestHttp.Response r = http.raw(request(chainPath()));
      String body = new String(r.body(), StandardCharsets.ISO_8859_1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
      assertThat(body).as("lines were streamed before the failure").contains("\"seq\":1,")
          .doesNotContain("urn:hyrelog:problem").doesNotContain("\"code\":");
      assertThat(body).as("no last chunk: the body is visibly incomplete")
          .doesNotEndWith("\r\n0\r\n\r\n");

      String requestId = r.header("x-request-id");
      assertThat(requestId).isNotBlank();
      List<ILoggingEvent> lines = logsOf(requestId);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(lines.get(0).getThrowableProxy()).isNull();
      assertThat(lines.get(0).getFormattedMessage()).contains("aborting it");
    } finally {
      Files.write(second, original);
    }
  }

  @Test
  void clientGoesAwayMidDownload_oneInfoLineWithTheRequestId() throws Exception {
    String requestId;
    try (Socket s = new Socket("127.0.0.1", server.server().baseUrl().getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request(chainPath()));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(4096);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 200");
      int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("x-request-id:");
      requestId = text.substring(at + 13, text.indexOf("\r\n", at)).strip();
      s.setSoLinger(true, 0); // close with a reset, as a client that gives up does
    }
    List<ILoggingEvent> lines = List.of();
    for (int i = 0; i < 200 && lines.isEmpty(); i++) {
      Thread.sleep(50); // the server notices at its next write
      lines = logsOf(requestId);
    }
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getLevel()).isEqualTo(Level.INFO);
    assertThat(lines.get(0).getFormattedMessage()).contains("the client went away");
    assertThat(lines.get(0).getThrowableProxy()).isNull();
    synchronized (LOGS) {
      assertThat(LOGS.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    }
  }
}
