package io.hyrelog.cli;

import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.MalformedCheckpointException;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The files the commands read: checkpoints, proofs, events and key files, each bounded in size. */
final class InputFiles {
  /** The largest proof or event file read (a proof holds at most 64 hashes; an event line 4 MiB). */
  static final long MAX_SMALL_FILE = 4L << 20;

  private InputFiles() {}

  /**
   * A checkpoint file: a signed note verified against {@code keys} (origin in the signer's
   * log), or, when {@code unchecked}, a note or bare body read without checking who signed it.
   *
   * @throws io.hyrelog.integrity.InvalidSignatureException when no key of the log signed it
   * @throws VerifyCommand.UsageException when the file cannot be read or is not a checkpoint
   */
  static ChainCheckpoint checkpoint(Path path, List<NoteVerifier> keys, boolean unchecked) {
    return checkpoint(text(path, SignedNote.MAX_NOTE_BYTES, "checkpoint"), path.toString(), keys,
        unchecked);
  }

  /**
   * A checkpoint's text (from a file, or a line of an export's proofs), as {@link
   * #checkpoint(Path, List, boolean)} reads it; {@code where} names it in messages.
   */
  static ChainCheckpoint checkpoint(String text, String where, List<NoteVerifier> keys,
      boolean unchecked) {
    try {
      if (!unchecked) {
        return ChainCheckpoint.verifyNote(text, keys);
      }
      String body = text.contains("\n\n\u2014 ") ? SignedNote.parse(text).text() : text;
      return ChainCheckpoint.from(Checkpoint.parse(body));
    } catch (MalformedCheckpointException | MalformedNoteException e) {
      throw new VerifyCommand.UsageException(where + " is not a HyreLog checkpoint: "
          + SignatureFailure.describe(e));
    }
  }

  /**
   * The file's bytes, refused when larger than {@code max} bytes.
   *
   * @throws VerifyCommand.UsageException naming the file and what it should have been
   */
  static byte[] bytes(Path path, long max, String what) {
    try {
      if (Files.size(path) > max) {
        throw new VerifyCommand.UsageException(path + " is larger than " + max
            + " bytes; not a " + what);
      }
      return Files.readAllBytes(path);
    } catch (IOException | UncheckedIOException e) {
      throw new VerifyCommand.UsageException("cannot read " + what + " " + path + ": "
          + e.getMessage());
    }
  }

  /**
   * The file's text, refused when larger than {@code max} bytes.
   *
   * @throws VerifyCommand.UsageException naming the file and what it should have been
   */
  static String text(Path path, long max, String what) {
    byte[] bytes = bytes(path, max, what);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new VerifyCommand.UsageException("cannot read " + what + " " + path + ": "
          + e.getMessage());
    }
  }
}
