package io.hyrelog.compliance.export;

import io.hyrelog.compliance.internal.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;

/**
 * Delivers into a local directory: copies to a temporary file of its own beside the target
 * (mode {@code 0600}, directories it creates {@code 0700}, where the file system has POSIX
 * permissions), forces it to disk, then publishes it with a hard link to the target name, which
 * the file system creates only if the name does not exist: an existing target is never
 * replaced, even when two deliveries of one name race (one wins; the other fails with {@link
 * FileAlreadyExistsException}, and its bytes stay in its source file). The directory is forced
 * to disk after the link. Thread-safe.
 */
public final class LocalDirectoryDelivery implements ExportDelivery {
  private final Path root;

  public LocalDirectoryDelivery(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  @Override
  public String deliver(String objectName, Path file) throws IOException {
    Path target = root.resolve(ExportDelivery.requireRelativeName(objectName)).normalize();
    if (!target.startsWith(root)) {
      throw new IllegalArgumentException("object name leaves the directory: " + objectName);
    }
    Path dir = target.getParent();
    PrivateFiles.createDirectories(dir);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw exists(target);
    }
    Path tmp = temporary(dir, target.getFileName().toString());
    try {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        long size = in.size();
        long pos = 0;
        while (pos < size) {
          pos += in.transferTo(pos, size - pos, out);
        }
        out.force(true);
      }
      try {
        // link(2) fails if the name exists: publishing can never replace a delivered export.
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException e) {
        throw exists(target);
      } catch (UnsupportedOperationException e) {
        throw new IOException("the file system of " + dir + " has no hard links; an export"
            + " cannot be published there without the risk of replacing another", e);
      }
      PrivateFiles.forceDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target.toString();
  }

  /** A new, uniquely named hidden file {@code 0600} in {@code dir}. */
  private static Path temporary(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve("." + name + "." + UUID.randomUUID() + ".part");
      try {
        PrivateFiles.create(tmp, PrivateFiles.FILE).close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private static FileAlreadyExistsException exists(Path target) {
    return new FileAlreadyExistsException(target.toString(), null,
        "an export with this name was already delivered; it is not overwritten");
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }
}
