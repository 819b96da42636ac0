package io.hyrelog.files;

import static io.hyrelog.files.StagedFileTest.permissions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModeTest {
  @TempDir
  Path dir;

  @BeforeEach
  void posix() throws IOException {
    assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX file system");
  }

  @Test
  void createDirectories_private_newOnes0700ExistingUntouched() throws IOException {
    Path existing = Files.createDirectory(dir.resolve("shared"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path deep = existing.resolve("a/b");
    assertThat(FileMode.PRIVATE.createDirectories(deep)).isEqualTo(deep);
    assertThat(permissions(existing)).isEqualTo("rwxr-xr-x");
    assertThat(permissions(existing.resolve("a"))).isEqualTo("rwx------");
    assertThat(permissions(deep)).isEqualTo("rwx------");
    FileMode.PRIVATE.createDirectories(deep); // exists: nothing to do
  }

  @Test
  void createDirectories_fileOnTheWay_failsNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> FileMode.PRIVATE.createDirectories(file.resolve("sub")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .extracting(e -> ((FileAlreadyExistsException) e).getFile())
        .isEqualTo(file.toAbsolutePath().toString());
  }

  @Test
  void createDirectory_exists_fails() throws IOException {
    FileMode.PRIVATE_READ_ONLY.createDirectory(dir.resolve("v"));
    assertThat(permissions(dir.resolve("v"))).isEqualTo("rwx------");
    assertThatThrownBy(() -> FileMode.PRIVATE.createDirectory(dir.resolve("v")))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void publicRead_fileIs0644() throws IOException {
    StagedFile.writeNew(dir.resolve("key.pub"), new byte[] {1}, FileMode.PUBLIC_READ);
    assertThat(permissions(dir.resolve("key.pub"))).isEqualTo("rw-r--r--");
  }
}
