package io.hyrelog.cli;

import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.NoteVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that say which keys a checkpoint must be signed by ({@code --public-key}) or that
 * it is read unchecked ({@code --no-signature-check}), shared by the proof commands.
 */
final class CheckpointKeys {
  @Option(names = "--public-key", paramLabel = "KEY",
      description = {"the log's signing keys the checkpoints must be signed by: a file of",
          "verifier keys (name+keyid+base64), the JSON of GET /v1/signing-keys, one verifier",
          "key, or NAME=FILE.pem; repeatable"})
  List<String> publicKeys = new ArrayList<>();

  @Option(names = "--no-signature-check",
      description = {"read the checkpoints without checking who signed them (the output says",
          "so); without it a checkpoint needs --public-key"})
  boolean noSignatureCheck;

  private List<NoteVerifier> keys;

  /**
   * Checks the options agree and loads the keys.
   *
   * @throws VerifyCommand.UsageException when they contradict each other or a key is unusable
   */
  void load() {
    if (noSignatureCheck && !publicKeys.isEmpty()) {
      throw new VerifyCommand.UsageException("--no-signature-check and --public-key contradict"
          + " each other: give one");
    }
    if (publicKeys.isEmpty() && !noSignatureCheck) {
      throw new VerifyCommand.UsageException("a checkpoint is evidence only with its signature"
          + " checked: pass --public-key KEY (the log's signing key, e.g. the JSON of GET"
          + " /v1/signing-keys saved to a file), or --no-signature-check to use it unchecked");
    }
    keys = TrustedKeys.load("--public-key", publicKeys);
  }

  /** The checkpoint in {@code file}, checked against the loaded keys unless told otherwise. */
  ChainCheckpoint read(Path file) {
    return InputFiles.checkpoint(file, keys, noSignatureCheck);
  }

  /** The line that says whether signatures were checked. */
  String signatures() {
    return noSignatureCheck ? "signatures: NOT checked" : "signatures: checked";
  }
}
