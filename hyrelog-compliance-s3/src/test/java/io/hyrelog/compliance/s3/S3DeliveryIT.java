package io.hyrelog.compliance.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.archive.s3.S3TestServer;
import io.hyrelog.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/** Against a real S3-protocol server (S3Proxy in-process, or HYRELOG_TEST_S3_ENDPOINT). */
class S3DeliveryIT {
  static S3TestServer server;
  static final List<String> SENT = new CopyOnWriteArrayList<>();
  static S3Client client;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = S3TestServer.start();
    client = server.client(new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        var r = c.httpRequest();
        SENT.add(r.method() + " " + r.encodedPath() + " sse="
            + r.firstMatchingHeader("x-amz-server-side-encryption").orElse("-") + " kms="
            + r.firstMatchingHeader("x-amz-server-side-encryption-aws-kms-key-id").orElse("-"));
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  /** A file of {@code size} seeded pseudo-random bytes (an encrypted export stands in). */
  static Path seeded(Path file, long size, long seed) throws IOException {
    try (InputStream in = new SeededContent(seed, size).stream()) {
      Files.copy(in, file);
    }
    return file;
  }

  String bucket() {
    return server.freshConfig(client).build().bucket();
  }

  @Test
  void deliver_small_putsOneObjectWithSseS3() throws Exception {
    String bucket = bucket();
    Path f = seeded(tmp.resolve("f"), 1000, 1);
    SENT.clear();
    S3Delivery d = S3Delivery.builder(client, bucket).keyPrefix("hyrelog/").build();
    String where = d.deliver("compliance-exports/c1/t-audit_events.jsonl.enc.json", f);
    String key = "hyrelog/compliance-exports/c1/t-audit_events.jsonl.enc.json";
    assertThat(where).isEqualTo("s3://" + bucket + "/" + key);
    assertThat(client.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray())
        .isEqualTo(Files.readAllBytes(f));
    assertThat(SENT).anyMatch(s -> s.startsWith("PUT /" + bucket + "/" + key)
        && s.contains("sse=AES256"));
  }

  @Test
  void deliver_large_multipartWithSseKmsOnTheUpload() throws Exception {
    String bucket = bucket();
    int size = (5 << 20) * 2 + 12345;
    Path f = seeded(tmp.resolve("big"), size, 2);
    SENT.clear();
    S3Delivery d = S3Delivery.builder(client, bucket).sseKms("alias/hyrelog-exports")
        .partSize(5L << 20).build();
    d.deliver("c/big.jsonl.enc", f);
    assertThat(client.getObjectAsBytes(g -> g.bucket(bucket).key("c/big.jsonl.enc"))
        .asByteArray()).isEqualTo(Files.readAllBytes(f));
    // CreateMultipartUpload carries the encryption; three parts follow.
    assertThat(SENT).anyMatch(s -> s.startsWith("POST /" + bucket + "/c/big.jsonl.enc")
        && s.contains("sse=aws:kms kms=alias/hyrelog-exports"));
    assertThat(SENT.stream().filter(s -> s.startsWith("PUT /" + bucket + "/c/big.jsonl.enc")))
        .hasSize(3);
  }

  @Test
  void deliver_nameTaken_refusedAndTheFirstObjectKept() throws Exception {
    String bucket = bucket();
    Path first = seeded(tmp.resolve("first"), 1000, 3);
    Path second = seeded(tmp.resolve("second"), 1000, 4);
    S3Delivery d = S3Delivery.builder(client, bucket).build();
    d.deliver("c/export.enc", first);
    assertThatThrownBy(() -> d.deliver("c/export.enc", second))
        .isInstanceOf(IOException.class)
        .hasMessage("S3 target s3://" + bucket + "/c/export.enc already exists; it is not"
            + " overwritten");
    assertThat(client.getObjectAsBytes(g -> g.bucket(bucket).key("c/export.enc"))
        .asByteArray()).isEqualTo(Files.readAllBytes(first));
  }

  @Test
  void deliver_nameTakenDuringAMultipartUpload_abortsAndKeepsTheOtherObject() throws Exception {
    String bucket = bucket();
    Path big = seeded(tmp.resolve("big"), (5 << 20) + 100, 5);
    byte[] other = {1, 2, 3};
    // Another writer stores the name while our parts are uploading: the check before
    // CompleteMultipartUpload finds it (the in-process server ignores If-None-Match there).
    S3Client racing = server.client(new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        var r = c.httpRequest();
        if (r.rawQueryParameters().containsKey("partNumber")
            && r.rawQueryParameters().get("partNumber").contains("2")) {
          client.putObject(p -> p.bucket(bucket).key("c/big.enc"),
              software.amazon.awssdk.core.sync.RequestBody.fromBytes(other));
        }
      }
    });
    try (racing) {
      S3Delivery d = S3Delivery.builder(racing, bucket).partSize(5L << 20).build();
      assertThatThrownBy(() -> d.deliver("c/big.enc", big))
          .isInstanceOf(IOException.class).hasMessageContaining("already exists");
    }
    assertThat(client.getObjectAsBytes(g -> g.bucket(bucket).key("c/big.enc")).asByteArray())
        .isEqualTo(other);
    assertThat(client.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void deliver_missingBucket_failsWithItsName() throws Exception {
    Path f = Files.write(tmp.resolve("f"), new byte[10]);
    S3Delivery d = S3Delivery.builder(client, "no-such-bucket-hyrelog").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.deliver("x.enc", f))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("S3 upload of x.enc to bucket no-such-bucket-hyrelog failed");
  }
}
