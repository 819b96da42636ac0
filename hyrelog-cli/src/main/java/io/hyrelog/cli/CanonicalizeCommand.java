package io.hyrelog.cli;

import io.hyrelog.InvalidJsonException;
import io.hyrelog.Jcs;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code canonicalize}: RFC 8785 canonical bytes of one JSON text from stdin. */
@Command(
    name = "canonicalize",
    mixinStandardHelpOptions = true,
    description = {
        "Reads one JSON text from stdin and writes its RFC 8785 (JCS) canonical form to stdout,",
        "without a trailing newline. Input that is not I-JSON (duplicate keys, lone surrogates,",
        "invalid UTF-8, numbers out of range) is rejected with exit code 2."})
final class CanonicalizeCommand implements Callable<Integer> {
  /** Largest input accepted: the canonicalizer holds one document in memory. */
  static final int MAX_INPUT_BYTES = 64 * 1024 * 1024;

  @ParentCommand
  private HyrelogCli cli;

  @Override
  public Integer call() {
    byte[] input;
    try {
      input = cli.stdin.readNBytes(MAX_INPUT_BYTES + 1);
    } catch (IOException e) {
      cli.stderr.println("hyrelog canonicalize: cannot read stdin: " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    if (input.length > MAX_INPUT_BYTES) {
      cli.stderr.println("hyrelog canonicalize: input is larger than " + MAX_INPUT_BYTES
          + " bytes");
      return HyrelogCli.USAGE;
    }
    try {
      byte[] canonical = Jcs.canonicalize(input);
      cli.stdout.write(canonical, 0, canonical.length);
      cli.stdout.flush();
      return HyrelogCli.OK;
    } catch (InvalidJsonException e) {
      cli.stderr.println("hyrelog canonicalize: " + e.getMessage());
      return HyrelogCli.USAGE;
    }
  }
}
