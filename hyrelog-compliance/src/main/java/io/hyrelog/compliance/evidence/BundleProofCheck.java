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
 * Checks a bundle's {@code proofs.jsonl} in step with its events ({@link EventProofs.InStep}):
 * it holds no checkpoint lines (the bundle's own checkpoints are used), then one proof per
 * event in its chain's checkpoint. Not thread-safe.
 */
final class BundleProofCheck implements AutoCloseable {
  private final EventProofs.Reader reader;
  private final EventProofs.InStep inStep;
  private EventProofs.Failure failure;

  BundleProofCheck(InputStream in, Map<UUID, ChainCheckpoint> checkpoints) {
    this.reader = new EventProofs.Reader(in);
    try {
      if (!reader.checkpoints().isEmpty()) {
        failure = new EventProofs.Failure(EventProofs.Reason.MALFORMED_PROOF, null, 0, 1,
            "a bundle's proofs hold no checkpoint lines; its checkpoints are its own entries");
      }
    } catch (MalformedProofException e) {
      failure = new EventProofs.Failure(EventProofs.Reason.MALFORMED_PROOF, null, 0, 0,
          e.getMessage());
    }
    this.inStep = new EventProofs.InStep(reader, checkpoints);
  }

  /** Checks the next proof against an event the chain verifier accepted. */
  void accept(JsonNode event) {
    if (failure == null) {
      EventJson.ChainFields e = EventJson.check(event);
      inStep.accept(e.workspaceId(), e.seq(), e.hash());
    }
  }

  /** After the last event: no proof may be left. */
  void finish() {
    if (failure == null) {
      inStep.finish();
    }
  }

  Optional<EventProofs.Failure> failure() {
    return failure != null ? Optional.of(failure) : inStep.failure();
  }

  long proven() {
    return inStep.proven();
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
