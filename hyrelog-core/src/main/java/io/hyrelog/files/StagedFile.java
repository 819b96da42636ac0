package io.hyrelog.files;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file written under a temporary name beside its target, then published durably under the
 * target name: the one way HyreLog puts a file into place.
 *
 * <ol>
 *   <li>{@link #create} makes a new, uniquely named temporary file {@code .<name>~<random>~tmp}
 *       in the target's directory, with the {@link FileMode}'s permissions set at creation;
 *   <li>the caller writes it through {@link #channel}, {@link #outputStream} or {@link #write};
 *   <li>{@link #publish} forces the file to disk and links it to the target name, which never
 *       replaces anything: when the name exists, it fails with {@link
 *       FileAlreadyExistsException}, so of racing publishers (threads or processes) exactly one
 *       wins. {@link #publishReplacing} instead renames it atomically over the target (state
 *       files whose readers must see the old or the new content, never a mix);
 *   <li>the directory is forced to disk, so the new name survives a crash.
 * </ol>
 *
 * <p>{@link #close} removes the temporary file unless it was published: whatever fails before
 * the publish (the caller's writing included) leaves neither a target nor a temporary file.
 * After a crash a temporary file may remain; its name starts with {@code .} and ends with
 * {@code ~tmp}, so a store can recognise and remove it.
 *
 * <p>The fsync policy, the same for every file: the file's content and metadata before it is
 * published, the directory after. Windows, which cannot open a directory, skips the directory
 * fsync. Publishing without replacing needs hard links (every local POSIX file system and NTFS
 * have them); where there are none it fails rather than risk replacing a file.
 *
 * <p>Not thread-safe: one thread writes and publishes a staged file.
 */
public final class StagedFile implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(StagedFile.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").startsWith("Windows");
  /** Room for the temporary name's prefix and suffix within a 255-byte file name. */
  private static final int MAX_NAME_IN_TEMP = 200;
  private static final int ATTEMPTS = 4;

  private enum State { OPEN, PUBLISHED, CLOSED }

  private final Path target;
  private final Path temporary;
  private final FileMode mode;
  private final FileChannel channel;
  private State state = State.OPEN;

  private StagedFile(Path target, Path temporary, FileMode mode, FileChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.mode = mode;
    this.channel = channel;
  }

  /**
   * Creates the temporary file of {@code target} (whose directory must exist), open for reading
   * and writing.
   *
   * @param target the file it will be published as
   * @param mode the permissions of the new file
   * @return the staged file; close it to discard it unless published
   * @throws IllegalArgumentException when {@code target} has no file name or no parent
   * @throws java.io.IOException when the file cannot be created
   */
  public static StagedFile create(Path target, FileMode mode) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(mode, "mode");
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || abs.getFileName() == null) {
      throw new IllegalArgumentException("target must name a file in a directory, got " + target);
    }
    String name = abs.getFileName().toString();
    if (name.length() > MAX_NAME_IN_TEMP) {
      name = name.substring(0, MAX_NAME_IN_TEMP);
    }
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    for (int attempt = 1; ; attempt++) {
      Path temporary = dir.resolve("." + name + "~" + nonce() + "~tmp");
      try {
        FileChannel ch = FileChannel.open(temporary, options, mode.fileAttributes(dir));
        return new StagedFile(abs, temporary, mode, ch);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= ATTEMPTS) {
          throw e; // 64 random bits collided several times: something else is wrong
        }
      }
    }
  }

  /**
   * Writes {@code content} to the new file {@code target} and publishes it without replacing.
   *
   * @param target the new file
   * @param content the bytes
   * @param mode the permissions of the new file
   * @throws FileAlreadyExistsException when {@code target} exists (it is left as it is)
   */
  public static void writeNew(Path target, byte[] content, FileMode mode) throws IOException {
    Objects.requireNonNull(content, "content");
    try (StagedFile f = create(target, mode)) {
      f.write(content);
      f.publish();
    }
  }

  /**
   * Writes {@code content} to {@code target}, atomically replacing any previous content.
   *
   * @param target the file
   * @param content the bytes
   * @param mode the permissions of the new file
   * @throws java.io.IOException when writing or publishing fails
   */
  public static void writeReplacing(Path target, byte[] content, FileMode mode)
      throws IOException {
    Objects.requireNonNull(content, "content");
    try (StagedFile f = create(target, mode)) {
      f.write(content);
      f.publishReplacing();
    }
  }

  /**
   * The file this one is published as (absolute).
   *
   * @return the target
   */
  public Path target() {
    return target;
  }

  /**
   * The temporary file being written (absolute); gone once published or closed.
   *
   * @return the temporary file
   */
  public Path temporary() {
    return temporary;
  }

  /**
   * The temporary file's channel, open for reading and writing until the publish.
   *
   * @return the channel
   */
  public FileChannel channel() {
    requireOpen();
    return channel;
  }

  /**
   * An unbuffered stream appending to the channel. Closing it leaves the channel open (this
   * staged file owns it), so a wrapping stream may be closed before the publish.
   *
   * @return the stream
   */
  public OutputStream outputStream() {
    requireOpen();
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        writeFully(ByteBuffer.wrap(new byte[] {(byte) b}));
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeFully(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  /**
   * Appends {@code bytes} at the channel's position.
   *
   * @param bytes the bytes
   * @throws java.io.IOException when writing fails
   */
  public void write(byte[] bytes) throws IOException {
    writeFully(ByteBuffer.wrap(bytes));
  }

  private void writeFully(ByteBuffer buf) throws IOException {
    requireOpen();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /**
   * Forces the file to disk, links it to the target name and forces the directory. Never
   * replaces. The temporary file is removed whether it succeeds or fails.
   *
   * @throws FileAlreadyExistsException when the target exists (a file or a directory); it is
   *     left as it is
   * @throws IOException when the file system has no hard links, or the file cannot be written
   */
  public void publish() throws IOException {
    try {
      seal();
      // link(2) never replaces an existing name: of racing publishers exactly one succeeds.
      Files.createLink(target, temporary);
    } catch (FileAlreadyExistsException e) {
      close();
      throw new FileAlreadyExistsException(target.toString(), null,
          "exists; a published file is never replaced");
    } catch (UnsupportedOperationException e) {
      close();
      throw new IOException("the file system of " + target.getParent() + " has no hard links;"
          + " " + target.getFileName() + " cannot be published there without the risk of"
          + " replacing another file", e);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    state = State.PUBLISHED;
    deleteTemporary();
    finishPublish();
  }

  /**
   * Forces the file to disk, renames it atomically over the target (a reader sees the old or
   * the new file, never a mix) and forces the directory.
   *
   * @throws IOException when the rename fails (the target keeps its previous content and the
   *     temporary file is removed) or the file cannot be written
   */
  public void publishReplacing() throws IOException {
    try {
      seal();
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    state = State.PUBLISHED;
    finishPublish();
  }

  /** Closes the channel and removes the temporary file; a published file stays. Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Could not close {}: {}", temporary, e.toString());
    }
    if (state == State.OPEN) {
      state = State.CLOSED;
      deleteTemporary();
    }
  }

  /**
   * Removes the files (those that exist) and forces their directory's entries to disk: after
   * it returns, the removal survives a crash.
   *
   * @param dir the directory holding them
   * @param names the file names in {@code dir}
   * @return whether the first file existed
   * @throws IOException when a removal or the fsync fails
   */
  public static boolean deleteDurably(Path dir, String... names) throws IOException {
    boolean first = false;
    for (int i = 0; i < names.length; i++) {
      boolean removed = Files.deleteIfExists(dir.resolve(names[i]));
      first = i == 0 ? removed : first;
    }
    forceDirectory(dir);
    return first;
  }

  /** Forces {@code dir}'s entries (a new, linked or renamed file in it) to disk. */
  static void forceDirectory(Path dir) throws IOException {
    if (WINDOWS) {
      return; // a directory cannot be opened there; NTFS journals its entries itself
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private void seal() throws IOException {
    requireOpen();
    channel.force(true);
    channel.close();
  }

  private void finishPublish() throws IOException {
    forceDirectory(target.getParent());
    if (mode.readOnly() && !FileMode.posix(target.getParent())
        && !target.toFile().setReadOnly()) {
      throw new IOException("cannot make " + target + " read-only");
    }
  }

  private void deleteTemporary() {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      LOG.debug("Could not delete the temporary file {}: {}", temporary, e.toString());
    }
  }

  private void requireOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("staged file of " + target + " is " + state.name()
          .toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static String nonce() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
