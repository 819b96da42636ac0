package io.hyrelog.testkit;

import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SubjectKeyArchivalScenarios} on the local directory archive store, in a temporary
 * directory: tampering goes to the files behind the store's back, and the scan reads every file
 * under the directory (sidecars and temporary files included). An adapter's test extends it and
 * supplies the ports and the subject keys.
 */
public abstract class LocalDirectorySubjectKeyArchivalScenarios
    extends SubjectKeyArchivalScenarios {
  @TempDir
  protected Path dir;

  @Override
  protected ArchiveStore newStore(Clock clock) {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
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
