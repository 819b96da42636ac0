package io.hyrelog.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import io.hyrelog.EventHashing;
import io.hyrelog.EventJson;
import io.hyrelog.HyrelogException;
import io.hyrelog.export.JsonlEventReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * The chain fields of a webhook delivery's body, read strictly as an event, and whether its
 * content hashes to its stated hash.
 */
record DeliveredEvent(UUID chain, long seq, Digest prevHash, Digest hash, boolean hashVerifies) {
  /** The body as an event, or empty when it is not one (e.g. a test delivery). */
  static Optional<DeliveredEvent> read(byte[] body) {
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(body))) {
      JsonlEventReader.Line line = r.next();
      if (line == null || line.error() != null || !(line.tree() instanceof ObjectNode tree)
          || r.next() != null) {
        return Optional.empty();
      }
      EventJson.ChainFields f = EventJson.check(tree);
      return Optional.of(new DeliveredEvent(f.workspaceId(), f.seq(), f.prevHash(), f.hash(),
          EventHashing.hash(tree).equals(f.hash())));
    } catch (IOException | HyrelogException e) {
      return Optional.empty();
    }
  }

  /** One line's description: chain, seq and the hash check. */
  String describe() {
    return "chain " + chain + " seq " + seq + (hashVerifies ? " (hash verifies)"
        : " (its content does NOT hash to its stated hash " + hash.hex() + ")");
  }
}
