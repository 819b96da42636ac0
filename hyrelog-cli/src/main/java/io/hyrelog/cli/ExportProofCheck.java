package io.hyrelog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.EventJson;
import io.hyrelog.export.EventProofs;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MalformedProofException;
import io.hyrelog.integrity.NoteVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code verify EXPORT --proofs PROOFS}: reads the proofs' signed checkpoints (each signature
 * checked against the trusted keys first), then, in step with the export, each event's
 * inclusion proof in its chain's checkpoint. Stops at the first failure. Not thread-safe.
 */
final class ExportProofCheck implements Closeable {
  private final EventProofs.Reader reader;
  private final Map<java.util.UUID, ChainCheckpoint> checkpoints = new HashMap<>();
  private EventProofs.Failure failure;
  private EventProofs.InStep inStep;

  private ExportProofCheck(EventProofs.Reader reader) {
    this.reader = reader;
  }

  /**
   * Opens {@code file} and checks its checkpoints.
   *
   * @throws VerifyCommand.UsageException when it cannot be read or is not a proofs file
   */
  static ExportProofCheck open(Path file, List<NoteVerifier> keys, boolean unchecked) {
    EventProofs.Reader reader;
    try {
      reader = new EventProofs.Reader(Files.newInputStream(file));
    } catch (IOException e) {
      throw new VerifyCommand.UsageException("cannot read proofs " + file + ": "
          + e.getMessage());
    }
    ExportProofCheck c = new ExportProofCheck(reader);
    try {
      List<EventProofs.CheckpointLine> lines = reader.checkpoints();
      long n = 0;
      for (EventProofs.CheckpointLine l : lines) {
        n++;
        String where = file + " line " + n;
        ChainCheckpoint cp;
        try {
          cp = InputFiles.checkpoint(l.note(), where, keys, unchecked);
        } catch (InvalidSignatureException e) {
          c.failure = new EventProofs.Failure(EventProofs.Reason.UNTRUSTED_CHECKPOINT, null, 0, n,
              "the checkpoint of chain " + l.workspaceId() + ": " + e.getMessage());
          return c;
        }
        if (!cp.chainId().equals(l.workspaceId())) {
          c.failure = new EventProofs.Failure(EventProofs.Reason.UNTRUSTED_CHECKPOINT, null, 0, n,
              "the line of chain " + l.workspaceId() + " holds the checkpoint of chain "
                  + cp.chainId());
          return c;
        }
        c.checkpoints.put(cp.chainId(), cp);
      }
    } catch (MalformedProofException e) {
      close(reader);
      throw new VerifyCommand.UsageException(file + " is not an export's proofs: "
          + e.getMessage());
    } catch (RuntimeException e) {
      close(reader);
      throw e;
    }
    return c;
  }

  /** The first failure, once there is one. */
  Optional<EventProofs.Failure> failure() {
    return failure != null ? Optional.of(failure)
        : inStep == null ? Optional.empty() : inStep.failure();
  }

  /** The checkpoints read, one per chain. */
  int checkpointCount() {
    return checkpoints.size();
  }

  /** The events proven so far. */
  long proven() {
    return inStep == null ? 0 : inStep.proven();
  }

  /**
   * Checks the next proof against the event {@code tree} (already re-hashed and linked by the
   * chain verifier).
   *
   * @return whether to go on
   */
  boolean accept(JsonNode tree) {
    EventJson.ChainFields e = EventJson.check(tree);
    return failure == null && inStep().accept(e.workspaceId(), e.seq(), e.hash());
  }

  /** After the last event: there must be no proof left. */
  void finish() {
    if (failure == null) {
      inStep().finish();
    }
  }

  private EventProofs.InStep inStep() {
    if (inStep == null) {
      inStep = new EventProofs.InStep(reader, checkpoints);
    }
    return inStep;
  }

  @Override
  public void close() {
    close(reader);
  }

  private static void close(EventProofs.Reader r) {
    try {
      r.close();
    } catch (IOException e) {
      // read-only; nothing to lose
    }
  }
}
