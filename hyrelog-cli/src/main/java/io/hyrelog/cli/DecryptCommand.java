package io.hyrelog.cli;

import io.hyrelog.compliance.export.Decrypted;
import io.hyrelog.compliance.export.ExportDecryptionException;
import io.hyrelog.compliance.export.ExportEncryption;
import io.hyrelog.compliance.export.ExportKey;
import io.hyrelog.compliance.export.InvalidExportKeyException;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code decrypt}: an encrypted compliance export back to its JSONL or CSV. */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    description = {
        "Decrypts an encrypted compliance export (the JSON envelope *.enc.json or the streaming",
        "format *.enc) with the AES-256 key in --key-file (64 hex digits or base64).",
        "Output goes to a temporary file beside --out (default: FILE without .enc/.enc.json)",
        "and is renamed into place only after the whole file authenticated; a tampered,",
        "truncated or extended file, or a wrong key, leaves no output. --out - writes to",
        "stdout: only authenticated segments are written, but a failure at the end means the",
        "output is incomplete.",
        "Exit codes: 0 decrypted, 1 authentication failed (tampered or wrong key), 2 usage",
        "error or unreadable input."})
final class DecryptCommand implements Callable<Integer> {
  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "FILE", description = "the encrypted export")
  private Path file;

  @Option(names = "--key-file", required = true, paramLabel = "K",
      description = "file holding the 32-byte key as hex or base64")
  private Path keyFile;

  @Option(names = "--key-id", paramLabel = "ID",
      description = "the key's id; if given, the file's key id must match")
  private String keyId;

  @Option(names = "--out", paramLabel = "PATH",
      description = "where the plaintext goes; - for stdout")
  private String out;

  @Option(names = "--force", description = "replace an existing output file")
  private boolean force;

  @Override
  public Integer call() {
    ExportKey key;
    try {
      key = ExportKey.read(keyId, keyFile);
    } catch (InvalidExportKeyException e) {
      return fail(HyrelogCli.USAGE, e.getMessage());
    }
    if (!Files.isRegularFile(file)) {
      return fail(HyrelogCli.USAGE, file + " does not exist or is not a file");
    }
    if ("-".equals(out)) {
      try (InputStream in = Files.newInputStream(file)) {
        Decrypted d = ExportEncryption.decrypt(in, cli.stdout, key);
        cli.stdout.flush();
        return report(d, "stdout");
      } catch (ExportDecryptionException e) {
        cli.stdout.flush();
        return fail(HyrelogCli.INTEGRITY_FAILURE, e.getMessage());
      } catch (IOException e) {
        return fail(HyrelogCli.USAGE, "cannot read " + file + ": " + e);
      }
    }
    Path target = out != null ? Path.of(out) : defaultOut(file);
    if (target == null) {
      return fail(HyrelogCli.USAGE, "cannot derive the output name from " + file
          + " (it does not end in .enc or .enc.json); give --out");
    }
    if (Files.exists(target) && !force) {
      return fail(HyrelogCli.USAGE, target + " exists; remove it or give --force");
    }
    try (StagedFile staged = StagedFile.create(target, FileMode.PRIVATE)) {
      Decrypted d;
      try (InputStream in = Files.newInputStream(file)) {
        d = ExportEncryption.decrypt(in, staged.outputStream(), key);
      }
      if (force) {
        staged.publishReplacing();
      } else {
        staged.publish();
      }
      return report(d, target.toString());
    } catch (ExportDecryptionException e) {
      return fail(HyrelogCli.INTEGRITY_FAILURE, e.getMessage() + "; no output written");
    } catch (FileAlreadyExistsException e) {
      return fail(HyrelogCli.USAGE, target + " exists; remove it or give --force");
    } catch (NoSuchFileException e) {
      return fail(HyrelogCli.USAGE, "no such file or directory: " + e.getFile());
    } catch (IOException e) {
      return fail(HyrelogCli.USAGE, "cannot decrypt " + file + " to " + target + ": " + e);
    }
  }

  static Path defaultOut(Path file) {
    String n = file.getFileName().toString();
    String base = n.endsWith(".enc.json") ? n.substring(0, n.length() - 9)
        : n.endsWith(".enc") ? n.substring(0, n.length() - 4) : null;
    return base == null || base.isEmpty() ? null : file.resolveSibling(base);
  }

  private int report(Decrypted d, String where) {
    cli.stderr.println("hyrelog decrypt: OK " + d.format().name().toLowerCase()
        + " key=" + d.keyId() + " company=" + d.descriptor().companyId() + " type="
        + d.descriptor().type() + " format=" + d.descriptor().format() + " created="
        + d.descriptor().createdAt() + " bytes=" + d.plaintextBytes() + " -> " + where);
    return HyrelogCli.OK;
  }

  private int fail(int code, String message) {
    cli.stderr.println("hyrelog decrypt: " + message);
    return code;
  }
}
