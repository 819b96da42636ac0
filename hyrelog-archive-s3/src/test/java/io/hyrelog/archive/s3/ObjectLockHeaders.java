package io.hyrelog.archive.s3;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records the Object Lock headers of every PUT that carries them, since the in-process S3
 * server does not enforce Object Lock: tests check what was sent. Give it to {@link
 * S3TestServer#client}, or name it in a test resource {@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}: the AWS SDK then attaches it
 * to every client it builds in that JVM, a server's own included. One record per object path,
 * shared by all instances.
 */
public final class ObjectLockHeaders implements ExecutionInterceptor {
  /** Request path ({@code /bucket/key}, path style) to {@code "<mode> <retain-until>"}. */
  private static final Map<String, String> SENT = new ConcurrentHashMap<>();

  /** What the last PUT of {@code /bucket/key} carried, if it had Object Lock headers. */
  public static Optional<String> sent(String bucket, String key) {
    return Optional.ofNullable(SENT.get("/" + bucket + "/" + key));
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
    SdkHttpRequest r = c.httpRequest();
    Optional<String> mode = r.firstMatchingHeader("x-amz-object-lock-mode");
    if (r.method() == SdkHttpMethod.PUT && mode.isPresent()) {
      SENT.put(r.encodedPath(), mode.get() + " "
          + r.firstMatchingHeader("x-amz-object-lock-retain-until-date").orElse("-"));
    }
  }
}
