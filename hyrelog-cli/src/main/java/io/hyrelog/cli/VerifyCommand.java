package io.hyrelog.cli;

import io.hyrelog.HyrelogException;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code verify}: checks a JSONL export offline. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Verifies a HyreLog JSONL export (plain or .gz) offline: recomputes every event hash and",
        "personal-data commitment, checks every seq and link, and matches checkpoints.",
        "A file may hold several chains and ranges that start mid-chain (archive segments);",
        "for each chain it prints the first and last seq with their prevHash and head hash.",
        "A filtered export (by time, category, actor ...) has gaps in its chains: verify it with",
        "--allow-gaps; without the flag a missing seq is a failure.",
        "Checkpoints are checked against the log's signing keys (--public-key); without a key",
        "a checkpoint is refused unless --no-signature-check says to match it unchecked.",
        "With --proofs (the proofs companion of an export created with \"proofs\": true, GET",
        "/v1/exports/{jobId}/proofs) every event must also be proven, by its RFC 9162",
        "inclusion proof, in its chain's signed checkpoint in that file (signatures first).",
        "A file ending in .zip is an evidence bundle: every file is re-hashed against its",
        "manifest, every event is re-hashed and linked, each chain's checkpoint is matched, and",
        "the detached signature BUNDLE.sig is checked against the --signer-key keys and the",
        "countersignatures in BUNDLE.countersign (beside it) against the --countersigner-key",
        "keys; a key has one role. A key is a file of verifier keys (name+keyid+base64), one",
        "verifier key, or NAME=FILE.pem (an Ed25519 public key in PEM under key name NAME).",
        "Exit codes: 0 valid, 1 integrity failure, 2 usage error or unreadable input."})
final class VerifyCommand implements Callable<Integer> {

  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "FILE", description = "the export to verify")
  private Path file;

  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "a checkpoint (signed note) the export must match; repeatable")
  private List<Path> checkpoints = new ArrayList<>();

  @Option(names = "--proofs", paramLabel = "FILE",
      description = {"exports: the export's proofs (GET /v1/exports/{jobId}/proofs): each",
          "event's inclusion proof in its chain's signed checkpoint; needs --public-key"})
  private Path proofs;

  @Option(names = "--public-key", paramLabel = "KEY",
      description = {"exports: the log's signing keys that checkpoints must be signed by: a file",
          "of verifier keys (name+keyid+base64), one verifier key, or NAME=FILE.pem; repeatable"})
  private List<String> publicKeys = new ArrayList<>();

  @Option(names = "--signer-key", paramLabel = "KEY",
      description = {"bundles: the server's signing keys, trusted for the bundle signature and",
          "the checkpoints only (same forms as --public-key); repeatable"})
  private List<String> signerKeys = new ArrayList<>();

  @Option(names = "--countersigner-key", paramLabel = "KEY",
      description = {"bundles: the countersigners' keys, trusted for countersignatures only",
          "(same forms as --public-key); repeatable"})
  private List<String> countersignerKeys = new ArrayList<>();

  @Option(names = "--no-signature-check",
      description = {"exports: match --checkpoint files without checking who signed them",
          "(the output says so); without it a checkpoint needs --public-key"})
  private boolean noSignatureCheck;

  @Option(names = "--chain", paramLabel = "WORKSPACE_ID",
      description = "only this chain may appear in the file; repeatable")
  private List<UUID> chains = new ArrayList<>();

  @Option(names = "--allow-gaps",
      description = {"accept jumps forward in seq (a filtered export) and count them; every",
          "event is still re-hashed and links between consecutive seqs are still checked"})
  private boolean allowGaps;

  @Option(names = "--require-countersign",
      description = "bundles: fail unless a key other than the signer's countersigned")
  private boolean requireCountersign;

  @Option(names = "--signature", paramLabel = "FILE",
      description = "bundles: the detached signature (default: BUNDLE.sig beside the zip)")
  private Path signature;

  @Option(names = "--countersign", paramLabel = "FILE",
      description = "bundles: the countersign note (default: BUNDLE.countersign)")
  private Path countersign;

  @Option(names = {"-q", "--quiet"}, description = "no progress on stderr")
  private boolean quiet;

  @Option(names = "--progress-interval", paramLabel = "MILLIS", hidden = true,
      defaultValue = "2000", description = "least time between progress lines")
  private long progressIntervalMillis;

  @Override
  public Integer call() {
    if (file.getFileName() != null && file.getFileName().toString().endsWith(".zip")) {
      return bundle();
    }
    if (requireCountersign || signature != null || countersign != null
        || !signerKeys.isEmpty() || !countersignerKeys.isEmpty()) {
      return usage("--require-countersign, --signature, --countersign, --signer-key and"
          + " --countersigner-key apply to evidence bundles (.zip) only; an export's"
          + " checkpoints are checked against --public-key");
    }
    if (noSignatureCheck && !publicKeys.isEmpty()) {
      return usage("--no-signature-check and --public-key contradict each other: give one");
    }
    if ((!checkpoints.isEmpty() || proofs != null) && publicKeys.isEmpty() && !noSignatureCheck) {
      return usage("a checkpoint is evidence only with its signature checked: pass --public-key"
          + " KEY (the log's signing key, e.g. NAME=NAME.pub.pem or the verifier key of GET"
          + " /v1/signing-keys), or --no-signature-check to match it unchecked");
    }
    ChainVerifier.Builder builder = ChainVerifier.builder().expectChains(chains);
    if (allowGaps) {
      builder.allowGaps();
    }
    List<NoteVerifier> keys;
    try {
      keys = TrustedKeys.load("--public-key", publicKeys);
      for (Path cpFile : checkpoints) {
        builder.checkpoint(InputFiles.checkpoint(cpFile, keys, noSignatureCheck));
      }
    } catch (UsageException e) {
      return usage(e.getMessage());
    } catch (HyrelogException e) {
      cli.stdout.println("FAILED: " + SignatureFailure.describe(e));
      return HyrelogCli.INTEGRITY_FAILURE;
    }
    if (proofs == null) {
      return verifyExport(builder.build(), null);
    }
    try (ExportProofCheck check = ExportProofCheck.open(proofs, keys, noSignatureCheck)) {
      if (check.failure().isPresent()) {
        cli.stdout.println("FAILED: " + check.failure().get());
        return HyrelogCli.INTEGRITY_FAILURE;
      }
      return verifyExport(builder.build(), check);
    } catch (UsageException e) {
      return usage(e.getMessage());
    }
  }

  private int verifyExport(ChainVerifier verifier, ExportProofCheck check) {    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      cli.stderr.println("hyrelog verify: no such file: " + file);
      return HyrelogCli.USAGE;
    } catch (IOException e) {
      cli.stderr.println("hyrelog verify: cannot read " + file + ": " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    long started = System.nanoTime();
    long lastProgress = started;
    try (JsonlEventReader reader = JsonlEventReader.open(file)) {
      long lines = 0;
      for (JsonlEventReader.Line line = reader.next(); line != null; line = reader.next()) {
        lines++;
        boolean ok = line.error() != null
            ? verifier.malformed(line.number(), line.error())
            : verifier.accept(line.tree(), line.number());
        if (ok && check != null) {
          ok = check.accept(line.tree());
        }
        if (!ok) {
          break;
        }
        if (!quiet && (lines & 1023) == 0) {
          long now = System.nanoTime();
          if (now - lastProgress >= progressIntervalMillis * 1_000_000L) {
            lastProgress = now;
            cli.stderr.printf(Locale.ROOT, "hyrelog verify: %,d events, %s of %s%n", lines,
                bytes(reader.bytesRead()), bytes(size));
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      cli.stderr.println("hyrelog verify: cannot read " + file + ": " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    VerificationReport report = verifier.finish();
    print(report, (System.nanoTime() - started) / 1_000_000);
    if (noSignatureCheck && (!checkpoints.isEmpty() || check != null)) {
      cli.stdout.println("signatures: NOT checked (--no-signature-check): the checkpoints were"
          + " matched, but anyone could have written them");
    }
    if (!report.ok()) {
      return HyrelogCli.INTEGRITY_FAILURE;
    }
    if (check != null) {
      check.finish();
      if (check.failure().isPresent()) {
        cli.stdout.println("FAILED: " + check.failure().get());
        if (check.proven() > 0) {
          cli.stdout.println("the first " + check.proven() + " events were proven before the"
              + " failure");
        }
        return HyrelogCli.INTEGRITY_FAILURE;
      }
      cli.stdout.printf(Locale.ROOT, "proofs: %d events each proven in its chain's signed"
          + " checkpoint (%d checkpoint(s), RFC 9162 inclusion proofs)%n", check.proven(),
          check.checkpointCount());
    }
    return HyrelogCli.OK;
  }

  private void print(VerificationReport report, long millis) {
    for (ChainRange r : report.chains()) {
      if (r.gaps() == 0) {
        cli.stdout.printf(Locale.ROOT, "chain %s: seq %d..%d (%d events)%n", r.chainId(),
            r.firstSeq(), r.lastSeq(), r.count());
      } else {
        cli.stdout.printf(Locale.ROOT, "chain %s: seq %d..%d (%d events, %d gaps)%n",
            r.chainId(), r.firstSeq(), r.lastSeq(), r.count(), r.gaps());
      }
      cli.stdout.println("  first prevHash " + r.firstPrevHash().hex());
      cli.stdout.println("  head hash      " + r.headHash().hex());
    }
    if (report.ok()) {
      cli.stdout.printf(Locale.ROOT, "OK: %d events in %d chain(s) verified, %d checkpoint(s)"
              + " matched (%d ms)%n", report.events(), report.chains().size(),
          report.checkpointsChecked(), millis);
      if (allowGaps) {
        cli.stdout.printf(Locale.ROOT, "gaps: %d (jumps in seq accepted with --allow-gaps;"
            + " the events between them are not in this file)%n", report.gaps());
      }
    } else {
      IntegrityFailure f = report.failure().orElseThrow();
      cli.stdout.println("FAILED: " + f);
      if (f.seq() > 1) {
        cli.stdout.println("the chain verified up to seq " + (f.seq() - 1)
            + " before the failure; nothing after it was checked");
      }
    }
  }

  static String bytes(long n) {
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }

  /** A problem with the command line or its files, not with the export's integrity. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private int bundle() {
    if (!publicKeys.isEmpty()) {
      return usage("--public-key is ambiguous for an evidence bundle: give the server's signing"
          + " keys with --signer-key and the countersigners' keys with --countersigner-key (a"
          + " key has one role)");
    }
    if (noSignatureCheck || !checkpoints.isEmpty() || !chains.isEmpty() || allowGaps
        || proofs != null) {
      return usage("--no-signature-check, --checkpoint, --chain, --allow-gaps and --proofs"
          + " apply to exports; a bundle carries its own checkpoints (and proofs)");
    }
    if (signerKeys.isEmpty()) {
      return usage("a bundle is verified against the server's signing key: pass --signer-key"
          + " KEY (the export's signer_key, or NAME=FILE.pem)");
    }
    if (requireCountersign && countersignerKeys.isEmpty()) {
      return usage("--require-countersign needs the countersigners' keys: pass"
          + " --countersigner-key KEY");
    }
    List<NoteVerifier> signers;
    List<NoteVerifier> countersigners;
    try {
      signers = TrustedKeys.load("--signer-key", signerKeys);
      countersigners = TrustedKeys.load("--countersigner-key", countersignerKeys);
    } catch (UsageException e) {
      return usage(e.getMessage());
    }
    return BundleVerification.run(file, signature, countersign, signers, countersigners,
        requireCountersign, new BundleVerification.Progress(quiet ? null : cli.stderr,
            progressIntervalMillis), cli.stdout, cli.stderr);
  }

  private int usage(String message) {
    cli.stderr.println("hyrelog verify: " + message);
    return HyrelogCli.USAGE;
  }
}
