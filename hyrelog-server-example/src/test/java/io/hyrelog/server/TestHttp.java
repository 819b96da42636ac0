package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small HTTP client for tests: the JDK client, and raw sockets for what it refuses to send. */
public final class TestHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  // One client (and connection pool) per server: a later server may get the port of one that
  // stopped, and a pooled connection to the stopped one would then fail its first request.
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * Asserts that {@code r} is an RFC 9457 problem: {@code status}, the problem media type,
   * {@code code} and, unless null, {@code field} as the first error's field.
   */
  public static void problem(Response r, int status, String code, String field) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().path("code").asText()).isEqualTo(code);
    if (field != null) {
      assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo(field);
    }
  }

  public TestHttp(URI base) {
    this.base = base;
  }

  /** A response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + text(), e);
      }
    }
  }

  public Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  public Response post(String path, String body, String... headers) {
    return send("POST", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /** Sends a request; {@code headers} are name, value pairs. */
  public Response send(String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, List<String>> h = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
      return new Response(r.statusCode(), h, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends raw bytes as one HTTP/1.1 request (for malformed requests the JDK client refuses to
   * build) and reads the response status line and body until the server closes.
   */
  public Response raw(byte[] request) {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, List<String>> h = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          h.put(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
              List.of(lines[i].substring(c + 1).strip()));
        }
      }
      byte[] body = end < 0 ? new byte[0]
          : text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
      return new Response(status, h, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
