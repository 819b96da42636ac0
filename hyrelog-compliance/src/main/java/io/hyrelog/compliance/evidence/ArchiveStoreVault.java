package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The vault in an {@link ArchiveStore}: objects {@code <keyPrefix>YYYY/MM/DD/<bundleId>/<file>},
 * the lock object last. The store's {@code put} never overwrites; after each put the stored
 * object's SHA-256 and size ({@code head}) must equal what was sent, else the copy fails.
 */
final class ArchiveStoreVault implements EvidenceVault {
  private final ArchiveStore store;
  private final String keyPrefix;
  private final String uriPrefix;
  private final Duration retention;
  private final String mode;

  ArchiveStoreVault(ArchiveStore store, String keyPrefix, String uriPrefix, Duration retention,
      String mode) {
    this.store = store;
    this.keyPrefix = keyPrefix;
    this.uriPrefix = uriPrefix;
    this.retention = retention;
    this.mode = mode;
  }

  private Location location(String path) {
    return new Location(path, uriPrefix + keyPrefix + path);
  }

  @Override
  public Copy copy(UUID bundleId, List<Path> files, Instant now) {
    Location dir = location(VaultLayout.directory(bundleId, now));
    try (Stream<ArchiveObject> existing = store.list(keyPrefix + dir.path() + "/")) {
      if (existing.findAny().isPresent()) {
        throw new EvidenceException("vault copy " + dir.uri() + " already exists; a vault copy"
            + " is never overwritten");
      }
    } catch (UncheckedIOException e) {
      throw new EvidenceException("cannot list vault copy " + dir.uri() + " (" + e.getMessage()
          + ")", e);
    }
    List<BundleFile> copied = new ArrayList<>();
    for (Path f : files) {
      copied.add(put(dir.resolve(f.getFileName().toString()), f));
    }
    Location lock = dir.resolve(LOCK_FILE);
    byte[] bytes = VaultLayout.lock(bundleId, mode, now, retention, copied);
    put(lock, new ByteArrayInputStream(bytes), bytes.length);
    return new Copy(dir, lock);
  }

  @Override
  public Location add(String directory, Path source, String name) {
    Location dir = location(VaultLayout.requireDirectory(directory));
    VaultLayout.requireName(name);
    Location lock = dir.resolve(LOCK_FILE);
    boolean exists;
    try {
      exists = store.head(keyPrefix + lock.path()).isPresent();
    } catch (UncheckedIOException e) {
      throw new EvidenceException("cannot look up vault copy " + dir.uri() + " ("
          + e.getMessage() + ")", e);
    }
    if (!exists) {
      throw new EvidenceException("vault copy " + dir.uri() + " does not exist (no " + LOCK_FILE
          + ")");
    }
    Location target = dir.resolve(name);
    put(target, source);
    return target;
  }

  private BundleFile put(Location target, Path source) {
    try (InputStream in = Files.newInputStream(source)) {
      return put(target, in, Files.size(source));
    } catch (IOException e) {
      throw new EvidenceException("cannot read " + source.getFileName() + " for the vault ("
          + e + ")", e);
    }
  }

  /** Puts {@code content} ({@code size} bytes), then checks what the store holds. */
  private BundleFile put(Location target, InputStream content, long size) {
    String key = keyPrefix + target.path();
    MessageDigest md = Digest.newSha256();
    ArchiveObject put;
    try {
      put = store.put(key, new DigestInputStream(content, md));
    } catch (ArchiveObjectExistsException e) {
      throw new EvidenceException("vault object " + target.uri() + " already exists; it is"
          + " never overwritten");
    } catch (UncheckedIOException e) {
      throw new EvidenceException("cannot store " + target.uri() + " in the vault ("
          + e.getMessage() + ")", e);
    }
    Digest sent = Digest.finish(md);
    ArchiveObject stored;
    try {
      stored = store.head(key).orElseThrow(() -> new EvidenceException("vault object "
          + target.uri() + " is missing right after it was stored"));
    } catch (UncheckedIOException e) {
      throw new EvidenceException("cannot check " + target.uri() + " in the vault ("
          + e.getMessage() + ")", e);
    }
    for (ArchiveObject o : List.of(put, stored)) {
      if (!o.sha256().equals(sent) || o.size() != size) {
        throw new EvidenceException("vault object " + target.uri() + " holds " + o.size()
            + " bytes with SHA-256 " + o.sha256().hex() + " but " + size + " bytes with SHA-256 "
            + sent.hex() + " were sent; the vault copy cannot be trusted (it stays, it is never"
            + " overwritten)");
      }
    }
    return new BundleFile(target.path().substring(target.path().lastIndexOf('/') + 1), size,
        sent);
  }
}
