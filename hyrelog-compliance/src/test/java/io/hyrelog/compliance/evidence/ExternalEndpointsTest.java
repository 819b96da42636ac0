package io.hyrelog.compliance.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The external endpoints against real JDK HTTP(S) servers in this JVM: an answer that drips
 * past the deadline, one that is too large, plain http refused, and TLS with a certificate
 * made here (BouncyCastle) and trusted through the client's SSLContext.
 */
class ExternalEndpointsTest {
  private static final UUID BUNDLE = UUID.fromString("0190f0f0-0000-7000-8000-0000000000e1");
  private static final byte[] KEY = new byte[32];
  private static final String WRAPPED = "{\"key_id\":\"kms-1\",\"wrapped_key\":\"d3JhcHBlZA==\"}";

  private HttpServer server;
  private final AtomicInteger served = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI start(HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", handler);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/kms/wrap");
  }

  private static ExternalEndpoints plainHttp(Duration timeout) {
    return ExternalEndpoints.builder().timeout(timeout).allowHttp(true)
        .token(Optional.of("t0ken-never-in-messages")).build();
  }

  @Test
  void wrapKey_answerDripsPastTheDeadline_failsAtTheDeadline() throws IOException {
    URI uri = start(ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0); // chunked: the headers come at once, the body drips
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 600; i++) {
          out.write(' ');
          out.flush();
          served.incrementAndGet();
          Thread.sleep(50);
        }
        out.write(WRAPPED.getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException | IOException e) {
        // the client gave up
      }
    });
    assertThatThrownBy(() -> plainHttp(Duration.ofMillis(800)).wrapKey(uri, BUNDLE, KEY))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("did not answer within 800 ms")
        .hasMessageNotContaining("t0ken");
    assertThat(served.get()).isLessThan(600); // it did not wait for the whole answer
  }

  @Test
  void wrapKey_answerLargerThan64KiB_failsWithoutReadingItAll() throws IOException {
    URI uri = start(ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        byte[] chunk = new byte[8192];
        for (int i = 0; i < 10_000; i++) { // 80 MB if read to the end
          out.write(chunk);
          served.incrementAndGet();
        }
      } catch (IOException e) {
        // the client stopped reading
      }
    });
    assertThatThrownBy(() -> plainHttp(Duration.ofSeconds(30)).wrapKey(uri, BUNDLE, KEY))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("answered more than 65536 bytes");
  }

  @Test
  void wrapKey_smallAnswerInTime_isTheWrappedKey() throws IOException {
    URI uri = start(ExternalEndpointsTest::answerWrapped);
    KeyWrapper.WrappedKey k = plainHttp(Duration.ofSeconds(30)).wrapKey(uri, BUNDLE, KEY);
    assertThat(k.keyId()).isEqualTo("kms-1");
    assertThat(k.receipt()).isEqualTo(WRAPPED);
  }

  @Test
  void httpEndpoint_refusedUnlessAllowed() throws IOException {
    URI uri = start(ExternalEndpointsTest::answerWrapped);
    ExternalEndpoints strict = new ExternalEndpoints(Optional.empty(), Duration.ofSeconds(5));
    assertThatThrownBy(() -> strict.wrapKey(uri, BUNDLE, KEY))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("https://");
    assertThatThrownBy(() -> strict.uploadWorm(uri, BUNDLE, java.nio.file.Path.of("x"),
        io.hyrelog.Digest.ZERO)).isInstanceOf(EvidenceException.class)
        .hasMessageContaining("https://");
    assertThat(served.get()).isZero();
  }

  @Test
  void https_selfSignedCertificateTrustedByTheClient_wraps_otherwiseRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256, new SecureRandom());
    KeyPair pair = g.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=127.0.0.1");
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(60)),
            Date.from(now.plusSeconds(3600)), name, pair.getPublic())
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    char[] pw = "test".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", pair.getPrivate(), pw, new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.createContext("/", ExternalEndpointsTest::answerWrapped);
    https.start();
    server = https;
    URI uri = URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/kms/wrap");

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
    ExternalEndpoints trusting = ExternalEndpoints.builder().timeout(Duration.ofSeconds(30))
        .sslContext(clientTls).build();
    assertThat(trusting.wrapKey(uri, BUNDLE, KEY).keyId()).isEqualTo("kms-1");

    // The JDK's default trust store does not know the certificate: the call is refused.
    assertThatThrownBy(() -> new ExternalEndpoints(Optional.empty(), Duration.ofSeconds(30))
        .wrapKey(uri, BUNDLE, KEY)).isInstanceOf(EvidenceException.class)
        .hasMessageContaining("cannot be reached");
  }

  private static void answerWrapped(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] out = WRAPPED.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }
}
