package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests that Jetty rejects before routing still get problem+json, never HTML. */
class JettyErrorsIT {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
      "badEscapeInPath, GET /v1/%zz HTTP/1.1, 400",
      "nulInPath, GET /v1/a%00b HTTP/1.1, 400",
      "urlTooLong, GET /?q=LONG HTTP/1.1, 414",
      "notHttp, NONSENSE, 400"})
  void rejectedBeforeRouting_problemJson(String name, String line, int status) {
    String requestLine = line.replace("LONG", "x".repeat(20_000));
    TestHttp.Response r = server.http().raw((requestLine + "\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(r.status()).as(name).isEqualTo(status);
    assertThat(r.header("Content-Type")).as(name).startsWith("application/problem+json");
    assertThat(r.json().path("code").asText()).as(name).isEqualTo("VALIDATION_ERROR");
    assertThat(r.json().path("status").asInt()).as(name).isEqualTo(status);
  }
}
