package io.hyrelog.storage.postgres;

import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** {@link ArchivalScenarios} on the local directory store (the embedded default). */
class ArchivalLocalIT extends ArchivalScenarios {
  @TempDir
  Path dir;

  @Override
  ArchiveStore newStore(Clock clock) {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
  }

  private Path file(String key) {
    return dir.resolve("archive").resolve(key);
  }

  @Override
  byte[] bytes(String key) throws Exception {
    return Files.readAllBytes(file(key));
  }

  @Override
  void overwrite(String key, byte[] bytes) throws Exception {
    file(key).toFile().setWritable(true);
    Files.write(file(key), bytes);
  }

  @Override
  void delete(String key) throws Exception {
    Files.delete(file(key));
  }
}
