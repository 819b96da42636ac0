package io.hyrelog.compliance.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Files that hold personal data or keys: directories {@code 0700}, files {@code 0600} (read-only
 * copies {@code 0400}), each created with its permissions, so no other user can open it even
 * for a moment (no chmod after the write). On a file system without POSIX permissions the
 * platform's defaults apply. Stateless and thread-safe.
 */
public final class PrivateFiles {
  /** {@code rwx------}. */
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString(
      "rwx------");
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString(
      "rw-------");
  /** {@code r--------}: a copy nobody, the owner included, writes again. */
  public static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString(
      "r--------");

  private PrivateFiles() {}

  /**
   * Creates {@code dir} and its missing parents, each new one {@code 0700}; existing
   * directories are left as they are.
   */
  public static Path createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        if (posix(p.getParent())) {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } else {
          Files.createDirectory(p);
        }
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw e;
        }
      }
    }
    return dir;
  }

  /** Creates {@code dir} ({@code 0700}); fails when it exists. */
  public static Path createDirectory(Path dir) throws IOException {
    return posix(dir.toAbsolutePath().getParent())
        ? Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY))
        : Files.createDirectory(dir);
  }

  /**
   * A new file ({@code CREATE_NEW}) open for writing, created with {@code permissions} ({@link
   * #FILE} or {@link #READ_ONLY}: the creating process may write a read-only file it creates).
   *
   * @throws FileAlreadyExistsException when it exists
   */
  public static FileChannel create(Path file, Set<PosixFilePermission> permissions)
      throws IOException {
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    if (posix(file.toAbsolutePath().getParent())) {
      FileAttribute<?> attr = PosixFilePermissions.asFileAttribute(permissions);
      return FileChannel.open(file, options, attr);
    }
    return FileChannel.open(file, options);
  }

  /** {@link #create} as a stream, mode {@code 0600}. */
  public static OutputStream newOutputStream(Path file) throws IOException {
    return Channels.newOutputStream(create(file, FILE));
  }

  /** Writes {@code bytes} to the new file {@code file} ({@code 0600}) and forces them to disk. */
  public static void write(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = create(file, FILE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
  }

  /**
   * Forces a directory's entries (a new or renamed file in it) to disk. Platforms that cannot
   * open a directory (Windows) skip it.
   */
  public static void forceDirectory(Path dir) throws IOException {
    if (!posix(dir)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Whether the file store of {@code dir} has POSIX permissions. */
  public static boolean posix(Path dir) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null
        && Files.getFileStore(existing).supportsFileAttributeView("posix");
  }
}
