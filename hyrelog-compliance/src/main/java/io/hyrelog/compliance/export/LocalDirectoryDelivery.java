package io.hyrelog.compliance.export;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Delivers into a local directory: copies to a hidden temporary file beside the target
 * (permissions {@code 0600} where the file system has POSIX permissions), forces it to disk,
 * then renames it atomically into place. An existing target is never overwritten.
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
    Files.createDirectories(target.getParent());
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "an export with this name was already delivered; it is not overwritten");
    }
    Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
    Files.deleteIfExists(tmp);
    boolean posix = Files.getFileStore(target.getParent()).supportsFileAttributeView("posix");
    if (posix) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
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
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString(), null,
            "an export with this name was already delivered; it is not overwritten");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return target.toString();
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }
}
