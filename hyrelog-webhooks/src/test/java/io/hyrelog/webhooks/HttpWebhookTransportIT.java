package io.hyrelog.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.webhook.WebhookResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport against real receivers: the JDK's HTTP and HTTPS servers on loopback, reached
 * with private networks allowed (or refused without).
 */
class HttpWebhookTransportIT {
  private static final byte[] BODY = "{\"id\":\"evt_1\",\"seq\":7}".getBytes(StandardCharsets.UTF_8);
  private static final OutboundPolicy PRIVATE_OK =
      OutboundPolicy.builder().allowPrivateNetworks(true).build();

  private final CountDownLatch release = new CountDownLatch(1);
  private Receiver receiver;
  private HttpWebhookTransport transport;

  @BeforeEach
  void start() throws IOException {
    receiver = Receiver.http();
    transport = HttpWebhookTransport.builder(PRIVATE_OK).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    transport.close();
    receiver.close();
  }

  @Test
  void post_receiverAnswers2xx_sendsBodyHeadersAndUserAgentOnly() {
    receiver.on("/hook", ex -> Receiver.answer(ex, 204, ""));
    WebhookResponse r = transport.post(receiver.url("http", "127.0.0.1", "/hook"),
        Map.of("webhook-id", "msg_1", "webhook-timestamp", "1700000000"), BODY);

    assertThat(r.succeeded()).isTrue();
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.errorClass()).isEmpty();
    Receiver.Request req = receiver.requests.get(0);
    assertThat(req.method()).isEqualTo("POST");
    assertThat(req.body()).isEqualTo(BODY);
    assertThat(req.header("content-type")).startsWith("application/json");
    assertThat(req.header("user-agent")).isEqualTo(transport.userAgent())
        .matches("HyReLog-Webhooks/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(req.header("webhook-id")).isEqualTo("msg_1");
    assertThat(req.headers()).doesNotContainKeys("cookie", "authorization", "expect");
  }

  @Test
  void post_receiverAnswers500_recordsStatusAndExcerpt() {
    receiver.on("/hook", ex -> Receiver.answer(ex, 500, "database down"));
    WebhookResponse r = transport.post(receiver.url("http", "localhost", "/hook"), Map.of(),
        BODY);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.excerpt()).isEqualTo("database down");
  }

  @Test
  void post_loopbackWithoutPrivateNetworks_refusedAndNothingSent() throws IOException {
    try (HttpWebhookTransport strict = HttpWebhookTransport.builder(OutboundPolicy.strict())
        .build()) {
      for (URI url : List.of(receiver.url("https", "127.0.0.1", "/hook"),
          receiver.url("https", "[::1]", "/hook"), receiver.url("https", "localhost", "/hook"),
          receiver.url("http", "127.0.0.1", "/hook"),
          receiver.url("https", "2130706433", "/hook"))) {
        WebhookResponse r = strict.post(url, Map.of(), BODY);
        assertThat(r.statusCode()).as(url.toString()).isZero();
        assertThat(r.errorClass()).as(url.toString()).isEqualTo("ADDRESS_REFUSED");
      }
    }
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void post_nameResolvingToLoopbackWithoutPrivateNetworks_refusedAndNothingSent() {
    // Real DNS cannot be controlled here: a test resolver answers loopback for a public name.
    OutboundPolicy policy = OutboundPolicy.builder()
        .hostLookup(host -> List.of(InetAddress.getLoopbackAddress())).build();
    try (HttpWebhookTransport strict = HttpWebhookTransport.builder(policy).build()) {
      WebhookResponse r = strict.post(receiver.url("https", "hooks.example.com", "/hook"),
          Map.of(), BODY);
      assertThat(r.errorClass()).isEqualTo("ADDRESS_REFUSED");
    }
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void post_redirect302_notFollowed() {
    receiver.on("/hook", ex -> {
      ex.getResponseHeaders().add("Location", "/internal-admin");
      Receiver.answer(ex, 302, "moved");
    });
    WebhookResponse r = transport.post(receiver.url("http", "127.0.0.1", "/hook"), Map.of(),
        BODY);
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.succeeded()).isFalse();
    assertThat(receiver.count("/internal-admin")).isZero();
  }

  @Test
  void post_receiverSetsCookie_cookieNeverSentBack() {
    receiver.on("/hook", ex -> {
      ex.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
      Receiver.answer(ex, 200, "ok");
    });
    URI url = receiver.url("http", "127.0.0.1", "/hook");
    transport.post(url, Map.of(), BODY);
    transport.post(url, Map.of(), BODY);
    assertThat(receiver.requests).hasSize(2);
    assertThat(receiver.requests.get(1).headers()).doesNotContainKey("cookie");
  }

  @Test
  void post_receiverNeverAnswers_timeoutAtTheDeadline() throws IOException {
    receiver.on("/slow", ex -> {
      awaitRelease();
      Receiver.answer(ex, 200, "too late");
    });
    try (HttpWebhookTransport quick = HttpWebhookTransport.builder(PRIVATE_OK)
        .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(1)).build()) {
      WebhookResponse r = quick.post(receiver.url("http", "127.0.0.1", "/slow"), Map.of(), BODY);
      assertThat(r.statusCode()).isZero();
      assertThat(r.errorClass()).isEqualTo("TIMEOUT");
    }
  }

  @Test
  void post_receiverTricklesBytes_cutByTheWholeRequestDeadline() throws IOException {
    // A byte every 50 ms never trips a per-read timeout; only the deadline ends the exchange.
    receiver.on("/trickle", ex -> {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        while (!release.await(50, TimeUnit.MILLISECONDS)) {
          out.write('x');
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the transport hung up: expected
      }
    });
    try (HttpWebhookTransport quick = HttpWebhookTransport.builder(PRIVATE_OK)
        .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(1)).build()) {
      WebhookResponse r = quick.post(receiver.url("http", "127.0.0.1", "/trickle"), Map.of(),
          BODY);
      assertThat(r.errorClass()).isEqualTo("TIMEOUT");
    }
  }

  @Test
  void post_endlessBody_excerptBoundedAndConnectionDiscardedNotDrained() throws Exception {
    long cap = 1L << 30;
    CompletableFuture<Long> written = new CompletableFuture<>();
    receiver.on("/huge", ex -> {
      ex.sendResponseHeaders(500, 0);
      byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
      long total = 0;
      try (OutputStream out = ex.getResponseBody()) {
        while (total < cap) {
          out.write(chunk);
          total += chunk.length;
        }
        written.complete(-total); // negative: the client read everything up to the cap
      } catch (IOException e) {
        written.complete(total); // the client closed the connection
      }
    });
    WebhookResponse r = transport.post(receiver.url("http", "127.0.0.1", "/huge"), Map.of(),
        BODY);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.excerpt()).hasSize(WebhookResponse.MAX_EXCERPT).startsWith("0123456789abcdef");
    long total = written.get(60, TimeUnit.SECONDS);
    assertThat(total).as("bytes the receiver wrote before the connection closed")
        .isPositive().isLessThan(cap);
  }

  @Test
  void post_multiByteBodyCutAtTheLimit_noBrokenCharacter() {
    receiver.on("/utf8", ex -> Receiver.answer(ex, 400, "a" + "é".repeat(1000)));
    WebhookResponse r = transport.post(receiver.url("http", "127.0.0.1", "/utf8"), Map.of(),
        BODY);
    assertThat(r.excerpt()).startsWith("aé").doesNotContain("\uFFFD").hasSize(512);
  }

  @Test
  void post_closedPort_connectionError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    WebhookResponse r = transport.post(URI.create("http://127.0.0.1:" + port + "/hook"),
        Map.of(), BODY);
    assertThat(r.statusCode()).isZero();
    assertThat(r.errorClass()).isEqualTo("CONNECTION");
  }

  @Test
  void post_unresolvableName_dns() {
    OutboundPolicy policy = OutboundPolicy.builder().hostLookup(host -> {
      throw new UnknownHostException(host);
    }).build();
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(policy).build()) {
      WebhookResponse r = t.post(URI.create("https://nx.example.com/hook"), Map.of(), BODY);
      assertThat(r.errorClass()).isEqualTo("DNS");
    }
  }

  /**
   * DNS rebinding: the name first answers a public address, then loopback. Real DNS cannot be
   * controlled here, so a test resolver plays the name's answers, and a connect hook stands in
   * for the internet (it records the address and refuses to really connect to anything but
   * loopback). A transport that checked one answer and connected by resolving again would reach
   * the loopback receiver.
   */
  @Test
  void post_dnsRebinding_connectsOnlyToTheCheckedAddresses() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    InetAddress publicAddress = InetAddress.getByName("93.184.216.34");
    OutboundPolicy policy = OutboundPolicy.builder().hostLookup(host -> List.of(
        lookups.getAndIncrement() == 0 ? publicAddress : InetAddress.getLoopbackAddress()))
        .build();
    List<InetAddress> connects = new CopyOnWriteArrayList<>();
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(policy)
        .connectHook(address -> {
          connects.add(address.getAddress());
          if (!address.getAddress().isLoopbackAddress()) {
            throw new IOException("test: no connection leaves this machine");
          }
        }).build()) {
      URI url = URI.create("https://rebind.example.com:" + receiver.port() + "/hook");

      WebhookResponse first = t.post(url, Map.of(), BODY);
      assertThat(first.errorClass()).isEqualTo("CONNECTION");
      assertThat(lookups).hasValue(1);
      assertThat(connects).containsExactly(publicAddress);

      WebhookResponse second = t.post(url, Map.of(), BODY);
      assertThat(second.errorClass()).isEqualTo("ADDRESS_REFUSED");
      assertThat(connects).containsExactly(publicAddress);
    }
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void post_resolverBypassingThePolicy_socketCheckRefusesTheAddress() {
    DnsResolver rogue = new DnsResolver() {
      @Override
      public InetAddress[] resolve(String host) {
        return new InetAddress[] {InetAddress.getLoopbackAddress()};
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
    try (HttpWebhookTransport t = HttpWebhookTransport.builder(OutboundPolicy.strict())
        .dnsResolverBypassingPolicy(rogue).build()) {
      WebhookResponse r = t.post(
          URI.create("https://hooks.example.com:" + receiver.port() + "/hook"), Map.of(), BODY);
      assertThat(r.errorClass()).isEqualTo("ADDRESS_REFUSED");
    }
    assertThat(receiver.requests).isEmpty();
  }

  @Test
  void post_https_trustedSelfSignedReceiverAnswers_untrustedIsTls(@TempDir Path dir)
      throws Exception {
    KeyStore keys = selfSigned(dir);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    try (Receiver tls = Receiver.https(serverTls);
        HttpWebhookTransport trusting = HttpWebhookTransport.builder(PRIVATE_OK)
            .sslContext(clientTls).build()) {
      tls.on("/hook", ex -> Receiver.answer(ex, 200, "secure"));
      WebhookResponse ok = trusting.post(tls.url("https", "127.0.0.1", "/hook"), Map.of(), BODY);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.excerpt()).isEqualTo("secure");

      // The certificate names 127.0.0.1 only: another name for the same address fails.
      WebhookResponse wrongName = trusting.post(tls.url("https", "localhost", "/hook"),
          Map.of(), BODY);
      assertThat(wrongName.errorClass()).isEqualTo("TLS");

      WebhookResponse untrusted = transport.post(tls.url("https", "127.0.0.1", "/hook"),
          Map.of(), BODY);
      assertThat(untrusted.statusCode()).isZero();
      assertThat(untrusted.errorClass()).isEqualTo("TLS");
      assertThat(tls.requests).hasSize(1);
    }
  }

  @Test
  void post_afterClose_illegalState() {
    transport.close();
    URI url = receiver.url("http", "127.0.0.1", "/hook");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.post(url, Map.of(), BODY))
        .isInstanceOf(IllegalStateException.class);
  }

  private void awaitRelease() {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A self-signed EC certificate for 127.0.0.1, made by the JDK's keytool. */
  private static KeyStore selfSigned(Path dir) throws Exception {
    Path store = dir.resolve("receiver.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "receiver",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    return ks;
  }
}
