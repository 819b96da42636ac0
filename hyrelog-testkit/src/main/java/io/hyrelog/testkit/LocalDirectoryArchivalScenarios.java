package io.hyrelog.testkit;

import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchivalScenarios} on the local directory archive store (the embedded default), in a
 * temporary directory; tampering goes to the files behind the store's back. An adapter's test
 * extends it and supplies the ports.
 */
public abstract class LocalDirectoryArchivalScenarios extends ArchivalScenarios {
  @TempDir
  protected Path dir;
  private String root = "archive";

  @Override
  protected ArchiveStore newStore(Clock clock) {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
  }

  @Override
  protected ArchiveStore newLockedStore(Clock clock, int days) {
    root = "archive-locked";
    return LocalDirectoryArchiveStore.builder(dir.resolve(root)).clock(clock)
        .retention(Duration.ofDays(days)).build();
  }

  private Path file(String key) {
    return dir.resolve(root).resolve(key);
  }

  @Override
  protected byte[] bytes(String key) throws Exception {
    return Files.readAllBytes(file(key));
  }

  @Override
  protected void overwrite(String key, byte[] bytes) throws Exception {
    file(key).toFile().setWritable(true);
    Files.write(file(key), bytes);
  }

  @Override
  protected void delete(String key) throws Exception {
    Files.delete(file(key));
  }
}
