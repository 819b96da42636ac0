package io.hyrelog.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFileTest {
  @TempDir
  Path dir;

  @Test
  void publish_concurrentPublishersOfOneName_exactlyOneWins() throws Exception {
    Path target = dir.resolve("object");
    int writers = 16;
    CountDownLatch ready = new CountDownLatch(writers);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String content = "writer " + i;
        results.add(pool.submit((Callable<String>) () -> {
          try (StagedFile f = StagedFile.create(target, FileMode.PRIVATE)) {
            f.write(content.getBytes(StandardCharsets.UTF_8));
            ready.countDown();
            go.await();
            f.publish();
            return content;
          } catch (FileAlreadyExistsException e) {
            return null;
          }
        }));
      }
      ready.await();
      go.countDown();
      List<String> winners = new ArrayList<>();
      for (Future<String> r : results) {
        String won = r.get();
        if (won != null) {
          winners.add(won);
        }
      }
      assertThat(winners).hasSize(1);
      assertThat(Files.readString(target)).isEqualTo(winners.get(0));
      assertThat(names()).containsExactly("object");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void close_failureMidWrite_leavesNoTargetAndNoTemporary() throws IOException {
    Path target = dir.resolve("export.zip");
    assertThatThrownBy(() -> {
      try (StagedFile f = StagedFile.create(target, FileMode.PRIVATE);
          OutputStream out = f.outputStream()) {
        out.write(new byte[10_000]);
        assertThat(f.temporary()).exists();
        throw new IOException("the source failed half-way");
      }
    }).hasMessage("the source failed half-way");
    assertThat(names()).isEmpty();
  }

  @Test
  void create_private_permissionsSetAtCreation() throws IOException {
    assumePosix();
    try (StagedFile f = StagedFile.create(dir.resolve("secret"), FileMode.PRIVATE)) {
      // Before a byte is written or anything is published.
      assertThat(permissions(f.temporary())).isEqualTo("rw-------");
      f.write("k".getBytes(StandardCharsets.UTF_8));
      f.publish();
    }
    assertThat(permissions(dir.resolve("secret"))).isEqualTo("rw-------");
  }

  @Test
  void create_readOnly_createdReadOnlyAndStillWrittenOnce() throws IOException {
    assumePosix();
    try (StagedFile f = StagedFile.create(dir.resolve("copy"), FileMode.PRIVATE_READ_ONLY)) {
      assertThat(permissions(f.temporary())).isEqualTo("r--------");
      f.write("worm".getBytes(StandardCharsets.UTF_8));
      f.publish();
    }
    assertThat(permissions(dir.resolve("copy"))).isEqualTo("r--------");
    assertThat(Files.readString(dir.resolve("copy"))).isEqualTo("worm");
  }

  @Test
  void publish_targetExists_failsKeepsTargetAndRemovesTemporary() throws IOException {
    Path target = Files.writeString(dir.resolve("a"), "first");
    assertThatThrownBy(() -> StagedFile.writeNew(target, new byte[] {1}, FileMode.DEFAULT))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("never replaced");
    assertThat(Files.readString(target)).isEqualTo("first");
    assertThat(names()).containsExactly("a");
  }

  @Test
  void publish_targetIsDirectory_failsAsExisting() throws IOException {
    Files.createDirectory(dir.resolve("d"));
    assertThatThrownBy(() -> StagedFile.writeNew(dir.resolve("d"), new byte[] {1},
        FileMode.DEFAULT)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(names()).containsExactly("d");
  }

  @Test
  void writeReplacing_existingTarget_replacedWholeWithNoTemporaryLeft() throws IOException {
    Path target = Files.writeString(dir.resolve("state"), "old state, longer than the new");
    StagedFile.writeReplacing(target, "new".getBytes(StandardCharsets.UTF_8), FileMode.PRIVATE);
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(names()).containsExactly("state");
  }

  @Test
  void publishReplacing_renameFails_targetKeptAndTemporaryRemoved() throws IOException {
    Path target = dir.resolve("busy");
    Files.createDirectory(target);
    Files.writeString(target.resolve("inside"), "x"); // a non-empty directory is not replaced
    assertThatThrownBy(() -> StagedFile.writeReplacing(target, new byte[] {1},
        FileMode.PRIVATE)).isInstanceOf(IOException.class);
    assertThat(target.resolve("inside")).hasContent("x");
    assertThat(names()).containsExactly("busy");
  }

  @Test
  void channel_afterPublish_isRejected() throws IOException {
    try (StagedFile f = StagedFile.create(dir.resolve("x"), FileMode.DEFAULT)) {
      f.publish();
      assertThatThrownBy(f::channel).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("published");
      assertThatThrownBy(f::publish).isInstanceOf(IllegalStateException.class);
    }
    assertThat(dir.resolve("x")).isEmptyFile();
  }

  @Test
  void create_temporaryName_hiddenBesideTargetAndUnique() throws IOException {
    try (StagedFile a = StagedFile.create(dir.resolve("n"), FileMode.DEFAULT);
        StagedFile b = StagedFile.create(dir.resolve("n"), FileMode.DEFAULT)) {
      assertThat(a.temporary().getParent()).isEqualTo(dir.toAbsolutePath());
      assertThat(a.temporary().getFileName().toString()).matches("\\.n~[0-9a-f]{16}~tmp");
      assertThat(a.temporary()).isNotEqualTo(b.temporary());
    }
    assertThat(names()).isEmpty();
  }

  @Test
  void create_longName_temporaryNameStaysWithinLimits() throws IOException {
    String name = "k".repeat(250);
    StagedFile.writeNew(dir.resolve(name), new byte[] {7}, FileMode.DEFAULT);
    assertThat(names()).containsExactly(name);
  }

  @Test
  void create_noDirectory_rejected() {
    assertThatThrownBy(() -> StagedFile.create(Path.of("/"), FileMode.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void assumePosix() throws IOException {
    assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX file system");
  }

  static String permissions(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
