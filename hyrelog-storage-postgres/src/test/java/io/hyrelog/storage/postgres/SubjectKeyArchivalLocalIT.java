package io.hyrelog.storage.postgres;

import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.testkit.SeededRandom;
import io.hyrelog.testkit.StoragePorts;
import io.hyrelog.testkit.SubjectKeyArchivalScenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding on a real PostgreSQL (events, catalog and {@link PostgresSubjectKeys}) with
 * the local directory archive store; the scan reads every file of the archive directory.
 */
class SubjectKeyArchivalLocalIT extends SubjectKeyArchivalScenarios {
  @TempDir
  Path dir;
  private PostgresFixture.Database db;

  @Override
  protected StoragePorts createPorts() {
    db = PostgresFixture.newDatabase();
    return PostgresPorts.of(db);
  }

  @Override
  protected ArchiveStore newStore(Clock clock) {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
  }

  @Override
  protected SubjectKeyring newKeys(Clock clock) {
    return PostgresSubjectKeys.builder(db.app()).encryptionKeyHex(PostgresSubjectKeysIT.KEY_HEX)
        .clock(clock).random(SeededRandom.secure(9)).build();
  }

  @Override
  protected byte[] bytes(String key) throws Exception {
    return Files.readAllBytes(dir.resolve("archive").resolve(key));
  }

  @Override
  protected void overwrite(String key, byte[] bytes) throws Exception {
    Path f = dir.resolve("archive").resolve(key);
    f.toFile().setWritable(true);
    Files.write(f, bytes);
  }

  @Override
  protected List<byte[]> everyStoredFile() throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.add(Files.readAllBytes(f));
      }
    }
    return out;
  }
}
