package io.hyrelog.compliance.witness;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A witness's durable state: one file per log, named by the lowercase hex SHA-256 of its origin,
 * holding the last cosigned checkpoint note (the log's verified signatures and the witness's
 * cosignature). A write goes to a temporary file that is fsynced, renamed over the old file and
 * made durable by an fsync of the directory: after a crash the file is the old or the new note,
 * never a mix. A lock file keeps a second witness (in this or another process) out.
 */
final class WitnessState implements AutoCloseable {
  static final String LOCK_FILE = "witness.lock";
  private static final Pattern STATE_FILE = Pattern.compile("[0-9a-f]{64}");
  private static final int MAX_FILE_BYTES = SignedNote.MAX_NOTE_BYTES;

  /** How a state file is written; tests inject failures here. */
  @FunctionalInterface
  interface Writer {
    void write(Path dir, String name, byte[] content) throws IOException;
  }

  /** The last cosigned size and root of a log. */
  record Entry(long size, Digest root) {}

  private final Path dir;
  private final Writer writer;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private WitnessState(Path dir, Writer writer, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.writer = writer;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  static WitnessState open(Path dir, Writer writer) {
    try {
      FileMode.DEFAULT.createDirectories(dir);
      FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        ch.close();
        throw new WitnessStateException("witness state directory " + dir
            + " is in use by another witness; one witness per directory");
      }
      return new WitnessState(dir, writer, ch, lock);
    } catch (IOException e) {
      throw new WitnessStateException("cannot open witness state directory " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Every log's entry, read from the state files.
   *
   * @throws WitnessStateException when a state file cannot be read or is not a checkpoint of the
   *     origin its name says
   */
  Map<String, Entry> load() {
    Map<String, Entry> out = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!STATE_FILE.matcher(name).matches()) {
          continue; // the lock file, or a temporary file of a write that did not finish
        }
        Checkpoint cp = parse(f, read(f));
        if (!originHash(cp.origin()).equals(name)) {
          throw new WitnessStateException("witness state file " + f + " holds a checkpoint of"
              + " another origin; restore it from a backup or remove it deliberately");
        }
        out.put(cp.origin(), new Entry(cp.size(), cp.root()));
      }
    } catch (IOException e) {
      throw new WitnessStateException("cannot read witness state directory " + dir + ": "
          + e.getMessage(), e);
    }
    return out;
  }

  /** The stored note of {@code origin}, if the witness ever cosigned for it. */
  Optional<String> note(String origin) {
    Path f = dir.resolve(originHash(origin));
    try {
      return Optional.of(read(f));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new WitnessStateException("cannot read witness state file " + f + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Makes {@code note} the state of {@code origin}, durably, before returning.
   *
   * @throws WitnessStateException when it cannot; the previous state is then still in place
   */
  void write(String origin, String note) {
    try {
      writer.write(dir, originHash(origin), note.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new WitnessStateException("cannot write the witness state of a log to " + dir
          + "; nothing was cosigned: " + e.getMessage(), e);
    }
  }

  /** The default writer: temporary file, fsync, atomic rename, fsync of the directory. */
  static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    StagedFile.writeReplacing(dir.resolve(name), content, FileMode.DEFAULT);
  }

  private static String read(Path f) throws IOException {
    if (Files.size(f) > MAX_FILE_BYTES) {
      throw new WitnessStateException("witness state file " + f + " is larger than a note");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(f))).toString();
    } catch (CharacterCodingException e) {
      throw new WitnessStateException("witness state file " + f + " is not UTF-8", e);
    }
  }

  private static Checkpoint parse(Path f, String text) {
    try {
      return Checkpoint.parse(SignedNote.parse(text).text());
    } catch (HyrelogException e) {
      throw new WitnessStateException("witness state file " + f + " is not a signed checkpoint ("
          + e.getMessage() + "); restore it from a backup: a witness never forgets what it"
          + " cosigned", e);
    }
  }

  /** The lowercase hex SHA-256 of an origin: the state file name and the monitoring path. */
  static String originHash(String origin) {
    return Digest.sha256(origin.getBytes(StandardCharsets.UTF_8)).hex();
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new WitnessStateException("cannot release the witness state lock in " + dir, e);
    }
  }
}
