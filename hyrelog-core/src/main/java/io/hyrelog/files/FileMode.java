package io.hyrelog.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;

/**
 * The permissions a file or directory is created with. They are set by the call that creates
 * it, so no other user can open a private file even for a moment (no chmod after the write). On
 * a file system without POSIX permissions the platform's defaults apply, and a read-only mode
 * sets the platform's read-only flag once the file is published.
 *
 * <p>Every new directory entry is made durable: creating a directory fsyncs its parent (the
 * one fsync policy of this package, see {@link StagedFile}). Stateless and thread-safe.
 */
public enum FileMode {
  /** The platform's defaults (the process's umask): files other tools and users may read. */
  DEFAULT(null, null, false),
  /** Files {@code rw-r--r--} (0644), directories {@code rwxr-xr-x} (0755): public keys. */
  PUBLIC_READ("rw-r--r--", "rwxr-xr-x", false),
  /** Files {@code rw-------} (0600), directories {@code rwx------} (0700): keys, personal data. */
  PRIVATE("rw-------", "rwx------", false),
  /**
   * Files {@code r--------} (0400), directories {@code rwx------} (0700): a copy nobody, the
   * owner included, writes again (the process creating it still writes it once).
   */
  PRIVATE_READ_ONLY("r--------", "rwx------", true);

  private final Set<PosixFilePermission> file;
  private final Set<PosixFilePermission> directory;
  private final boolean readOnly;

  FileMode(String file, String directory, boolean readOnly) {
    this.file = file == null ? null : PosixFilePermissions.fromString(file);
    this.directory = directory == null ? null : PosixFilePermissions.fromString(directory);
    this.readOnly = readOnly;
  }

  /**
   * Creates {@code dir} and its missing parents, each new one in this mode and fsynced into its
   * parent; existing directories are left as they are.
   *
   * @param dir the directory
   * @return {@code dir}
   * @throws FileAlreadyExistsException naming the first path on the way that exists and is not
   *     a directory
   */
  public Path createDirectories(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        create(p);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw e; // a file where a directory is wanted
        }
        // created by someone else meanwhile
      }
    }
    return dir;
  }

  /**
   * Creates the new directory {@code dir} in this mode, fsynced into its parent.
   *
   * @param dir the directory
   * @return {@code dir}
   * @throws FileAlreadyExistsException when {@code dir} exists
   */
  public Path createDirectory(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    create(dir.toAbsolutePath());
    return dir;
  }

  private void create(Path dir) throws IOException {
    Path parent = dir.getParent();
    Files.createDirectory(dir, attributes(directory, parent));
    if (parent != null) {
      StagedFile.forceDirectory(parent);
    }
  }

  /** The attribute that creates a file in this mode inside {@code dir}. */
  FileAttribute<?>[] fileAttributes(Path dir) throws IOException {
    return attributes(file, dir);
  }

  boolean readOnly() {
    return readOnly;
  }

  private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions, Path dir)
      throws IOException {
    if (permissions == null || !posix(dir)) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
  }

  /** Whether the file store of {@code dir} (or of its nearest existing parent) is POSIX. */
  static boolean posix(Path dir) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
  }
}
