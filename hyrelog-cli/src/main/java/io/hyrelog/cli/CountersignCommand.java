package io.hyrelog.cli;

import io.hyrelog.compliance.evidence.EvidenceException;
import io.hyrelog.compliance.evidence.EvidenceSignatures;
import io.hyrelog.integrity.Ed25519NoteSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code countersign}: one countersignature line over an evidence bundle's signature note. */
@Command(
    name = "countersign",
    mixinStandardHelpOptions = true,
    description = {
        "Prints the countersignature line (— <name> <base64>) of KEY over the text of an",
        "evidence bundle's signature note BUNDLE.sig. Verify the bundle first (hyrelog verify",
        "BUNDLE.zip); then submit the line to POST /compliance/evidence/countersign.",
        "KEY is one of: a signed-note signer key PRIVATE+KEY+<name>+<keyid>+<base64>; an",
        "Ed25519 private key in PEM (PKCS #8, 'BEGIN PRIVATE KEY'); or the 32-byte Ed25519",
        "seed in base64. The last two carry no name: give it with --name.",
        "Exit codes: 0 printed, 2 usage error or unreadable input."})
final class CountersignCommand implements Callable<Integer> {
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "BUNDLE.sig", description = "the bundle's signature")
  private Path signature;

  @Option(names = "--key", paramLabel = "KEY", required = true,
      description = "the countersigner's private key file")
  private Path keyFile;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the key name (required for PEM and raw seeds)")
  private String name;

  @Override
  public Integer call() {
    String note;
    try {
      note = Files.readString(signature);
    } catch (IOException | UncheckedIOException e) {
      cli.stderr.println("hyrelog countersign: cannot read " + signature + ": "
          + e.getMessage());
      return HyrelogCli.USAGE;
    }
    Ed25519NoteSigner signer;
    try {
      signer = signer(Files.readString(keyFile).strip());
    } catch (IOException | UncheckedIOException e) {
      cli.stderr.println("hyrelog countersign: cannot read key " + keyFile + ": "
          + e.getMessage());
      return HyrelogCli.USAGE;
    } catch (IllegalArgumentException e) {
      cli.stderr.println("hyrelog countersign: " + keyFile + ": " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    try {
      cli.stdout.println(EvidenceSignatures.countersignLine(signer, note));
      cli.stderr.println("hyrelog countersign: signed by " + signer.verifier().verifierKey());
      return HyrelogCli.OK;
    } catch (EvidenceException e) {
      cli.stderr.println("hyrelog countersign: " + signature + ": " + e.getMessage());
      return HyrelogCli.USAGE;
    }
  }

  private Ed25519NoteSigner signer(String text) {
    byte[] seed = null;
    try {
      if (text.startsWith("PRIVATE+KEY+")) {
        String[] p = text.split("\\+", -1);
        if (p.length != 5) {
          throw new IllegalArgumentException("a signer key has the form"
              + " PRIVATE+KEY+<name>+<keyid>+<base64>");
        }
        byte[] typed = decode(p[4]);
        if (typed.length != 33 || typed[0] != 1) {
          throw new IllegalArgumentException("only Ed25519 signer keys (type 0x01) are read");
        }
        seed = Arrays.copyOfRange(typed, 1, 33);
        Ed25519NoteSigner s = Ed25519NoteSigner.fromSeed(name != null ? name : p[2], seed);
        if (name == null && !String.format("%08x", s.verifier().keyId()).equals(p[3])) {
          throw new IllegalArgumentException("the signer key's id does not match its key");
        }
        return s;
      }
      if (name == null) {
        throw new IllegalArgumentException("a PEM key or raw seed carries no name: pass --name");
      }
      if (text.contains(PEM_BEGIN)) {
        int b = text.indexOf(PEM_BEGIN) + PEM_BEGIN.length();
        int e = text.indexOf(PEM_END, b);
        if (e < 0) {
          throw new IllegalArgumentException("PEM block has no END line");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(b, e));
        if (der.length != PKCS8_PREFIX.length + 32
            || !Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0,
            PKCS8_PREFIX.length)) {
          throw new IllegalArgumentException("not an Ed25519 private key in PKCS #8 PEM");
        }
        seed = Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length);
        Arrays.fill(der, (byte) 0);
      } else {
        seed = decode(text);
        if (seed.length != 32) {
          throw new IllegalArgumentException("a raw Ed25519 seed has 32 bytes, got "
              + seed.length);
        }
      }
      return Ed25519NoteSigner.fromSeed(name, seed);
    } finally {
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  private static byte[] decode(String b64) {
    try {
      return Base64.getDecoder().decode(b64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key is not base64");
    }
  }
}
