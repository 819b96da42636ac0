package io.hyrelog.testkit;

import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SubjectKeyring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding without a database: {@link SubjectKeyArchivalScenarios} on the in-memory
 * ports and subject keys, with the local directory archive store.
 */
class InMemorySubjectKeyArchivalTest extends SubjectKeyArchivalScenarios {
  @TempDir
  Path dir;

  @Override
  protected StoragePorts createPorts() {
    return StoragePorts.inMemory();
  }

  @Override
  protected ArchiveStore newStore(Clock clock) {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
  }

  @Override
  protected SubjectKeyring newKeys(Clock clock) {
    return new InMemorySubjectKeys(clock, SeededRandom.secure(5));
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
