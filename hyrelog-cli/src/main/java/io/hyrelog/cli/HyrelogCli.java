package io.hyrelog.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code hyrelog.jar}: offline tools that trust nothing but their input and a
 * public key. Exit codes: 0 success, 1 integrity failure, 2 usage error or unreadable input.
 */
@Command(
    name = "hyrelog",
    mixinStandardHelpOptions = true,
    version = "hyrelog 0.1.0",
    description = "HyreLog offline tools: canonicalize JSON, verify exported audit chains,"
        + " inclusion and consistency proofs and evidence bundles, countersign bundles, create"
        + " signing keys, decrypt compliance exports, run a tlog witness, verify webhook"
        + " deliveries and receive them.",
    subcommands = {CanonicalizeCommand.class, VerifyCommand.class, VerifyInclusionCommand.class,
        VerifyConsistencyCommand.class, CountersignCommand.class, KeygenCommand.class,
        DecryptCommand.class, WitnessCommand.class, VerifyWebhookCommand.class,
        WebhookReceiverCommand.class})
public final class HyrelogCli implements Runnable {
  static final int OK = 0;
  static final int INTEGRITY_FAILURE = 1;
  static final int USAGE = 2;

  final InputStream stdin;
  final PrintStream stdout;
  final PrintStream stderr;

  HyrelogCli(InputStream stdin, PrintStream stdout, PrintStream stderr) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public void run() {
    stderr.println("hyrelog: name a command: canonicalize, verify, verify-inclusion,"
        + " verify-consistency, countersign, keygen, decrypt, witness, verify-webhook or"
        + " webhook-receiver (see --help)");
    throw new CommandLine.ParameterException(new CommandLine(this), "missing command");
  }

  /**
   * Runs the command line and exits the JVM with its exit code: 0 on success, 1 when an integrity
   * check fails, 2 on a usage error.
   *
   * @param args the command and its options, as typed (see {@code --help})
   */
  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    HyrelogCli root = new HyrelogCli(in, out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(e -> USAGE);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("hyrelog: " + ex.getMessage());
      err.println("Run 'java -jar hyrelog.jar --help' for usage.");
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      err.println("hyrelog: " + ex.getMessage());
      return USAGE;
    });
    return cl.execute(args);
  }
}
