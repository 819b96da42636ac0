package io.hyrelog.archive;

import io.hyrelog.Digest;
import io.hyrelog.RestoreTier;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveObjectRetainedException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.streams.LookAheadIterator;
import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ArchiveStore} on a local directory: the embedded default. An object is the file
 * {@code root/key}; beside it live hidden internal files whose names contain {@code ~}, a
 * character no key can contain, so they never collide with objects and {@link #list} skips
 * them: {@code .name~meta} (size, SHA-256 and storedAt, so {@link #head} does not re-read the
 * object), {@code .name~restore} (the simulated restore) and {@code .name~…~tmp} (a put in
 * progress).
 *
 * <p>A put is a {@link StagedFile}: it writes a temp file while hashing it, fsyncs it, publishes
 * it with a hard link (which fails when the key exists: exactly one of racing writers wins, also
 * across processes), removes the temp name and fsyncs the directory; the sidecar follows the
 * same way, replacing any earlier one. A crash leaves either no object or the whole
 * object; temp files left by a crash are ignored and removed when a store is next built on the
 * directory (those older than {@link Builder#staleTempAfter}, so that puts in progress in
 * another process are not disturbed). The file system must support hard links (every local
 * POSIX file system does).
 *
 * <p>There is no cold tier: files are always readable. {@link #restore} is simulated on the
 * injected clock: the request is recorded on disk (visible to every instance on the directory),
 * {@link #restoreState} answers {@code IN_PROGRESS} for the tier's delay, then {@code RESTORED}
 * for the requested days, then {@code READABLE} again.
 *
 * <p>A key cannot both be an object and a directory of other keys ({@code a} and {@code a/b}):
 * the second put fails with an {@link UncheckedIOException} naming the conflict.
 *
 * <p>Thread-safe; several instances (and processes) may share a directory.
 */
public final class LocalDirectoryArchiveStore implements ArchiveStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDirectoryArchiveStore.class);

  private static final String META_SUFFIX = "~meta";
  private static final String RESTORE_SUFFIX = "~restore";
  /** How {@link StagedFile} names its temporary files (and this store's earlier versions did). */
  private static final String TEMP_SUFFIX = "~tmp";
  private static final String META_HEADER = "hyrelog-archive-object 1";
  private static final String RESTORE_HEADER = "hyrelog-archive-restore 1";
  private static final int BUFFER = 64 * 1024;

  private final Path root;
  private final Clock clock;
  private final Map<RestoreTier, Duration> restoreDelays;
  private final Optional<Duration> retention;

  private LocalDirectoryArchiveStore(Builder b) {
    this.root = b.root;
    this.clock = b.clock;
    this.restoreDelays = new EnumMap<>(b.restoreDelays);
    this.retention = b.retention;
  }

  /**
   * A builder for a store whose objects live under {@code root} (created when missing).
   *
   * @param root the directory
   * @return a new builder
   */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /**
   * The directory holding the objects.
   *
   * @return the root directory
   */
  public Path root() {
    return root;
  }

  @Override
  public ArchiveObject put(String key, InputStream content) {
    ArchiveStore.requireValidKey(key);
    Objects.requireNonNull(content, "content");
    Path target = resolve(key);
    Optional<ArchiveObject> existing = head(key);
    if (existing.isPresent()) {
      throw new ArchiveObjectExistsException(existing.get());
    }
    Path dir = ensureDirectory(key, target.getParent());
    Path meta = dir.resolve("." + target.getFileName() + META_SUFFIX);
    try (StagedFile object = StagedFile.create(target, FileMode.DEFAULT);
        StagedFile sidecar = StagedFile.create(meta, FileMode.DEFAULT)) {
      MessageDigest md = Digest.newSha256();
      long size;
      try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(
          object.outputStream(), BUFFER), md)) {
        size = content.transferTo(out);
      }
      ArchiveObject stored = new ArchiveObject(key, size, Digest.finish(md), clock.instant());
      // The link keeps the inode: the sidecar names the file it describes.
      Object fileKey = Files.readAttributes(object.temporary(), BasicFileAttributes.class)
          .fileKey();
      sidecar.write(metaText(stored, fileKey).getBytes(StandardCharsets.UTF_8));
      try {
        // Never replaces: of racing writers (threads or processes) exactly one succeeds.
        object.publish();
      } catch (FileAlreadyExistsException e) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new UncheckedIOException(new FileSystemException(target.toString(), null,
              "archive key " + key + " is a directory of other keys in this local store"));
        }
        throw new ArchiveObjectExistsException(head(key).orElseThrow(() ->
            new UncheckedIOException(new IOException("archive object " + key
                + " appeared and vanished while being written"))));
      }
      // A crash before this leaves the object without its sidecar: head then computes.
      sidecar.publishReplacing();
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException("archive put of " + key + " failed; no object was stored", e);
    }
  }

  @Override
  public Optional<ArchiveObject> head(String key) {
    ArchiveStore.requireValidKey(key);
    Path file = resolve(key);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (FileSystemException e) {
      // e.g. ENOTDIR: a parent segment is an object, so this key cannot exist.
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("archive head of " + key + " failed", e);
    } catch (IOException e) {
      throw new UncheckedIOException("archive head of " + key + " failed", e);
    }
    if (!attrs.isRegularFile()) {
      return Optional.empty();
    }
    try {
      Optional<ArchiveObject> recorded = readMeta(key, file, attrs);
      if (recorded.isPresent()) {
        return recorded;
      }
      return Optional.of(computeHead(key, file, attrs));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("archive head of " + key + " failed", e);
    }
  }

  /**
   * With {@link Builder#retention} (a simulated Object Lock), the object's storedAt plus that
   * retention; otherwise empty.
   */
  @Override
  public Optional<Instant> retainedUntil(String key) {
    ArchiveObject o = head(key).orElseThrow(() -> new ArchiveObjectNotFoundException(key));
    return retention.map(r -> o.storedAt().plus(r));
  }

  /**
   * Removes the object's file, then its sidecar and restore record (each directory entry
   * removal fsynced). Refused while {@link #retainedUntil} is after the clock's now.
   */
  @Override
  public boolean delete(String key) {
    ArchiveStore.requireValidKey(key);
    Optional<ArchiveObject> o = head(key);
    if (o.isEmpty()) {
      return false;
    }
    Optional<Instant> until = retention.map(r -> o.get().storedAt().plus(r));
    if (until.isPresent() && until.get().isAfter(clock.instant())) {
      throw new ArchiveObjectRetainedException(key, until.get());
    }
    Path file = resolve(key);
    Path dir = file.getParent();
    try {
      String name = file.getFileName().toString();
      return StagedFile.deleteDurably(dir, name, "." + name + META_SUFFIX,
          "." + name + RESTORE_SUFFIX);
    } catch (IOException e) {
      throw new UncheckedIOException("archive delete of " + key + " failed", e);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    ArchiveStore.requireValidKey(key);
    Path file = resolve(key);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveObjectNotFoundException(key);
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new ArchiveObjectNotFoundException(key);
    }
  }

  @Override
  public Stream<ArchiveObject> list(String prefix) {
    ArchiveKeys.requireValidPrefix(prefix);
    int lastSlash = prefix.lastIndexOf('/');
    String base = lastSlash < 0 ? "" : prefix.substring(0, lastSlash + 1);
    Path start = base.isEmpty() ? root : resolve(base.substring(0, base.length() - 1));
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return Stream.empty();
    }
    // An object removed behind our back between listing and head is skipped.
    return ArchiveKeys.objects(new KeyIterator(start, base, prefix), this::head);
  }

  @Override
  public void restore(String key, int days, RestoreTier tier) {
    ArchiveStore.requireValidKey(key);
    ArchiveKeys.requireRestoreDays(days);
    Objects.requireNonNull(tier, "tier");
    RestoreState state = restoreState(key);
    Instant now = clock.instant();
    Instant readyAt;
    switch (state.phase()) {
      case IN_PROGRESS:
        return;
      case RESTORED:
        // Like S3: asking again for a restored copy sets its expiry from now.
        readyAt = now;
        break;
      default:
        readyAt = now.plus(restoreDelays.get(tier));
        break;
    }
    Path file = resolve(key);
    Path record = file.getParent().resolve("." + file.getFileName() + RESTORE_SUFFIX);
    String text = RESTORE_HEADER + "\ntier=" + tier + "\ndays=" + days + "\nrequestedAt=" + now
        + "\nreadyAt=" + readyAt + "\n";
    try {
      StagedFile.writeReplacing(record, text.getBytes(StandardCharsets.UTF_8), FileMode.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException("archive restore of " + key + " could not be recorded", e);
    }
  }

  @Override
  public RestoreState restoreState(String key) {
    ArchiveStore.requireValidKey(key);
    Path file = resolve(key);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveObjectNotFoundException(key);
    }
    Path record = file.getParent().resolve("." + file.getFileName() + RESTORE_SUFFIX);
    Map<String, String> fields;
    try {
      fields = readFields(record, RESTORE_HEADER);
    } catch (NoSuchFileException e) {
      return RestoreState.of(RestoreState.Phase.READABLE);
    } catch (IOException e) {
      throw new UncheckedIOException("archive restore state of " + key + " unreadable", e);
    }
    try {
      Instant readyAt = Instant.parse(fields.get("readyAt"));
      int days = Integer.parseInt(fields.get("days"));
      Instant now = clock.instant();
      Instant expiresAt = readyAt.plus(Duration.ofDays(days));
      if (now.isBefore(readyAt)) {
        return RestoreState.of(RestoreState.Phase.IN_PROGRESS);
      }
      if (now.isBefore(expiresAt)) {
        return RestoreState.restoredUntil(expiresAt);
      }
      return RestoreState.of(RestoreState.Phase.READABLE);
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException(
          "archive restore record " + record + " is malformed", e));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path resolve(String key) {
    // Keys are checked: no '..', no absolute paths, only [A-Za-z0-9._-/].
    return root.resolve(key);
  }

  /** Creates the missing directories from the root down, each new one fsynced into its parent. */
  private Path ensureDirectory(String key, Path dir) {
    try {
      return FileMode.DEFAULT.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new UncheckedIOException(new FileSystemException(e.getFile(), null,
          "archive key " + key + " cannot be stored: '" + root.relativize(Path.of(e.getFile()))
              + "' is an object, so it cannot also be a directory of keys in this local store"));
    } catch (IOException e) {
      throw new UncheckedIOException("archive put of " + key + " failed creating " + dir, e);
    }
  }

  private Optional<ArchiveObject> readMeta(String key, Path file, BasicFileAttributes attrs)
      throws IOException {
    Path meta = file.getParent().resolve("." + file.getFileName() + META_SUFFIX);
    Map<String, String> fields;
    try {
      fields = readFields(meta, META_HEADER);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("Archive sidecar {} unreadable ({}); computing the object's hash", meta,
          e.getMessage());
      return Optional.empty();
    }
    try {
      long size = Long.parseLong(fields.get("size"));
      String fileKey = fields.get("file");
      // The sidecar describes this file only if it was written for this very inode.
      if (size != attrs.size() || fileKey == null
          || !fileKey.equals(String.valueOf(attrs.fileKey()))) {
        return Optional.empty();
      }
      return Optional.of(new ArchiveObject(key, size, Digest.parseHex(fields.get("sha256")),
          Instant.parse(fields.get("storedAt"))));
    } catch (RuntimeException e) {
      LOG.warn("Archive sidecar {} is malformed; computing the object's hash", meta);
      return Optional.empty();
    }
  }

  private static ArchiveObject computeHead(String key, Path file, BasicFileAttributes attrs)
      throws IOException {
    MessageDigest md = Digest.newSha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[BUFFER];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
        size += n;
      }
    }
    return new ArchiveObject(key, size, Digest.finish(md), attrs.lastModifiedTime().toInstant());
  }

  private static String metaText(ArchiveObject o, Object fileKey) {
    return META_HEADER + "\nsize=" + o.size() + "\nsha256=" + o.sha256().hex() + "\nstoredAt="
        + o.storedAt() + "\nfile=" + fileKey + "\n";
  }

  private static Map<String, String> readFields(Path file, String header) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(header)) {
      throw new IOException(file + " does not start with '" + header + "'");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return fields;
  }

  private static boolean isKeySegment(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (!ArchiveKeys.isKeyChar(name.charAt(i))) {
        return false;
      }
    }
    return !name.isEmpty() && !name.equals(".") && !name.equals("..");
  }

  /** Removes temp files left by crashed puts that are older than {@code staleAfter}. */
  private void removeStaleTempFiles(Duration staleAfter) throws IOException {
    Instant cutoff = clock.instant().minus(staleAfter);
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> {
        String n = p.getFileName() == null ? "" : p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TEMP_SUFFIX);
      }).forEach(stale::add);
    }
    int removed = 0;
    for (Path p : stale) {
      try {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            && !Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
                .isAfter(cutoff)) {
          Files.deleteIfExists(p);
          removed++;
        }
      } catch (NoSuchFileException e) {
        // removed by another instance meanwhile
      }
    }
    if (removed > 0) {
      LOG.info("Removed {} temp files of interrupted archive puts under {}", removed, root);
    }
  }

  /**
   * Keys under {@code start} (whose key prefix is {@code base}) that start with {@code prefix},
   * in key order. Sorting each directory's entries by name, with {@code /} appended to
   * directories, yields key order: all keys below {@code d/} sort together, right where
   * {@code d/} sorts among its siblings. Holds one sorted listing per directory level.
   */
  private final class KeyIterator extends LookAheadIterator<String> {
    private final String prefix;
    private final Deque<Iterator<String>> stack = new ArrayDeque<>();
    private final Deque<String> bases = new ArrayDeque<>();

    KeyIterator(Path start, String base, String prefix) {
      this.prefix = prefix;
      push(start, base);
    }

    private void push(Path dir, String base) {
      List<String> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (!isKeySegment(name)) {
            continue; // internal files (their names contain '~') and foreign names
          }
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            entries.add(name + "/");
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            entries.add(name);
          }
        }
      } catch (NoSuchFileException e) {
        // removed meanwhile: nothing below it
      } catch (IOException e) {
        throw new UncheckedIOException("archive list of " + dir + " failed", e);
      }
      entries.sort(null);
      stack.push(entries.iterator());
      bases.push(base);
    }

    @Override
    protected String computeNext() {
      while (!stack.isEmpty()) {
        Iterator<String> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          bases.pop();
          continue;
        }
        String entry = top.next();
        String key = bases.peek() + entry;
        if (entry.endsWith("/")) {
          if (key.startsWith(prefix) || prefix.startsWith(key)) {
            push(resolve(key.substring(0, key.length() - 1)), key);
          }
        } else if (key.startsWith(prefix)) {
          return key;
        }
      }
      return endOfData();
    }
  }

  /** Configures a {@link LocalDirectoryArchiveStore}. Not thread-safe. */
  public static final class Builder {
    private final Path root;
    private Clock clock = Clock.systemUTC();
    private final Map<RestoreTier, Duration> restoreDelays = new EnumMap<>(RestoreTier.class);
    private Duration staleTempAfter = Duration.ofHours(1);
    private Optional<Duration> retention = Optional.empty();

    private Builder(Path root) {
      Objects.requireNonNull(root, "root");
      this.root = root.toAbsolutePath().normalize();
      restoreDelays.put(RestoreTier.EXPEDITED, Duration.ofMinutes(1));
      restoreDelays.put(RestoreTier.STANDARD, Duration.ofMinutes(2));
      restoreDelays.put(RestoreTier.BULK, Duration.ofMinutes(5));
    }

    /**
     * The clock for storedAt, simulated restores and temp-file age; default system UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * One simulated restore delay for every tier (defaults 1, 2 and 5 minutes).
     *
     * @param delay the delay, not negative
     * @return this builder
     */
    public Builder restoreDelay(Duration delay) {
      for (RestoreTier t : RestoreTier.values()) {
        restoreDelay(t, delay);
      }
      return this;
    }

    /**
     * The simulated restore delay of one tier.
     *
     * @param tier the tier
     * @param delay the delay, not negative
     * @return this builder
     */
    public Builder restoreDelay(RestoreTier tier, Duration delay) {
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("restoreDelay must be >= 0, got " + delay);
      }
      restoreDelays.put(tier, delay);
      return this;
    }

    /**
     * Temp files of interrupted puts at least this old (by the clock) are removed when the
     * store is built; younger ones may belong to a put in progress in another process. Default
     * one hour.
     *
     * @param age the age, not negative
     * @return this builder
     */
    public Builder staleTempAfter(Duration age) {
      Objects.requireNonNull(age, "age");
      if (age.isNegative()) {
        throw new IllegalArgumentException("staleTempAfter must be >= 0, got " + age);
      }
      this.staleTempAfter = age;
      return this;
    }

    /**
     * Simulates S3 Object Lock: every object is retained for {@code retention} after its
     * storedAt, and {@link LocalDirectoryArchiveStore#delete} refuses before (the files stay
     * writable by the owner: a guard, not WORM storage). Default none.
     *
     * @param retention the retention, positive
     * @return this builder
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be > 0, got " + retention);
      }
      this.retention = Optional.of(retention);
      return this;
    }

    /**
     * Creates the root directory when missing and removes stale temp files.
     *
     * @return the store
     * @throws UncheckedIOException when the directory cannot be created or read
     */
    public LocalDirectoryArchiveStore build() {
      try {
        Files.createDirectories(root);
        LocalDirectoryArchiveStore store = new LocalDirectoryArchiveStore(this);
        store.removeStaleTempFiles(staleTempAfter);
        return store;
      } catch (IOException e) {
        throw new UncheckedIOException("archive directory " + root + " is not usable", e);
      }
    }
  }
}
