package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The vault in a local or mounted directory: files copied read-only into {@code
 * <root>/YYYY/MM/DD/<bundleId>/}, the lock file too (mode {@code read-only files}). Directories
 * are created {@code 0700}, files {@code 0400}, each with its permissions from the start and
 * published whole under its name ({@link StagedFile}), never replacing one.
 */
final class DirectoryVault implements EvidenceVault {
  private final Path root;
  private final String rootUri;
  private final Duration retention;

  DirectoryVault(Path root, Duration retention) {
    this.root = Objects.requireNonNull(root, "root");
    this.retention = VaultLayout.requirePositive(retention, "retention");
    String uri = root.toAbsolutePath().normalize().toUri().toString();
    this.rootUri = uri.endsWith("/") ? uri : uri + "/";
  }

  private Location location(String path) {
    return new Location(path, rootUri + path);
  }

  @Override
  public Copy copy(UUID bundleId, List<Path> files, Instant now) {
    String path = VaultLayout.directory(bundleId, now);
    Path dir = root.resolve(path);
    try {
      FileMode.PRIVATE.createDirectories(dir.getParent());
      FileMode.PRIVATE.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("vault directory " + dir + " already exists; a vault copy is"
          + " never overwritten");
    } catch (IOException e) {
      throw new EvidenceException("cannot create vault directory " + dir + " (" + e
          + "); check the permissions of the vault directory", e);
    }
    List<BundleFile> copied = new ArrayList<>();
    for (Path f : files) {
      copied.add(copyReadOnly(f, dir.resolve(f.getFileName().toString())));
    }
    Path lockFile = dir.resolve(LOCK_FILE);
    try {
      StagedFile.writeNew(lockFile, VaultLayout.lock(bundleId, "read-only files", now, retention,
          copied), FileMode.PRIVATE_READ_ONLY);
    } catch (IOException e) {
      throw new EvidenceException("cannot write the WORM lock " + lockFile + " (" + e + ")", e);
    }
    Location d = location(path);
    return new Copy(d, d.resolve(LOCK_FILE));
  }

  @Override
  public Location add(String directory, Path source, String name) {
    VaultLayout.requireDirectory(directory);
    VaultLayout.requireName(name);
    Path dir = root.resolve(directory);
    if (!Files.isRegularFile(dir.resolve(LOCK_FILE))) {
      throw new EvidenceException("vault copy " + dir + " does not exist (no " + LOCK_FILE
          + ")");
    }
    copyReadOnly(source, dir.resolve(name));
    return location(directory).resolve(name);
  }

  /**
   * Copies {@code source} to {@code target}, never replacing, created read-only ({@code 0400}).
   *
   * @return the copy's name, size and SHA-256
   */
  private static BundleFile copyReadOnly(Path source, Path target) {
    MessageDigest sha = Digest.newSha256();
    long size;
    try (StagedFile copy = StagedFile.create(target, FileMode.PRIVATE_READ_ONLY)) {
      try (InputStream in = Files.newInputStream(source);
          OutputStream out = new DigestOutputStream(copy.outputStream(), sha)) {
        size = in.transferTo(out);
      }
      copy.publish();
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("vault file " + target + " already exists; it is never"
          + " overwritten");
    } catch (IOException e) {
      throw new EvidenceException("cannot copy " + source.getFileName() + " to the vault ("
          + e + ")", e);
    }
    return new BundleFile(target.getFileName().toString(), size, Digest.finish(sha));
  }
}
