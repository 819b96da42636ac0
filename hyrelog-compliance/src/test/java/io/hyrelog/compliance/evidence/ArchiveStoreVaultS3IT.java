package io.hyrelog.compliance.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.Digest;
import io.hyrelog.archive.s3.ObjectLockHeaders;
import io.hyrelog.archive.s3.S3ArchiveConfig;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.archive.s3.S3TestServer;
import io.hyrelog.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * The S3 Object Lock vault: the vault over an {@link S3ArchiveStore} configured with Object Lock,
 * against a real S3-protocol server (S3Proxy in this JVM, or {@code HYRELOG_TEST_S3_ENDPOINT}).
 * S3Proxy does not enforce Object Lock (it neither keeps retention nor refuses deletes), so the
 * lock is checked as what the client sent: an AWS SDK {@code ExecutionInterceptor} on the
 * store's real S3 client ({@link ObjectLockHeaders}) records the {@code x-amz-object-lock-mode}
 * and {@code x-amz-object-lock-retain-until-date} headers of every PUT.
 */
class ArchiveStoreVaultS3IT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final UUID ID = UUID.fromString("0190f0f0-0000-7000-8000-0000000000cc");
  private static S3TestServer server;
  private static S3Client client;

  @TempDir
  Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  @BeforeAll
  static void start() throws Exception {
    server = S3TestServer.start();
    client = server.client(new ObjectLockHeaders());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void copy_s3ObjectLock_everyObjectSentWithTheLock_andTheLockFileRecordsIt() throws Exception {
    S3ArchiveConfig config = server.freshConfig(client).clock(clock)
        .objectLock(ObjectLockMode.COMPLIANCE, 3000).build();
    String uriPrefix = "s3://" + config.bucket() + "/" + config.keyPrefix();
    EvidenceVault vault = EvidenceVault.onStore(S3ArchiveStore.builder(config).client(client)
        .build()).keyPrefix("c1/").uriPrefix(uriPrefix).retention(Duration.ofDays(2555))
        .enforcedRetention("s3-object-lock COMPLIANCE", Duration.ofDays(3000)).build();
    EvidenceBundle b = new BundleFixture(4).write(tmp.resolve("out"), ID);

    EvidenceVault.Copy c = vault.copy(ID, List.of(b.packagePath(), b.signaturePath()),
        clock.instant());
    Path note = Files.writeString(tmp.resolve("note"), "countersign 1\n");
    EvidenceVault.Location added = vault.add(c.directory().path(), note, ID + ".countersign.1");

    String dirKey = config.keyPrefix() + "c1/2026/12/02/" + ID;
    assertThat(c.directory().uri()).isEqualTo("s3://" + config.bucket() + "/" + dirKey);
    assertThat(c.lockFile().uri()).isEqualTo(c.directory().uri() + "/worm.lock.json");
    assertThat(added.uri()).isEqualTo(c.directory().uri() + "/" + ID + ".countersign.1");
    String retainUntil = "2035-02-18T10:00:00Z"; // 3000 days after the clock
    assertThat(clock.instant().plus(Duration.ofDays(3000)).toString()).isEqualTo(retainUntil);
    for (String name : List.of(ID + ".zip", ID + ".sig", "worm.lock.json",
        ID + ".countersign.1")) {
      assertThat(ObjectLockHeaders.sent(config.bucket(), dirKey + "/" + name)).as(name)
          .contains("COMPLIANCE " + retainUntil);
    }
    byte[] zip = client.getObjectAsBytes(g -> g.bucket(config.bucket())
        .key(dirKey + "/" + ID + ".zip")).asByteArray();
    assertThat(zip).isEqualTo(Files.readAllBytes(b.packagePath()));
    JsonNode lock = MAPPER.readTree(client.getObjectAsBytes(g -> g.bucket(config.bucket())
        .key(dirKey + "/worm.lock.json")).asByteArray());
    assertThat(lock.path("mode").asText()).isEqualTo("s3-object-lock COMPLIANCE");
    assertThat(lock.path("locked_at").asText()).isEqualTo("2026-12-02T10:00:00Z");
    // What the lock promises, the bucket enforces for longer.
    assertThat(Instant.parse(lock.path("retain_until").asText()))
        .isEqualTo(clock.instant().plus(Duration.ofDays(2555)))
        .isBefore(Instant.parse(retainUntil));
    assertThat(lock.path("files").get(0).path("sha256").asText())
        .isEqualTo(Digest.sha256(zip).hex());
    assertThat(lock.path("files").get(0).path("size").asLong()).isEqualTo(zip.length);
    assertThat(client.getObjectAsBytes(g -> g.bucket(config.bucket())
        .key(dirKey + "/" + ID + ".countersign.1")).asUtf8String()).isEqualTo("countersign 1\n");
  }

  @Test
  void copy_sameBundleTwice_failsAndTheFirstStays() throws Exception {
    S3ArchiveConfig config = server.freshConfig(client).clock(clock)
        .objectLock(ObjectLockMode.GOVERNANCE, 30).build();
    EvidenceVault vault = EvidenceVault.onStore(S3ArchiveStore.builder(config).client(client)
        .build()).uriPrefix("s3://" + config.bucket() + "/" + config.keyPrefix())
        .retention(Duration.ofDays(30))
        .enforcedRetention("s3-object-lock GOVERNANCE", Duration.ofDays(30)).build();
    EvidenceBundle b = new BundleFixture(2).write(tmp.resolve("out"), ID);
    EvidenceVault.Copy c = vault.copy(ID, List.of(b.packagePath()), clock.instant());
    String lockKey = config.keyPrefix() + c.lockFile().path();
    byte[] lock = client.getObjectAsBytes(g -> g.bucket(config.bucket()).key(lockKey))
        .asByteArray();

    clock.advance(Duration.ofHours(1));
    assertThatThrownBy(() -> vault.copy(ID, List.of(b.packagePath()), clock.instant()))
        .isInstanceOf(EvidenceException.class).hasMessageContaining(c.directory().uri())
        .hasMessageContaining("never overwritten");
    Path note = Files.writeString(tmp.resolve("n"), "x");
    vault.add(c.directory().path(), note, "n.1");
    assertThatThrownBy(() -> vault.add(c.directory().path(), note, "n.1"))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("already exists");
    assertThat(client.getObjectAsBytes(g -> g.bucket(config.bucket()).key(lockKey))
        .asByteArray()).isEqualTo(lock);
    assertThat(new String(lock, StandardCharsets.UTF_8)).contains("s3-object-lock GOVERNANCE");
  }
}
