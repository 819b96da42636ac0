package io.hyrelog.cli;

import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.InvalidKeyFileException;
import io.hyrelog.compliance.PemNoteSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code keygen}: a new Ed25519 signing key pair as PEM files. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
        "Creates an Ed25519 signing key pair for checkpoints and snapshots:",
        "NAME.key.pem (PKCS#8 private key, mode 0600) and NAME.pub.pem (public key).",
        "Existing files are never overwritten. Prints the key id and the signed-note",
        "verifier key; the private key is never printed.",
        "Give the server the private key with HYRELOG_SIGNING_KEY_FILE and the same name",
        "with HYRELOG_SIGNING_KEY_NAME; give verifiers the .pub.pem or the verifier key.",
        "Exit codes: 0 created, 2 usage error or unwritable files."})
final class KeygenCommand implements Callable<Integer> {

  @ParentCommand
  private HyrelogCli cli;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = {"the key name on signature lines, e.g. the server's host name",
          "(A-Z a-z 0-9 . _ -); also the file name prefix"})
  private String name;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
      description = "the directory for the two files (default: the current directory)")
  private Path out;

  @Override
  public Integer call() {
    if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")) {
      cli.stderr.println("hyrelog: --name '" + name + "' is not a usable key name (1-128 of"
          + " A-Z a-z 0-9 . _ -, not starting with '.'; e.g. the server's host name)");
      return HyrelogCli.USAGE;
    }
    Path keyFile = out.resolve(name + ".key.pem");
    Path pubFile = out.resolve(name + ".pub.pem");
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      cli.stderr.println("hyrelog: cannot create " + out + ": " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    for (Path p : new Path[] {keyFile, pubFile}) {
      if (Files.exists(p)) {
        cli.stderr.println("hyrelog: " + p + " already exists; refusing to overwrite a key"
            + " file (move it away or choose another --name or --out)");
        return HyrelogCli.USAGE;
      }
    }
    try {
      PemNoteSigner signer = Ed25519Keys.writeNewPrivateKey(keyFile, name, new SecureRandom());
      Ed25519Keys.writePublicKey(pubFile, signer.verifier());
      cli.stdout.println("private key:  " + keyFile + " (keep it secret; mode 0600)");
      cli.stdout.println("public key:   " + pubFile);
      cli.stdout.println("key id:       " + signer.keyId());
      cli.stdout.println("verifier key: " + signer.verifier().verifierKey());
      return HyrelogCli.OK;
    } catch (InvalidKeyFileException e) {
      cli.stderr.println("hyrelog: " + e.getMessage());
      return HyrelogCli.USAGE;
    }
  }
}
