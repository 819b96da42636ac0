package io.hyrelog.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import io.hyrelog.EventHashing;
import io.hyrelog.EventJson;
import io.hyrelog.HyrelogException;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MerkleProofs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code verify-inclusion}: one event is in the tree of a signed checkpoint. */
@Command(
    name = "verify-inclusion",
    mixinStandardHelpOptions = true,
    description = {
        "Proves offline that one event is in a chain's tree as a signed checkpoint commits to it:",
        "re-hashes the event (EVENT: its JSON, e.g. one line of an export), checks the",
        "checkpoint's signature, and verifies the RFC 9162 inclusion proof (PROOF: the JSON of",
        "GET /v1/chains/{id}/proof/inclusion?seq=N&treeSize=M, M the checkpoint's size)",
        "against the checkpoint's root. The event must be of the checkpoint's chain.",
        "Exit codes: 0 included, 1 integrity failure, 2 usage error or unreadable input."})
final class VerifyInclusionCommand implements Callable<Integer> {
  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "EVENT", description = "the event's JSON")
  private Path eventFile;

  @Parameters(index = "1", paramLabel = "PROOF", description = "the inclusion proof's JSON")
  private Path proofFile;

  @Option(names = "--checkpoint", paramLabel = "FILE", required = true,
      description = "the signed checkpoint the proof is for")
  private Path checkpointFile;

  @Mixin
  private CheckpointKeys keys;

  @Override
  public Integer call() {
    ChainCheckpoint cp;
    InclusionProof proof;
    EventJson.ChainFields event;
    Digest rehashed;
    try {
      keys.load();
      cp = keys.read(checkpointFile);
      proof = InclusionProof.parseJson(InputFiles.text(proofFile,
          InputFiles.MAX_SMALL_FILE, "proof"));
      ObjectNode tree = eventTree(eventFile);
      event = EventJson.check(tree);
      rehashed = EventHashing.hash(tree);
    } catch (VerifyCommand.UsageException e) {
      return usage(e.getMessage());
    } catch (InvalidSignatureException e) {
      return fail(e.reason() + " the checkpoint: " + e.getMessage());
    } catch (HyrelogException e) {
      return usage(e.getMessage());
    }
    if (!rehashed.equals(event.hash())) {
      return fail("the event's content hashes to " + rehashed.hex() + ", not its stated hash "
          + event.hash().hex() + ": it was changed");
    }
    if (!event.workspaceId().equals(cp.chainId())) {
      return fail("the event is of chain " + event.workspaceId() + ", the checkpoint of "
          + cp.chainId());
    }
    if (proof.treeSize() != cp.size()) {
      return fail("the proof is for tree size " + proof.treeSize() + ", the checkpoint's size"
          + " is " + cp.size());
    }
    if (proof.leafIndex() != event.seq() - 1 || !proof.leafHash().equals(event.hash())) {
      return fail("the proof is for leaf " + proof.leafIndex() + " (" + proof.leafHash().hex()
          + "), not this event (seq " + event.seq() + ", leaf " + (event.seq() - 1) + ")");
    }
    try {
      MerkleProofs.verifyInclusion(proof, cp.root());
    } catch (HyrelogException e) {
      return fail("the proof does not lead to the checkpoint's root: " + e.getMessage());
    }
    cli.stdout.println("included: chain " + cp.chainId() + " seq " + event.seq() + " hash "
        + event.hash().hex() + " in the tree of " + cp.size() + " events (root "
        + cp.root().hex() + ")");
    cli.stdout.println(keys.signatures());
    return HyrelogCli.OK;
  }

  /** The first line of the file (an event's JSON or an export line), parsed strictly. */
  static ObjectNode eventTree(Path file) {
    byte[] bytes = InputFiles.text(file, InputFiles.MAX_SMALL_FILE, "event")
        .getBytes(StandardCharsets.UTF_8);
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(bytes))) {
      JsonlEventReader.Line line = r.next();
      if (line == null) {
        throw new VerifyCommand.UsageException(file + " holds no event");
      }
      if (line.error() != null || !(line.tree() instanceof ObjectNode o)) {
        throw new VerifyCommand.UsageException(file + " is not an event's JSON: "
            + (line.error() != null ? line.error() : "not an object"));
      }
      return o;
    } catch (java.io.IOException e) {
      throw new VerifyCommand.UsageException("cannot read event " + file + ": "
          + e.getMessage());
    }
  }

  private int usage(String message) {
    cli.stderr.println("hyrelog verify-inclusion: " + message);
    return HyrelogCli.USAGE;
  }

  private int fail(String message) {
    cli.stdout.println("NOT included: " + message);
    return HyrelogCli.INTEGRITY_FAILURE;
  }
}
