package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.EventJson;
import io.hyrelog.export.EventProofs;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.MalformedProofException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks a bundle's {@code proofs.jsonl} in step with its events: no checkpoint lines (the
 * bundle's own checkpoints are used), then one proof per event in its chain's checkpoint. Keeps
 * the first failure. Not thread-safe.
 */
final class BundleProofCheck implements AutoCloseable {
  private final EventProofs.Reader reader;
  private final Map<UUID, ChainCheckpoint> checkpoints;
  private EventProofs.Failure failure;
  private long proven;

  BundleProofCheck(InputStream in, Map<UUID, ChainCheckpoint> checkpoints) {
    this.reader = new EventProofs.Reader(in);
    this.checkpoints = checkpoints;
    try {
      if (!reader.checkpoints().isEmpty()) {
        failure = new EventProofs.Failure(EventProofs.Reason.MALFORMED_PROOF, null, 0, 1,
            "a bundle's proofs hold no checkpoint lines; its checkpoints are its own entries");
      }
    } catch (MalformedProofException e) {
      failure = new EventProofs.Failure(EventProofs.Reason.MALFORMED_PROOF, null, 0, 0,
          e.getMessage());
    }
  }

  /** Checks the next proof against an event the chain verifier accepted. */
  void accept(JsonNode event) {
    if (failure != null) {
      return;
    }
    EventJson.ChainFields e = EventJson.check(event);
    EventProofs.ProofLine line;
    try {
      line = reader.next();
    } catch (MalformedProofException x) {
      failure = new EventProofs.Failure(EventProofs.Reason.MALFORMED_PROOF, e.workspaceId(),
          e.seq(), 0, x.getMessage());
      return;
    }
    if (line == null) {
      failure = new EventProofs.Failure(EventProofs.Reason.MISSING_PROOF, e.workspaceId(),
          e.seq(), 0, "proofs.jsonl ends after " + proven + " proofs");
      return;
    }
    failure = EventProofs.check(checkpoints.get(e.workspaceId()), e.workspaceId(), e.seq(),
        e.hash(), line, reader.lineNumber()).orElse(null);
    if (failure == null) {
      proven++;
    }
  }

  /** After the last event: no proof may be left. */
  void finish() {
    if (failure != null) {
      return;
    }
    try {
      EventProofs.ProofLine extra = reader.next();
      if (extra != null) {
        failure = new EventProofs.Failure(EventProofs.Reason.EXTRA_PROOF, null, 0,
            reader.lineNumber(), "a proof of seq " + extra.seq() + " of chain "
                + extra.workspaceId() + " after the last event");
      }
    } catch (MalformedProofException x) {
      failure = new EventProofs.Failure(EventProofs.Reason.EXTRA_PROOF, null, 0, 0,
          x.getMessage());
    }
  }

  Optional<EventProofs.Failure> failure() {
    return Optional.ofNullable(failure);
  }

  long proven() {
    return proven;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // read-only
    }
  }
}
