package io.hyrelog.storage.postgres;

import io.hyrelog.archive.s3.S3ArchiveConfig;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.archive.s3.S3TestServer;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.testkit.StoragePorts;
import io.hyrelog.testkit.SubjectKeyArchivalScenarios;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Crypto-shredding on a real PostgreSQL with the S3 store against a real S3-protocol server
 * (S3Proxy in this JVM): the segment objects (which Object Lock would keep) are never rewritten
 * by an erasure, and the scan reads every object of the store's prefix through a plain client.
 */
class SubjectKeyArchivalS3IT extends SubjectKeyArchivalScenarios {
  private static S3TestServer server;
  private static S3Client admin;
  private S3ArchiveConfig config;
  private PostgresFixture.Database db;

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
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Override
  protected ArchiveStore newStore(Clock clock) {
    config = server.freshConfig(admin).clock(clock).build();
    return S3ArchiveStore.builder(config).build();
  }

  @Override
  protected SubjectKeyring newKeys(Clock clock) {
    return PostgresSubjectKeysIT.keys(db, clock);
  }

  @Override
  protected byte[] bytes(String key) {
    return admin.getObjectAsBytes(b -> b.bucket(config.bucket())
        .key(config.keyPrefix() + key)).asByteArray();
  }

  @Override
  protected void overwrite(String key, byte[] bytes) {
    Map<String, String> metadata = admin.headObject(b -> b.bucket(config.bucket())
        .key(config.keyPrefix() + key)).metadata();
    admin.putObject(b -> b.bucket(config.bucket()).key(config.keyPrefix() + key)
        .metadata(metadata), RequestBody.fromBytes(bytes));
  }

  @Override
  protected List<byte[]> everyStoredFile() {
    List<byte[]> out = new ArrayList<>();
    for (S3Object o : admin.listObjectsV2Paginator(b -> b.bucket(config.bucket())
        .prefix(config.keyPrefix())).contents()) {
      out.add(admin.getObjectAsBytes(b -> b.bucket(config.bucket()).key(o.key()))
          .asByteArray());
    }
    return out;
  }
}
