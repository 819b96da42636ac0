package io.hyrelog.webhooks;

import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusal;
import io.hyrelog.net.OutboundRefusedException;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WebhookTransport} on Apache HttpClient 5, safe to point at URLs that tenants
 * choose (SSRF). Each {@link #post} checks the URL with the {@link OutboundPolicy}; the host is
 * resolved only through {@link OutboundPolicy#resolve(String)} and the connection is made to
 * exactly the addresses it checked (a DNS rebinding between check and connect cannot redirect
 * it); the socket checks the address it connects to once more. Redirects are not followed,
 * cookies are neither kept nor sent, no credentials or proxies are used, no response is
 * decompressed, and at most {@value WebhookResponse#MAX_EXCERPT} bytes of an answer are read: a
 * longer body is not drained, its connection is closed.
 *
 * <p>Each post has a connect timeout (default 5 s) and a deadline for the whole exchange,
 * connection to last byte read (default 15 s), which also cuts a receiver trickling bytes.
 * Connections are pooled (default 64 in all, 8 per host) and live at most a minute, so a changed
 * DNS answer is picked up.
 *
 * <p>Thread-safe. {@link #post} never throws for what the target does: a refusal, DNS, connect,
 * TLS or timeout failure is a {@link WebhookResponse} with status 0 and an error class ({@code
 * ADDRESS_REFUSED}, {@code DNS}, {@code CONNECT_TIMEOUT}, {@code TIMEOUT}, {@code TLS}, {@code
 * CONNECTION}). Close the transport to release its connections and its deadline thread.
 */
public final class HttpWebhookTransport implements WebhookTransport, AutoCloseable {
  /** The default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** The default deadline of a whole exchange, from connection to the last byte read. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** The default size of the connection pool. */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  /** The default number of pooled connections to one host. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 8;

  /** Error class: the policy refused the URL, the host or an address it resolves to. */
  public static final String ADDRESS_REFUSED = "ADDRESS_REFUSED";
  /** Error class: the host name did not resolve. */
  public static final String DNS = "DNS";
  /** Error class: no connection within the connect timeout. */
  public static final String CONNECT_TIMEOUT = "CONNECT_TIMEOUT";
  /** Error class: the exchange did not finish within the request deadline. */
  public static final String TIMEOUT = "TIMEOUT";
  /** Error class: the TLS handshake failed (untrusted certificate, wrong host name...). */
  public static final String TLS = "TLS";
  /** Error class: the connection was refused, reset or broke, or the answer was not HTTP. */
  public static final String CONNECTION = "CONNECTION";

  /** Headers the transport owns or never sends: a caller may not set them. */
  private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length",
      "content-type", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
      "upgrade", "expect", "proxy-connection", "user-agent", "cookie", "authorization",
      "proxy-authorization");

  /** Characters a header name (an RFC 9110 token) may not hold. */
  private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

  private static final int MAX_RESPONSE_HEADERS = 100;
  private static final int MAX_RESPONSE_LINE = 8192;
  private static final Duration CONNECTION_TIME_TO_LIVE = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(HttpWebhookTransport.class);

  private final OutboundPolicy policy;
  private final Duration requestTimeout;
  private final String userAgent;
  private final CloseableHttpClient client;
  private final ScheduledExecutorService deadlines;

  private HttpWebhookTransport(Builder b) {
    this.policy = b.policy;
    this.requestTimeout = b.requestTimeout;
    this.userAgent = "HyReLog-Webhooks/" + version();
    SSLContext ssl = b.sslContext != null ? b.sslContext : defaultSslContext();
    DnsResolver dns = b.dnsResolver != null ? b.dnsResolver : new PolicyDnsResolver(policy);
    DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
        new CheckedSocketFactory(policy, b.connectHook), DefaultSchemePortResolver.INSTANCE, dns,
        RegistryBuilder.<TlsSocketStrategy>create()
            .register("https", new DefaultClientTlsStrategy(ssl)).build());
    ManagedHttpClientConnectionFactory connections = ManagedHttpClientConnectionFactory.builder()
        .http1Config(Http1Config.custom().setMaxHeaderCount(MAX_RESPONSE_HEADERS)
            .setMaxLineLength(MAX_RESPONSE_LINE).build())
        .build();
    PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(operator,
        PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND,
        connections);
    pool.setMaxTotal(b.maxConnections);
    pool.setDefaultMaxPerRoute(b.maxConnectionsPerHost);
    pool.setDefaultConnectionConfig(ConnectionConfig.custom()
        .setConnectTimeout(timeout(b.connectTimeout))
        .setSocketTimeout(timeout(b.requestTimeout))
        .setTimeToLive(TimeValue.ofMilliseconds(CONNECTION_TIME_TO_LIVE.toMillis()))
        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
        .build());
    pool.setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(timeout(b.connectTimeout))
        .build());
    CredentialsProvider noCredentials = (authScope, context) -> null;
    this.client = HttpClients.custom()
        .setConnectionManager(pool)
        .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
        .setDefaultRequestConfig(RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setAuthenticationEnabled(false)
            .setExpectContinueEnabled(false)
            .setContentCompressionEnabled(false)
            .setProtocolUpgradeEnabled(false)
            .setConnectionRequestTimeout(timeout(b.requestTimeout))
            .setResponseTimeout(timeout(b.requestTimeout))
            .build())
        .setDefaultCredentialsProvider(noCredentials)
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableAutomaticRetries()
        .disableContentCompression()
        .setUserAgent(userAgent)
        .build();
    this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hyrelog-webhook-deadlines");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder with the default timeouts and pool sizes and the JDK's default TLS trust.
   *
   * @param policy the outbound policy every request is checked against
   * @return a new builder
   * @throws NullPointerException when {@code policy} is null
   */
  public static Builder builder(OutboundPolicy policy) {
    return new Builder(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * The User-Agent sent with every request: {@code HyReLog-Webhooks/<version>}.
   *
   * @return the User-Agent
   */
  public String userAgent() {
    return userAgent;
  }

  /**
   * Posts one delivery attempt. See the class comment for what is checked and bounded.
   *
   * @param url the endpoint's URL
   * @param headers the headers to send: names in lower case, values without control
   *     characters; {@code content-type}, {@code user-agent}, credentials and hop-by-hop
   *     headers are the transport's and refused
   * @param body the request body, sent as {@code application/json}
   * @return what happened; never null
   * @throws IllegalArgumentException when a header is not allowed (a programming error)
   * @throws IllegalStateException when the transport is closed
   */
  @Override
  public WebhookResponse post(URI url, Map<String, String> headers, byte[] body) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    headers.forEach(HttpWebhookTransport::checkHeader);
    if (deadlines.isShutdown()) {
      throw new IllegalStateException("the webhook transport is closed");
    }
    long start = System.nanoTime();
    URI target;
    try {
      target = policy.checkUrl(url);
    } catch (OutboundRefusedException e) {
      LOG.debug("webhook URL refused: {}", e.refusal());
      return failure(start, ADDRESS_REFUSED);
    }
    HttpPost request = new HttpPost(target);
    headers.forEach(request::addHeader);
    request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline = deadlines.schedule(() -> {
      expired.set(true);
      request.cancel();
    }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      ClassicHttpResponse response = client.executeOpen(null, request,
          HttpClientContext.create());
      int status;
      String excerpt;
      try {
        status = response.getCode();
        excerpt = excerpt(response.getEntity());
      } finally {
        closeQuietly(response);
      }
      if (expired.get()) {
        return failure(start, TIMEOUT);
      }
      if (status < 100 || status > 599) {
        return failure(start, CONNECTION);
      }
      return new WebhookResponse(status, elapsed(start), "", excerpt);
    } catch (IOException e) {
      String errorClass = expired.get() ? TIMEOUT : classify(e);
      LOG.debug("webhook post failed: {} ({})", errorClass, e.getClass().getSimpleName());
      return failure(start, errorClass);
    } catch (UncheckedIOException | IllegalStateException e) {
      // HttpClient reports a cancelled lease or a closed pool this way.
      if (deadlines.isShutdown()) {
        throw new IllegalStateException("the webhook transport is closed", e);
      }
      return failure(start, expired.get() ? TIMEOUT : CONNECTION);
    } finally {
      deadline.cancel(false);
    }
  }

  /** After an abort, closing reports the discarded connection: nothing left to do then. */
  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      LOG.trace("closing a discarded webhook response", e);
    }
  }

  /** Closes the pooled connections (immediately) and the deadline thread. */
  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
  }

  /**
   * Reads at most {@value WebhookResponse#MAX_EXCERPT} bytes of the body. A body that goes on is
   * not drained: its connection is discarded, so a receiver cannot hold the worker or fill its
   * memory with an endless answer.
   */
  private static String excerpt(HttpEntity entity) throws IOException {
    if (entity == null) {
      return "";
    }
    InputStream in = entity.getContent();
    if (in == null) {
      return "";
    }
    byte[] buf = new byte[WebhookResponse.MAX_EXCERPT];
    int n = 0;
    int r = 0;
    while (n < buf.length && (r = in.read(buf, n, buf.length - n)) >= 0) {
      n += r;
    }
    boolean atEnd = r < 0 || in.read() < 0;
    if (!atEnd) {
      if (in instanceof EofSensorInputStream eof) {
        eof.abort();
      } else {
        in.close();
      }
    }
    return new String(buf, 0, completeUtf8(buf, n), StandardCharsets.UTF_8);
  }

  /** The length without a UTF-8 sequence cut off at the end. */
  static int completeUtf8(byte[] b, int n) {
    int i = n - 1;
    int continuation = 0;
    while (i >= 0 && continuation < 3 && (b[i] & 0xc0) == 0x80) {
      i--;
      continuation++;
    }
    if (i < 0) {
      return n;
    }
    int lead = b[i] & 0xff;
    int needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
    return needed > continuation ? i : n;
  }

  private static String classify(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedTargetException refused) {
        return refused.refusal() == OutboundRefusal.UNRESOLVABLE_HOST ? DNS : ADDRESS_REFUSED;
      }
      if (t instanceof ConnectTimeoutException) {
        return CONNECT_TIMEOUT;
      }
      if (t instanceof SSLException) {
        return TLS;
      }
      if (t instanceof SocketTimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof UnknownHostException) {
        return DNS;
      }
    }
    return CONNECTION;
  }

  private static void checkHeader(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value of " + name);
    if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))
        || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && SEPARATORS.indexOf(c) < 0)) {
      throw new IllegalArgumentException("a header name must be a lower-case token, got '"
          + clip(name) + "'");
    }
    if (RESERVED_HEADERS.contains(name)) {
      throw new IllegalArgumentException("header '" + name + "' is the transport's or never sent");
    }
    if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
      throw new IllegalArgumentException("the value of header '" + name
          + "' holds a control character");
    }
  }

  private static WebhookResponse failure(long start, String errorClass) {
    return new WebhookResponse(0, elapsed(start), errorClass, "");
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(Math.max(0, System.nanoTime() - start));
  }

  private static Timeout timeout(Duration d) {
    return Timeout.ofMilliseconds(d.toMillis());
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = HttpWebhookTransport.class
        .getResourceAsStream("hyrelog-webhooks.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** Builds an {@link HttpWebhookTransport}; not thread-safe. */
  public static final class Builder {
    private final OutboundPolicy policy;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
    private SSLContext sslContext;
    private DnsResolver dnsResolver;
    private CheckedSocketFactory.ConnectHook connectHook = address -> { };

    private Builder(OutboundPolicy policy) {
      this.policy = policy;
    }

    /**
     * How long a connection may take to open (TCP, then the TLS handshake). Default 5 s.
     *
     * @param timeout 1 ms .. 10 min
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkDuration("connectTimeout", timeout);
      return this;
    }

    /**
     * The deadline of a whole exchange, from asking for a connection to reading the last byte
     * kept. Default 15 s.
     *
     * @param timeout 1 ms .. 10 min
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkDuration("requestTimeout", timeout);
      return this;
    }

    /**
     * How many connections the pool holds in all. Default 64.
     *
     * @param max 1..10,000
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxConnections(int max) {
      this.maxConnections = checkCount("maxConnections", max);
      return this;
    }

    /**
     * How many pooled connections one host (scheme, name, port) may hold. Default 8.
     *
     * @param max 1..10,000
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxConnectionsPerHost(int max) {
      this.maxConnectionsPerHost = checkCount("maxConnectionsPerHost", max);
      return this;
    }

    /**
     * The TLS context, for a trust store other than the JDK's default (tests trusting a
     * self-signed receiver, a private CA). Host names are verified either way.
     *
     * @param context the context
     * @return this builder
     * @throws NullPointerException when {@code context} is null
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /** Tests only: a resolver that bypasses the policy, to show the socket check holds. */
    Builder dnsResolverBypassingPolicy(DnsResolver resolver) {
      this.dnsResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Tests only: sees each address a socket is about to connect to (after its check). */
    Builder connectHook(CheckedSocketFactory.ConnectHook hook) {
      this.connectHook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Builds the transport.
     *
     * @return the transport
     * @throws IllegalArgumentException when the connect timeout exceeds the request deadline
     *     or the per-host pool exceeds the whole pool
     */
    public HttpWebhookTransport build() {
      if (connectTimeout.compareTo(requestTimeout) > 0) {
        throw new IllegalArgumentException("connectTimeout (" + connectTimeout.toMillis()
            + " ms) must not exceed requestTimeout (" + requestTimeout.toMillis() + " ms)");
      }
      if (maxConnectionsPerHost > maxConnections) {
        throw new IllegalArgumentException("maxConnectionsPerHost (" + maxConnectionsPerHost
            + ") must not exceed maxConnections (" + maxConnections + ")");
      }
      return new HttpWebhookTransport(this);
    }

    private static Duration checkDuration(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.toMillis() < 1 || d.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(name + " must be 1 ms .. 10 min, got " + d);
      }
      return d;
    }

    private static int checkCount(String name, int n) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException(name + " must be 1..10000, got " + n);
      }
      return n;
    }
  }
}
