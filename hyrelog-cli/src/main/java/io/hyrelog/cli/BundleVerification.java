package io.hyrelog.cli;

import io.hyrelog.compliance.evidence.EvidenceVerification;
import io.hyrelog.compliance.evidence.EvidenceVerifier;
import io.hyrelog.integrity.NoteVerifier;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code verify BUNDLE.zip}: an evidence package, its signature and countersignatures. */
final class BundleVerification {
  private BundleVerification() {}

  /** Throttled progress lines on stderr ({@code null} stream: none). */
  static final class Progress {
    private final PrintStream err;
    private final long intervalNanos;
    private long last = System.nanoTime();

    Progress(PrintStream errOrNull, long intervalMillis) {
      this.err = errOrNull;
      this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void report(long events, long bytes, long total) {
      long now = System.nanoTime();
      if (err == null || now - last < intervalNanos) {
        return;
      }
      last = now;
      err.printf(java.util.Locale.ROOT, "hyrelog verify: %,d events, %s of %s%n", events,
          VerifyCommand.bytes(bytes), total < 0 ? "?" : VerifyCommand.bytes(total));
    }
  }

  /**
   * @param signers the keys trusted for the bundle signature and the checkpoints only
   * @param countersigners the keys trusted for countersignatures only
   */
  static int run(Path pkg, Path signature, Path countersign, List<NoteVerifier> signers,
      List<NoteVerifier> countersigners, boolean requireCountersign, Progress progress,
      PrintStream out, PrintStream err) {
    String base = pkg.getFileName().toString().replaceFirst("\\.zip$", "");
    Path sig = signature != null ? signature : pkg.resolveSibling(base + ".sig");
    Path cs = countersign != null ? countersign : pkg.resolveSibling(base + ".countersign");
    if (!Files.isRegularFile(pkg)) {
      err.println("hyrelog verify: no such file: " + pkg);
      return HyrelogCli.USAGE;
    }
    if (signature != null && !Files.isRegularFile(signature)) {
      err.println("hyrelog verify: no such signature file: " + signature);
      return HyrelogCli.USAGE;
    }
    if (countersign != null && !Files.isRegularFile(countersign)) {
      err.println("hyrelog verify: no such countersign file: " + countersign);
      return HyrelogCli.USAGE;
    }
    EvidenceVerifier verifier;
    try {
      verifier = new EvidenceVerifier(signers, countersigners);
    } catch (IllegalArgumentException e) {
      err.println("hyrelog verify: --signer-key and --countersigner-key name the same key: "
          + e.getMessage());
      return HyrelogCli.USAGE;
    }
    EvidenceVerification v = verifier.verify(pkg, sig, cs, requireCountersign, progress::report);
    out.println("package_exists: " + v.packageExists());
    out.println("manifest_valid: " + v.manifestValid());
    out.println("events_valid: " + v.eventsValid());
    out.println("checkpoints_valid: " + v.checkpointsValid());
    out.println("checkpoint_count: " + v.checkpointCount());
    out.println("proofs_valid: " + v.proofsValid());
    out.println("proofs_checked: " + v.proofsChecked());
    out.println("signature_checked: " + v.signatureChecked());
    out.println("signature_valid: " + v.signatureValid());
    out.println("countersign_checked: " + v.countersignChecked());
    out.println("countersign_valid: " + v.countersignValid());
    out.println("countersign_count: " + v.countersignCount());
    out.println("require_countersign: " + requireCountersign);
    v.bundleId().ifPresent(id -> out.println("bundle_id: " + id));
    if (v.events() >= 0) {
      out.println("events: " + v.events());
    }
    for (String p : v.problems()) {
      out.println("problem: " + p);
    }
    if (v.problemsTruncated()) {
      out.println("problems: " + v.problemCount() + " in all; the first " + v.problems().size()
          + " are shown");
    }
    out.println(v.ok() ? "OK: evidence bundle verified" : "FAILED: evidence bundle did not"
        + " verify");
    return v.ok() ? HyrelogCli.OK : HyrelogCli.INTEGRITY_FAILURE;
  }
}
