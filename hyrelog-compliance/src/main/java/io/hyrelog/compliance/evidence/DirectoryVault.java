package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The immutable vault copy of a bundle on a local or mounted file system: the files are copied
 * to {@code <vault>/YYYY/MM/DD/<bundleId>/} (UTC date of the copy), made read-only, and
 * described by a WORM lock file {@code worm.lock.json} (also read-only): when it was locked,
 * until when it must be retained, and the size and SHA-256 of each file as copied. Nothing in
 * a vault directory is ever overwritten. Read-only permissions are not WORM storage by
 * themselves: mount a WORM volume there (or use S3 Object Lock) for enforcement.
 */
public final class EvidenceVault {
  /** The lock file's name. */
  public static final String LOCK_FILE = "worm.lock.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path root;
  private final Duration retention;

  /**
   * @param root the vault directory
   * @param retention how long copies must be retained (recorded as {@code retain_until})
   */
  public EvidenceVault(Path root, Duration retention) {
    this.root = Objects.requireNonNull(root, "root");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
  }

  /** A vault copy: its directory and lock file. */
  public record Copy(Path directory, Path lockFile) {}

  /** The dated directory a bundle copied at {@code at} goes to. */
  public Path directory(UUID bundleId, Instant at) {
    ZonedDateTime d = at.atZone(ZoneOffset.UTC);
    return root.resolve(String.format("%04d", d.getYear()))
        .resolve(String.format("%02d", d.getMonthValue()))
        .resolve(String.format("%02d", d.getDayOfMonth())).resolve(bundleId.toString());
  }

  /**
   * Copies {@code files} into the bundle's dated vault directory, read-only, and writes the lock.
   *
   * @throws EvidenceException when the directory already exists or a copy fails
   */
  public Copy copy(UUID bundleId, List<Path> files, Instant now) {
    Path dir = directory(bundleId, now);
    try {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("vault directory " + dir + " already exists; a vault copy is"
          + " never overwritten");
    } catch (IOException e) {
      throw new EvidenceException("cannot create vault directory " + dir + " (" + e
          + "); check the permissions of the vault directory", e);
    }
    ObjectNode lock = MAPPER.createObjectNode();
    lock.put("bundle_id", bundleId.toString());
    lock.put("mode", "read-only files");
    lock.put("locked_at", now.toString());
    lock.put("retain_until", now.plus(retention).toString());
    ArrayNode a = lock.putArray("files");
    for (Path f : files) {
      BundleFile copied = copyReadOnly(f, dir.resolve(f.getFileName().toString()));
      a.addObject().put("name", copied.name()).put("size", copied.size())
          .put("sha256", copied.sha256().hex());
    }
    Path lockFile = dir.resolve(LOCK_FILE);
    try {
      Files.write(lockFile, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(lock),
          StandardOpenOption.CREATE_NEW);
      readOnly(lockFile);
    } catch (IOException e) {
      throw new EvidenceException("cannot write the WORM lock " + lockFile + " (" + e + ")", e);
    }
    return new Copy(dir, lockFile);
  }

  /**
   * Copies {@code source} to {@code target}, never replacing, then makes it read-only.
   *
   * @return the copy's name, size and SHA-256
   */
  public static BundleFile copyReadOnly(Path source, Path target) {
    MessageDigest sha = Digest.newSha256();
    long size;
    try (InputStream in = Files.newInputStream(source);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(target,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), sha)) {
      size = in.transferTo(out);
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("vault file " + target + " already exists; it is never"
          + " overwritten");
    } catch (IOException e) {
      throw new EvidenceException("cannot copy " + source.getFileName() + " to the vault ("
          + e + ")", e);
    }
    readOnly(target);
    return new BundleFile(target.getFileName().toString(), size, Digest.finish(sha));
  }

  private static void readOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
    } catch (UnsupportedOperationException e) {
      if (!p.toFile().setReadOnly()) {
        throw new EvidenceException("cannot make " + p + " read-only");
      }
    } catch (IOException e) {
      throw new EvidenceException("cannot make " + p + " read-only (" + e + ")", e);
    }
  }
}
