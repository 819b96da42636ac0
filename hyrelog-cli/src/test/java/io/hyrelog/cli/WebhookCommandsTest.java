package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventJson;
import io.hyrelog.testkit.StandardWebhooksReference;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSigner;
import io.hyrelog.webhook.WebhookVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify-webhook} on saved deliveries (files), and the webhook receiver over real HTTP
 * (the JDK's server on a free port, the JDK's client). Deliveries are signed by the library's
 * {@link WebhookSigner}, and once by the independent {@link StandardWebhooksReference}.
 */
class WebhookCommandsTest {
  @TempDir Path dir;

  private final CliFixtures f = new CliFixtures(9);
  private final List<AuditEvent> chain = f.chain(CliFixtures.WS);
  private final WebhookSecret secret = WebhookSecret.generate();
  private final long t = f.clock.instant().getEpochSecond();
  private final HttpClient client = HttpClient.newHttpClient();

  private Path file(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path headers(Map<String, String> h) throws Exception {
    return file("headers.txt", h.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining("\r\n", "POST /hooks HTTP/1.1\r\n", "\r\n"))
        .getBytes(StandardCharsets.UTF_8));
  }

  private HyrelogCliTest.Result verify(Path body, Path headers, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("verify-webhook", body.toString(),
        "--headers", headers.toString(), "--now", Long.toString(t)));
    args.addAll(List.of(more));
    return HyrelogCliTest.run(args.toArray(String[]::new));
  }

  @Test
  void verifyWebhook_savedDelivery_verifiedWithItsEvent() throws Exception {
    byte[] body = EventJson.toBytes(chain.get(0));
    Path h = headers(WebhookSigner.of(secret).headers("d-1", t, body));
    HyrelogCliTest.Result r = verify(file("body.json", body), h, "--secret", secret.reveal());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("verified: webhook-id d-1")
        .contains("event: chain " + CliFixtures.WS.workspaceId() + " seq 1 (hash verifies)");
  }

  @Test
  void verifyWebhook_signedByTheReferenceImplementation_verified() throws Exception {
    byte[] body = EventJson.toBytes(chain.get(1));
    String sig = StandardWebhooksReference.sign(secret.reveal(), "msg_2", Long.toString(t),
        body);
    HyrelogCliTest.Result r = HyrelogCliTest.run("verify-webhook",
        file("body.json", body).toString(), "--id", "msg_2", "--timestamp", Long.toString(t),
        "--signature", sig, "--secret", secret.reveal(), "--now", Instant.ofEpochSecond(t)
            .toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
  }

  @Test
  void verifyWebhook_tamperedBodyOrWrongSecret_exitOneWithReason() throws Exception {
    byte[] body = EventJson.toBytes(chain.get(0));
    Path h = headers(WebhookSigner.of(secret).headers("d-1", t, body));
    byte[] changed = body.clone();
    changed[changed.length - 2] ^= 1;
    HyrelogCliTest.Result r = verify(file("changed.json", changed), h, "--secret",
        secret.reveal());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith("NOT verified: NO_MATCHING_SIGNATURE");
    HyrelogCliTest.Result wrong = verify(file("body.json", body), h, "--secret",
        WebhookSecret.generate().reveal());
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.out()).startsWith("NOT verified: NO_MATCHING_SIGNATURE");
  }

  @Test
  void verifyWebhook_oldDelivery_refusedUnlessTheToleranceCoversIt() throws Exception {
    byte[] body = EventJson.toBytes(chain.get(0));
    Path b = file("body.json", body);
    Path h = headers(WebhookSigner.of(secret).headers("d-1", t - 301, body));
    HyrelogCliTest.Result old = verify(b, h, "--secret", secret.reveal());
    assertThat(old.code()).isEqualTo(1);
    assertThat(old.out()).startsWith("NOT verified: TIMESTAMP_TOO_OLD");
    assertThat(verify(b, h, "--secret", secret.reveal(), "--tolerance", "10m").code()).isZero();
  }

  @Test
  void verifyWebhook_rotation_eitherSecretVerifiesBothSignatures() throws Exception {
    WebhookSecret old = WebhookSecret.generate();
    byte[] body = EventJson.toBytes(chain.get(0));
    Path b = file("body.json", body);
    Path h = headers(WebhookSigner.of(secret, List.of(old)).headers("d-1", t, body));
    assertThat(verify(b, h, "--secret", old.reveal()).code()).isZero();
    Path secrets = file("secrets.txt", (old.reveal() + "\n" + secret.reveal() + "\n")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(verify(b, h, "--secret-file", secrets.toString()).code()).isZero();
  }

  @Test
  void verifyWebhook_signedButChangedEvent_exitOne() throws Exception {
    String json = new String(EventJson.toBytes(chain.get(0)), StandardCharsets.UTF_8);
    byte[] body = json.replace("\"seq\":1,", "\"seq\":1 ,").replace("\"action\":\"",
        "\"action\":\"x").getBytes(StandardCharsets.UTF_8);
    Path h = headers(WebhookSigner.of(secret).headers("d-1", t, body));
    HyrelogCliTest.Result r = verify(file("body.json", body), h, "--secret", secret.reveal());
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("verified: webhook-id d-1").contains("does NOT hash");
  }

  @Test
  void verifyWebhook_badInput_exitTwoWithoutEchoingTheSecret() throws Exception {
    byte[] body = EventJson.toBytes(chain.get(0));
    Path b = file("body.json", body);
    Path h = headers(WebhookSigner.of(secret).headers("d-1", t, body));
    String almost = secret.reveal().substring(0, 30);
    HyrelogCliTest.Result bad = verify(b, h, "--secret", almost);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("secret 1").doesNotContain(almost.substring(6));
    assertThat(verify(b, h).code()).isEqualTo(2);
    assertThat(verify(dir.resolve("missing.json"), h, "--secret", secret.reveal()).code())
        .isEqualTo(2);
    assertThat(verify(b, file("h2.txt", "webhook-id d-1\n".getBytes(StandardCharsets.UTF_8)),
        "--secret", secret.reveal()).err()).contains("line 1");
    assertThat(verify(b, h, "--secret", secret.reveal(), "--now", "yesterday").code())
        .isEqualTo(2);
    assertThat(verify(b, h, "--secret", secret.reveal(), "--tolerance", "0").code())
        .isEqualTo(2);
  }

  private HttpResponse<String> post(int port, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/hooks")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void receiver_deliveries_printsSignatureAndChainLinkPerDelivery() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    WebhookVerifier verifier = WebhookVerifier.builder().secret(secret).build();
    WebhookSigner signer = WebhookSigner.of(secret);
    try (WebhookReceiverServer server = WebhookReceiverServer.start(verifier, "127.0.0.1", 0,
        out)) {
      int port = server.port();
      long now = Instant.now().getEpochSecond();
      int[] order = {0, 1, 1, 3};
      String[] ids = {"d-1", "d-2", "d-2", "d-4"};
      for (int i = 0; i < order.length; i++) {
        byte[] body = EventJson.toBytes(chain.get(order[i]));
        assertThat(post(port, signer.headers(ids[i], now, body), body).statusCode())
            .isEqualTo(204);
      }
      byte[] body = EventJson.toBytes(chain.get(4));
      Map<String, String> forged = WebhookSigner.of(WebhookSecret.generate())
          .headers("d-5", now, body);
      HttpResponse<String> refused = post(port, forged, body);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("NO_MATCHING_SIGNATURE");
      assertThat(post(port, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)).statusCode())
          .isEqualTo(400);
      assertThat(post(port, Map.of(), new byte[WebhookReceiverServer.MAX_BODY + 1])
          .statusCode()).isEqualTo(413);
      assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(405);
    }
    String ws = CliFixtures.WS.workspaceId().toString();
    assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "d-1 seq 1 chain " + ws + " signature OK link OK (first event of its chain)",
        "d-2 seq 2 chain " + ws + " signature OK link OK (follows seq 1)",
        "d-2 seq 2 chain " + ws + " signature OK link OLD (seq 2 was seen already)"
            + " (a repeat of a delivery already seen)",
        "d-4 seq 4 chain " + ws + " signature OK link GAP (seqs 3..3 not seen yet)",
        "d-5 seq 5 chain " + ws + " signature FAILED NO_MATCHING_SIGNATURE",
        "(no webhook-id) (not an event) signature FAILED MISSING_HEADER",
        "refused a request: body over " + WebhookReceiverServer.MAX_BODY + " bytes");
  }

  @Test
  void receiver_brokenLink_reported() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    WebhookVerifier verifier = WebhookVerifier.builder().secret(secret).build();
    WebhookSigner signer = WebhookSigner.of(secret);
    List<AuditEvent> other = f.chain(CliFixtures.WS2);
    try (WebhookReceiverServer server = WebhookReceiverServer.start(verifier, "127.0.0.1", 0,
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      long now = Instant.now().getEpochSecond();
      byte[] first = EventJson.toBytes(chain.get(0));
      post(server.port(), signer.headers("a", now, first), first);
      // Seq 2 of another chain, re-labelled as this chain's: its prevHash does not link.
      String json = new String(EventJson.toBytes(other.get(1)), StandardCharsets.UTF_8)
          .replace(CliFixtures.WS2.workspaceId().toString(), CliFixtures.WS.workspaceId()
              .toString());
      byte[] second = json.getBytes(StandardCharsets.UTF_8);
      post(server.port(), signer.headers("b", now, second), second);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("link BROKEN (prevHash is not the hash of seq 1) hash BAD");
  }

  @Test
  void receiverCommand_badOptions_exitTwo() {
    assertThat(HyrelogCliTest.run("webhook-receiver", "--port", "70000", "--secret",
        secret.reveal()).code()).isEqualTo(2);
    assertThat(HyrelogCliTest.run("webhook-receiver", "--port", "0").err())
        .contains("--secret");
    assertThat(HyrelogCliTest.run("webhook-receiver", "--port", "0", "--secret", "whsec_x")
        .code()).isEqualTo(2);
  }
}
