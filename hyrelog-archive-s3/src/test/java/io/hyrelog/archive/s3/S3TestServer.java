package io.hyrelog.archive.s3;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3-protocol server the tests run against: S3Proxy (in-memory jclouds {@code transient}
 * backend) started inside the test JVM on a free loopback port, or an external endpoint when
 * {@code HYRELOG_TEST_S3_ENDPOINT} is set (with {@code HYRELOG_TEST_S3_ACCESS_KEY}, {@code
 * HYRELOG_TEST_S3_SECRET_KEY}, {@code HYRELOG_TEST_S3_BUCKET} and optionally {@code
 * HYRELOG_TEST_S3_REGION}); there every test writes under its own random key prefix. Shared
 * with other modules' tests through this module's test jar.
 */
public final class S3TestServer implements AutoCloseable {
  private static final String ACCESS_KEY = "hyrelog-test-access";
  private static final String SECRET_KEY = "hyrelog-test-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final String region;
  private final Optional<String> externalBucket;
  private final AtomicInteger buckets = new AtomicInteger();

  private S3TestServer(S3Proxy proxy, BlobStoreContext context, URI endpoint, String accessKey,
      String secretKey, String region, Optional<String> externalBucket) {
    this.proxy = proxy;
    this.context = context;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
    this.externalBucket = externalBucket;
  }

  public static S3TestServer start() throws Exception {
    String external = System.getenv("HYRELOG_TEST_S3_ENDPOINT");
    if (external != null && !external.isBlank()) {
      String bucket = requireEnv("HYRELOG_TEST_S3_BUCKET");
      String region = Optional.ofNullable(System.getenv("HYRELOG_TEST_S3_REGION"))
          .orElse("us-east-1");
      return new S3TestServer(null, null, URI.create(external),
          requireEnv("HYRELOG_TEST_S3_ACCESS_KEY"), requireEnv("HYRELOG_TEST_S3_SECRET_KEY"),
          region, Optional.of(bucket));
    }
    BlobStoreContext context = ContextBuilder.newBuilder("transient")
        .credentials("identity", "credential")
        .build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        // S3Proxy answers 501 to headers it does not know, among them the x-amz-checksum-*
        // headers that the store (and the SDK by default) sends; it does not verify them.
        .ignoreUnknownHeaders(true)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new S3TestServer(proxy, context, URI.create("http://127.0.0.1:" + proxy.getPort()),
        ACCESS_KEY, SECRET_KEY, "us-east-1", Optional.empty());
  }

  private static String requireEnv(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " must be set when HYRELOG_TEST_S3_ENDPOINT is");
    }
    return v;
  }

  public boolean isInProcess() {
    return proxy != null;
  }

  /**
   * A configuration on a fresh namespace: a new bucket on the in-process server, a new random
   * key prefix in the external bucket.
   */
  public S3ArchiveConfig.Builder freshConfig(S3Client admin) {
    String bucket;
    String prefix = "";
    if (externalBucket.isPresent()) {
      bucket = externalBucket.get();
      prefix = "hyrelog-it/" + UUID.randomUUID() + "/";
    } else {
      bucket = "hyrelog-it-" + buckets.incrementAndGet();
      admin.createBucket(b -> b.bucket(bucket));
    }
    return S3ArchiveConfig.builder(bucket)
        .region(region)
        .endpointOverride(endpoint)
        .pathStyleAccess(true)
        .staticCredentials(accessKey, secretKey)
        .keyPrefix(prefix);
  }

  /** A client on the server, with the given interceptors (to see what is sent). */
  public S3Client client(ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) {
      o.addExecutionInterceptor(i);
    }
    return S3Client.builder()
        .region(Region.of(region))
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(Apache5HttpClient.builder())
        .overrideConfiguration(o.build())
        .build();
  }

  @Override
  public void close() throws Exception {
    if (proxy != null) {
      proxy.stop();
      context.close();
    }
  }
}
