package io.hyrelog.compliance.export;

import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Delivers into a local directory: copies to a temporary file of its own beside the target
 * (mode {@code 0600}, directories it creates {@code 0700}, where the file system has POSIX
 * permissions), forces it to disk, then publishes it with a hard link to the target name, which
 * the file system creates only if the name does not exist: an existing target is never
 * replaced, even when two deliveries of one name race (one wins; the other fails with {@link
 * FileAlreadyExistsException}, and its bytes stay in its source file). The directory is forced
 * to disk after the link (a {@link StagedFile}). Thread-safe.
 */
public final class LocalDirectoryDelivery implements ExportDelivery {
  private final Path root;

  /**
   * A delivery into {@code root}; object names become relative paths under it.
   *
   * @param root the directory
   */
  public LocalDirectoryDelivery(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  @Override
  public String deliver(String objectName, Path file) throws IOException {
    Path target = root.resolve(ExportDelivery.requireRelativeName(objectName)).normalize();
    if (!target.startsWith(root)) {
      throw new IllegalArgumentException("object name leaves the directory: " + objectName);
    }
    FileMode.PRIVATE.createDirectories(target.getParent());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw exists(target);
    }
    try (StagedFile staged = StagedFile.create(target, FileMode.PRIVATE);
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      FileChannel out = staged.channel();
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, out);
      }
      staged.publish();
    } catch (FileAlreadyExistsException e) {
      throw exists(target);
    }
    return target.toString();
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
