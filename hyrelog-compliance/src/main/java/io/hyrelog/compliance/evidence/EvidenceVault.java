package io.hyrelog.compliance.evidence;

import io.hyrelog.spi.ArchiveStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The immutable vault copy of evidence bundles: each bundle's files go under {@code
 * YYYY/MM/DD/<bundleId>/} (UTC date of the copy) below the vault's root, beside a WORM lock
 * file {@code worm.lock.json} written last: the bundle id, the lock {@code mode}, when it was
 * locked, until when it must be retained, and the size and SHA-256 of each file as copied.
 * Nothing in a vault is ever overwritten; a second copy of a bundle on the same day fails.
 *
 * <p>Two vaults:
 * <ul>
 *   <li>{@link #directory}: a local or mounted directory; files are made read-only (mode {@code
 *       read-only files}). Permissions are a guard, not WORM storage: mount a WORM volume there.
 *   <li>{@link #onStore}: an {@link ArchiveStore} (write-once {@code put}); every object's
 *       stored SHA-256 ({@code head}) is checked against the bytes sent. On an S3 archive store
 *       configured with Object Lock, every object carries the bucket's retention: the S3 Object
 *       Lock vault.
 * </ul>
 *
 * <p>Vaults are immutable and thread-safe; copies of different bundles may run concurrently.
 * Failures are {@link EvidenceException}s naming the file and the step; what was copied before
 * a failure stays (it is never overwritten or removed).
 */
public sealed interface EvidenceVault permits DirectoryVault, ArchiveStoreVault {
  /** The lock file's name. */
  String LOCK_FILE = "worm.lock.json";

  /**
   * A directory or file in a vault.
   *
   * @param path where below the vault's root: {@code YYYY/MM/DD/<bundleId>} or {@code
   *     YYYY/MM/DD/<bundleId>/<file>}
   * @param uri where it is: a {@code file:} URI in a directory vault; in a store vault the
   *     store's name prefix and key, e.g. {@code s3://bucket/key}
   */
  record Location(String path, String uri) {
    /**
     * Validates the location.
     *
     * @param path where below the vault's root: {@code YYYY/MM/DD/<bundleId>} or
     *     {@code YYYY/MM/DD/<bundleId>/<file>}
     * @param uri where it is: a {@code file:} URI in a directory vault; in a store vault the
     *     store's name prefix and key, e.g. {@code s3://bucket/key}
     */
    public Location {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(uri, "uri");
    }

    /**
     * The file {@code name} in this directory.
     *
     * @param name the file name
     * @return the location
     */
    public Location resolve(String name) {
      return new Location(path + "/" + name, uri + "/" + name);
    }
  }

  /**
   * A bundle's vault copy: its directory and its lock file.
   *
   * @param directory the copy's directory
   * @param lockFile the copy's lock file
   */
  record Copy(Location directory, Location lockFile) {
    /**
     * Validates the copy and copies its files.
     *
     * @param directory the copy's directory
     * @param lockFile the copy's lock file
     */
    public Copy {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(lockFile, "lockFile");
    }
  }

  /**
   * The vault in a local or mounted directory.
   *
   * @param root the vault directory (created when missing)
   * @param retention how long copies must be retained (recorded as {@code retain_until})
   * @return the vault
   */
  static EvidenceVault directory(Path root, Duration retention) {
    return new DirectoryVault(root, retention);
  }

  /**
   * A builder of the vault in {@code store}.
   *
   * @param store the store
   * @return a new builder
   */
  static StoreBuilder onStore(ArchiveStore store) {
    return new StoreBuilder(store);
  }

  /**
   * Copies {@code files} into the bundle's dated directory, then writes the lock file.
   *
   * @param now the copy's time: the date of its directory and {@code locked_at}
   * @param bundleId the bundle's id
   * @param files the files to copy
   * @return the copy
   * @throws EvidenceException when the bundle's directory of that date already holds something,
   *     or a copy fails
   */
  Copy copy(UUID bundleId, List<Path> files, Instant now);

  /**
   * Adds {@code source} as {@code name} to an existing vault copy (countersign notes). The lock
   * file is not changed: it describes the copy as it was locked.
   *
   * @param directory the copy's {@link Location#path()}, {@code YYYY/MM/DD/<bundleId>}
   * @param source the file to add
   * @param name its name in the copy
   * @return where it went
   * @throws IllegalArgumentException when {@code directory} or {@code name} is malformed
   * @throws EvidenceException when there is no such copy, the name is taken or the copy fails
   */
  Location add(String directory, Path source, String name);

  /**
   * The {@link Location#path()} of a bundle's copy directory at the end of {@code location} (a
   * path, a file name or a URI as a vault reported it), if it ends with one.
   *
   * @param location where a vault reported a copy
   * @param bundleId the bundle's id
   * @return the directory, or empty
   */
  static Optional<String> copyDirectory(String location, UUID bundleId) {
    Matcher m = Pattern.compile("(?:^|/)(\\d{4}/\\d{2}/\\d{2}/" + bundleId + ")/?$")
        .matcher(location);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Builds the vault in an {@link ArchiveStore}. Every setter rejects a bad value at once;
   * {@link #build()} checks that the store enforces at least the retention recorded. Not
   * thread-safe.
   */
  final class StoreBuilder {
    private final ArchiveStore store;
    private String keyPrefix = "";
    private String uriPrefix = "archive:";
    private Duration retention;
    private String mode = "write-once store";
    private Optional<Duration> enforced = Optional.empty();

    private StoreBuilder(ArchiveStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Where in the store the vault's root is: empty (the default) or a key ending in /.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public StoreBuilder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "keyPrefix");
      if (!prefix.isEmpty()) {
        if (!prefix.endsWith("/")) {
          throw new IllegalArgumentException("keyPrefix must be empty or end with '/', got '"
              + prefix + "'");
        }
        ArchiveStore.requireValidKey(prefix.substring(0, prefix.length() - 1));
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * What goes before a store key to name the object for people, e.g. {@code
     * s3://bucket/prefix/} for an S3 store; default {@code archive:}.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public StoreBuilder uriPrefix(String prefix) {
      Objects.requireNonNull(prefix, "uriPrefix");
      if (prefix.isBlank()) {
        throw new IllegalArgumentException("uriPrefix must not be blank");
      }
      this.uriPrefix = prefix;
      return this;
    }

    /**
     * How long copies must be retained (recorded as {@code retain_until}); required.
     *
     * @param retention the retention
     * @return this builder
     */
    public StoreBuilder retention(Duration retention) {
      this.retention = VaultLayout.requirePositive(retention, "retention");
      return this;
    }

    /**
     * The retention the store itself enforces on every new object, and the lock file's {@code
     * mode} naming it, e.g. {@code ("s3-object-lock COMPLIANCE", 2555 days)} for an S3 store
     * with Object Lock. Without it the mode is {@code write-once store} and nothing but the
     * store's no-overwrite rule protects the copy.
     *
     * @param mode the lock file's mode
     * @param enforced the retention the store enforces
     * @return this builder
     */
    public StoreBuilder enforcedRetention(String mode, Duration enforced) {
      Objects.requireNonNull(mode, "mode");
      if (mode.isBlank()) {
        throw new IllegalArgumentException("mode must not be blank");
      }
      this.mode = mode;
      this.enforced = Optional.of(VaultLayout.requirePositive(enforced, "enforced"));
      return this;
    }

    /**
     * @return the vault
     * @throws IllegalStateException when the retention is missing, or the store enforces less
     *     than it (the lock file would promise more than the store keeps)
     */
    public EvidenceVault build() {
      if (retention == null) {
        throw new IllegalStateException("retention is required");
      }
      if (enforced.isPresent() && enforced.get().compareTo(retention) < 0) {
        throw new IllegalStateException("the store enforces " + enforced.get().toDays()
            + " days (" + mode + ") but the vault retention is " + retention.toDays()
            + " days: the lock file's retain_until would not be enforced; configure at least"
            + " the vault retention on the store");
      }
      return new ArchiveStoreVault(store, keyPrefix, uriPrefix, retention, mode);
    }
  }
}
