package io.hyrelog.storage.postgres;

import io.hyrelog.archive.s3.S3ArchiveConfig;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.archive.s3.S3TestServer;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.testkit.ArchivalScenarios;
import io.hyrelog.testkit.StoragePorts;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * The archival scenarios on a real PostgreSQL and the S3 store against a real S3-protocol
 * server (S3Proxy in this JVM, or the external endpoint of {@code HYRELOG_TEST_S3_*}).
 * Tampering goes through a plain S3 client, keeping the object's recorded-hash metadata as a
 * careful attacker would.
 */
class ArchivalS3IT extends ArchivalScenarios {
  private static S3TestServer server;
  private static S3Client admin;
  private S3ArchiveConfig config;

  @BeforeAll
  static void startS3() throws Exception {
    server = S3TestServer.start();
    admin = server.client();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected StoragePorts createPorts() {
    return PostgresPorts.of(PostgresFixture.newDatabase());
  }

  @Override
  protected ArchiveStore newStore(Clock clock) {
    config = server.freshConfig(admin).clock(clock).build();
    return S3ArchiveStore.builder(config).build();
  }

  @Override
  protected ArchiveStore newLockedStore(Clock clock, int days) {
    // S3Proxy does not report (or enforce) Object Lock: the store's retention then comes from
    // the object's LastModified plus the configured days, which is what this test checks.
    config = server.freshConfig(admin).clock(clock).objectLock(ObjectLockMode.COMPLIANCE, days)
        .build();
    return S3ArchiveStore.builder(config).build();
  }

  private String objectKey(String key) {
    return config.keyPrefix() + key;
  }

  @Override
  protected byte[] bytes(String key) {
    return admin.getObjectAsBytes(b -> b.bucket(config.bucket()).key(objectKey(key)))
        .asByteArray();
  }

  @Override
  protected void overwrite(String key, byte[] bytes) {
    HeadObjectResponse head = admin.headObject(b -> b.bucket(config.bucket())
        .key(objectKey(key)));
    Map<String, String> metadata = head.metadata();
    admin.putObject(b -> b.bucket(config.bucket()).key(objectKey(key)).metadata(metadata),
        RequestBody.fromBytes(bytes));
  }

  @Override
  protected void delete(String key) {
    admin.deleteObject(b -> b.bucket(config.bucket()).key(objectKey(key)));
  }
}
