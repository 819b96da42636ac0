package io.hyrelog.archive.s3;

import io.hyrelog.archive.ArchiveStoreException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.spi.RestoreState.Phase;
import io.hyrelog.testkit.ArchiveStoreContract;
import io.hyrelog.testkit.SeededContent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Runs the {@link ArchiveStoreContract} against a real S3-protocol server (S3Proxy in this JVM,
 * or the external endpoint of {@code HYRELOG_TEST_S3_*}, see {@link S3TestServer}), and checks
 * what the store sends: encryption headers, the SHA-256 metadata and checksums, the multipart
 * path, the abort of a failed multipart upload.
 *
 * <p>S3Proxy has no cold tier (RestoreObject is not implemented), so the mapping of the {@code
 * x-amz-restore} header and storage classes to {@link RestoreState} is tested on recorded header
 * values in {@link S3RestoreStatusTest}; here only the readable case is checked end to end.
 */
class S3ArchiveStoreIT extends ArchiveStoreContract {
  private static S3TestServer server;
  private static S3Client admin;

  private final Recorder recorder = new Recorder();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private S3Client recordingClient;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    admin = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected ArchiveStore createStore() {
    return newStore(server.freshConfig(admin).build());
  }

  private S3ArchiveStore newStore(S3ArchiveConfig config) {
    if (recordingClient == null) {
      recordingClient = server.client(recorder);
      toClose.add(recordingClient);
    }
    return S3ArchiveStore.builder(config).client(recordingClient).build();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private S3ArchiveStore s3Store() {
    return (S3ArchiveStore) store;
  }

  private HeadObjectResponse rawHead(S3ArchiveStore s, String key) {
    return admin.headObject(b -> b.bucket(s.config().bucket()).key(s.config().keyPrefix() + key));
  }

  @Test
  void put_smallObject_onePutObjectWithSha256MetadataChecksumAndNoOverwriteCondition() {
    recorder.clear();
    ArchiveObject o = put("small/one", "small content");

    List<Recorder.Call> puts = recorder.calls("PutObjectRequest");
    assertThat(puts).hasSize(1);
    Map<String, List<String>> headers = puts.get(0).headers;
    assertThat(headers.get("If-None-Match")).containsExactly("*");
    assertThat(headers.get("x-amz-meta-sha256")).containsExactly(o.sha256().hex());
    assertThat(headers.get("x-amz-checksum-sha256")).containsExactly(
        java.util.Base64.getEncoder().encodeToString(o.sha256().bytes()));
    assertThat(headers).doesNotContainKey("x-amz-server-side-encryption");
    assertThat(recorder.calls("CreateMultipartUploadRequest")).isEmpty();

    assertThat(rawHead(s3Store(), "small/one").metadata())
        .containsEntry("sha256", o.sha256().hex());
  }

  @Test
  void put_largerThanPartSize_usesMultipartAndRoundTrips() throws Exception {
    SeededContent content = new SeededContent(99, 2 * S3ArchiveConfig.MIN_PART_SIZE + 1);
    S3ArchiveStore small = newStore(server.freshConfig(admin)
        .partSize(S3ArchiveConfig.MIN_PART_SIZE).build());
    recorder.clear();

    ArchiveObject o = small.put("multi/part", content.stream());

    assertThat(recorder.calls("PutObjectRequest")).isEmpty();
    assertThat(recorder.calls("CreateMultipartUploadRequest")).hasSize(1);
    assertThat(recorder.calls("UploadPartRequest")).hasSize(3);
    List<Recorder.Call> complete = recorder.calls("CompleteMultipartUploadRequest");
    assertThat(complete).hasSize(1);
    assertThat(complete.get(0).headers.get("If-None-Match")).containsExactly("*");
    assertThat(recorder.calls("CreateMultipartUploadRequest").get(0).headers
        .get("x-amz-meta-sha256")).containsExactly(content.sha256().hex());
    assertThat(o.sha256()).isEqualTo(content.sha256());
    assertThat(small.head("multi/part")).contains(o);
    try (var in = small.open("multi/part")) {
      assertThat(SeededContent.sha256(in)).isEqualTo(content.sha256());
    }
  }

  @Test
  void put_multipartFailingMidway_abortsTheUploadAndLeavesNoObject() {
    S3ArchiveStore small = newStore(server.freshConfig(admin)
        .partSize(S3ArchiveConfig.MIN_PART_SIZE).build());
    recorder.failOn("UploadPartRequest", 2);
    SeededContent content = new SeededContent(5, 3 * S3ArchiveConfig.MIN_PART_SIZE);

    assertThatThrownBy(() -> small.put("multi/fails", content.stream()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("s3://" + small.config().bucket());

    assertThat(recorder.calls("AbortMultipartUploadRequest")).hasSize(1);
    assertThat(small.head("multi/fails")).isEmpty();
    assertThat(admin.listMultipartUploads(b -> b.bucket(small.config().bucket())
        .prefix(small.config().keyPrefix())).uploads()).isEmpty();
    recorder.failOn(null, 0);
    assertThat(small.put("multi/fails", content.stream()).sha256()).isEqualTo(content.sha256());
  }

  /**
   * Another writer (another process, say) stores the key after this store's HEAD pre-check and
   * before its PutObject: the conditional write ({@code If-None-Match: *}) is refused with 412,
   * reported as {@link ArchiveObjectExistsException} naming the other writer's object, whose
   * bytes stay.
   */
  @Test
  void put_otherWriterStoresKeyJustBeforeUpload_conditionalWriteRefusedAsExists()
      throws Exception {
    S3ArchiveStore other = newStore(s3Store().config());
    ArchiveObject[] theirs = new ArchiveObject[1];
    recorder.beforeNext("PutObjectRequest", () -> theirs[0] = other.put("race/x", bytes("theirs")));

    assertThatThrownBy(() -> put("race/x", "ours, and longer"))
        .isInstanceOf(ArchiveObjectExistsException.class)
        .satisfies(e -> assertThat(((ArchiveObjectExistsException) e).existing())
            .isEqualTo(theirs[0]));

    assertThat(storedSha256("race/x")).isEqualTo(theirs[0].sha256());
    assertThat(recorder.calls("PutObjectRequest")).hasSize(2);
  }

  /**
   * The same on the multipart path: the other writer stores the key after this store's last
   * HEAD and before its CompleteMultipartUpload. Real S3 refuses the completion (412) and the
   * put reports {@link ArchiveObjectExistsException}. The in-process S3Proxy (3.3.0) ignores
   * {@code If-None-Match} on CompleteMultipartUpload: there the completion replaces the other
   * writer's object, which this test records as the known gap of that server (the README says
   * so), while checking that the condition was sent.
   */
  @Test
  void put_otherWriterStoresKeyBeforeMultipartCompletes_existsOnServersWithConditionalWrites()
      throws Exception {
    S3ArchiveStore small = newStore(server.freshConfig(admin)
        .partSize(S3ArchiveConfig.MIN_PART_SIZE).build());
    S3ArchiveStore other = newStore(small.config());
    ArchiveObject[] theirs = new ArchiveObject[1];
    recorder.beforeNext("CompleteMultipartUploadRequest",
        () -> theirs[0] = other.put("race/multi", bytes("theirs")));
    SeededContent content = new SeededContent(3, S3ArchiveConfig.MIN_PART_SIZE + 10);

    if (server.isInProcess()) {
      ArchiveObject ours = small.put("race/multi", content.stream());
      assertThat(theirs[0]).isNotNull();
      assertThat(ours.sha256()).isEqualTo(content.sha256());
      assertThat(recorder.calls("CompleteMultipartUploadRequest").get(0).headers
          .get("If-None-Match")).containsExactly("*");
    } else {
      assertThatThrownBy(() -> small.put("race/multi", content.stream()))
          .isInstanceOf(ArchiveObjectExistsException.class);
      try (var in = small.open("race/multi")) {
        assertThat(SeededContent.sha256(in)).isEqualTo(theirs[0].sha256());
      }
    }
    assertThat(admin.listMultipartUploads(b -> b.bucket(small.config().bucket())
        .prefix(small.config().keyPrefix())).uploads()).isEmpty();
  }

  @Test
  void put_withSseS3_sendsAes256Header() {
    S3ArchiveStore encrypted = newStore(server.freshConfig(admin).sseS3().build());
    recorder.clear();

    encrypted.put("sse/one", bytes("secret-ish"));

    assertThat(recorder.calls("PutObjectRequest").get(0).headers
        .get("x-amz-server-side-encryption")).containsExactly("AES256");
    // S3Proxy accepts the header but does not echo it on HEAD (AWS does); assert only when the
    // server reports an encryption at all.
    HeadObjectResponse h = rawHead(encrypted, "sse/one");
    if (h.serverSideEncryption() != null) {
      assertThat(h.serverSideEncryptionAsString()).isEqualTo("AES256");
    }
  }

  @Test
  void put_withSseKmsAndStorageClass_sendsThoseHeaders() {
    S3ArchiveStore kms = newStore(server.freshConfig(admin).sseKms("alias/hyrelog-test")
        .storageClass(StorageClass.STANDARD_IA).build());
    recorder.clear();

    try {
      kms.put("sse/kms", bytes("x"));
    } catch (UncheckedIOException e) {
      // A server without KMS may refuse; what matters here is what was sent.
    }

    Map<String, List<String>> headers = recorder.calls("PutObjectRequest").get(0).headers;
    assertThat(headers.get("x-amz-server-side-encryption")).containsExactly("aws:kms");
    assertThat(headers.get("x-amz-server-side-encryption-aws-kms-key-id"))
        .containsExactly("alias/hyrelog-test");
    assertThat(headers.get("x-amz-storage-class")).containsExactly("STANDARD_IA");
  }

  @Test
  void restoreState_objectInStandardClass_isReadable() {
    put("warm/seg", "x");
    assertThat(store.restoreState("warm/seg")).isEqualTo(RestoreState.of(Phase.READABLE));
  }

  @Test
  void head_objectWithoutSha256Metadata_isReportedNotGuessed() {
    admin.putObject(b -> b.bucket(s3Store().config().bucket())
            .key(s3Store().config().keyPrefix() + "foreign/obj"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("not ours"));

    assertThatThrownBy(() -> store.head("foreign/obj"))
        .isInstanceOf(ArchiveStoreException.class)
        .hasMessageContaining("x-amz-meta-sha256");
  }

  /** Records each request's type and HTTP headers; can fail the n-th request of a type. */
  static final class Recorder implements ExecutionInterceptor {
    record Call(String request, Map<String, List<String>> headers) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile String failType;
    private volatile int failNth;
    private volatile String actionType;
    private volatile Runnable action;

    /** Runs {@code r} once, just before the next request of the type is sent. */
    void beforeNext(String requestType, Runnable r) {
      actionType = requestType;
      action = r;
    }

    void clear() {
      calls.clear();
    }

    void failOn(String requestType, int nth) {
      failType = requestType;
      failNth = nth;
    }

    List<Call> calls(String requestType) {
      synchronized (calls) {
        return calls.stream().filter(c -> c.request.equals(requestType)).toList();
      }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context,
        ExecutionAttributes executionAttributes) {
      String type = context.request().getClass().getSimpleName();
      calls.add(new Call(type, context.httpRequest().headers()));
      Runnable r = action;
      if (r != null && type.equals(actionType)) {
        action = null;
        r.run();
      }
      if (type.equals(failType) && calls(type).size() >= failNth) {
        throw SdkClientException.create("injected failure of " + type + " #" + failNth);
      }
    }
  }
}
