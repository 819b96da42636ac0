package io.hyrelog.cli;

import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MerkleProofs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code verify-consistency}: a later checkpoint of a chain extends an earlier one. */
@Command(
    name = "verify-consistency",
    mixinStandardHelpOptions = true,
    description = {
        "Proves offline that a chain's later signed checkpoint extends its earlier one (nothing",
        "the earlier one committed to was changed or removed): checks both signatures and the",
        "RFC 9162 consistency proof (PROOF: the JSON of GET",
        "/v1/chains/{id}/proof/consistency?from=M1&to=M2, the checkpoints' sizes) against their",
        "roots. Exit codes: 0 consistent, 1 integrity failure, 2 usage error or unreadable input."})
final class VerifyConsistencyCommand implements Callable<Integer> {
  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "OLD_CP", description = "the earlier checkpoint")
  private Path oldFile;

  @Parameters(index = "1", paramLabel = "NEW_CP", description = "the later checkpoint")
  private Path newFile;

  @Parameters(index = "2", paramLabel = "PROOF", description = "the consistency proof's JSON")
  private Path proofFile;

  @Mixin
  private CheckpointKeys keys;

  @Override
  public Integer call() {
    ChainCheckpoint older;
    ChainCheckpoint newer;
    ConsistencyProof proof;
    try {
      keys.load();
      older = keys.read(oldFile);
      newer = keys.read(newFile);
      proof = ConsistencyProof.parseJson(InputFiles.text(proofFile,
          InputFiles.MAX_SMALL_FILE, "proof"));
    } catch (VerifyCommand.UsageException e) {
      return usage(e.getMessage());
    } catch (InvalidSignatureException e) {
      return fail(e.reason() + " a checkpoint: " + e.getMessage());
    } catch (HyrelogException e) {
      return usage(e.getMessage());
    }
    if (!older.chainId().equals(newer.chainId()) || !older.namespace()
        .equals(newer.namespace())) {
      return fail("the checkpoints are of different chains (" + older.namespace() + "/chains/"
          + older.chainId() + " and " + newer.namespace() + "/chains/" + newer.chainId() + ")");
    }
    if (older.size() > newer.size()) {
      return fail("OLD_CP has " + older.size() + " events, more than NEW_CP's " + newer.size()
          + ": the log went back, or the files are swapped");
    }
    if (proof.from() != older.size() || proof.to() != newer.size()) {
      return fail("the proof is from " + proof.from() + " to " + proof.to()
          + ", the checkpoints' sizes are " + older.size() + " and " + newer.size());
    }
    try {
      MerkleProofs.verifyConsistency(proof, older.root(), newer.root());
    } catch (HyrelogException e) {
      return fail("the tree of " + newer.size() + " events does not extend the tree of "
          + older.size() + ": " + e.getMessage());
    }
    cli.stdout.println("consistent: chain " + newer.chainId() + " from " + older.size() + " to "
        + newer.size() + " events (roots " + older.root().hex() + " and " + newer.root().hex()
        + ")");
    cli.stdout.println(keys.signatures());
    return HyrelogCli.OK;
  }

  private int usage(String message) {
    cli.stderr.println("hyrelog verify-consistency: " + message);
    return HyrelogCli.USAGE;
  }

  private int fail(String message) {
    cli.stdout.println("NOT consistent: " + message);
    return HyrelogCli.INTEGRITY_FAILURE;
  }
}
