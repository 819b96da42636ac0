package io.hyrelog.cli;

import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.InvalidKeyFileException;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint signing keys given with {@code --public-key}: signed-note verifier keys
 * ({@code name+keyid+base64}) or Ed25519 public keys in PEM. A PEM key carries no name, so it is
 * matched against each signature line's name by key id.
 */
final class TrustedKeys {
  private final List<NoteVerifier> verifiers;
  private final List<byte[]> rawKeys;

  private TrustedKeys(List<NoteVerifier> verifiers, List<byte[]> rawKeys) {
    this.verifiers = verifiers;
    this.rawKeys = rawKeys;
  }

  static TrustedKeys load(List<Path> files) {
    List<NoteVerifier> verifiers = new ArrayList<>();
    List<byte[]> raw = new ArrayList<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f);
      } catch (IOException | UncheckedIOException e) {
        throw new VerifyCommand.UsageException("cannot read public key " + f + ": "
            + e.getMessage());
      }
      if (text.contains("-----BEGIN ")) {
        raw.add(pemToRaw(f, text));
        continue;
      }
      for (String line : text.split("\n")) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        try {
          verifiers.add(NoteVerifier.parse(l));
        } catch (RuntimeException e) {
          throw new VerifyCommand.UsageException(f + " holds a line that is not a verifier key"
              + " (name+keyid+base64) or a PEM public key: " + e.getMessage());
        }
      }
    }
    if (!files.isEmpty() && verifiers.isEmpty() && raw.isEmpty()) {
      throw new VerifyCommand.UsageException("no public key found in " + files);
    }
    return new TrustedKeys(verifiers, raw);
  }

  private static byte[] pemToRaw(Path f, String text) {
    try {
      // The name is a placeholder: a PEM key carries none; signatures supply it.
      return Ed25519Keys.parseVerifier("pem", text, f.toString()).rawPublicKey();
    } catch (InvalidKeyFileException e) {
      throw new VerifyCommand.UsageException(e.getMessage());
    }
  }

  boolean isEmpty() {
    return verifiers.isEmpty() && rawKeys.isEmpty();
  }

  /**
   * The trusted verifiers for {@code notes}: the verifier keys as given, and each PEM key under
   * every name that a signature line of the notes carries with that key's id.
   */
  List<NoteVerifier> forNotes(List<SignedNote> notes) {
    List<NoteVerifier> trusted = new ArrayList<>(verifiers);
    for (byte[] raw : rawKeys) {
      for (SignedNote note : notes) {
        for (NoteSignature sig : note.signatures()) {
          try {
            NoteVerifier candidate = NoteVerifier.of(sig.keyName(), raw);
            if (candidate.keyId() == sig.keyId() && !trusted.contains(candidate)) {
              trusted.add(candidate);
            }
          } catch (IllegalArgumentException e) {
            // not this key
          }
        }
      }
    }
    return trusted;
  }

  /** A bare checkpoint body, or the body of a signed note whose signatures are not checked. */
  Checkpoint parseUnverified(String text) {
    if (text.contains("\n\n\u2014 ")) {
      return Checkpoint.parse(SignedNote.parse(text).text());
    }
    return Checkpoint.parse(text);
  }

  /**
   * Verifies a signed checkpoint note against the trusted keys.
   *
   * @throws io.hyrelog.integrity.InvalidSignatureException when no trusted key signed it
   */
  Checkpoint verify(String text) {
    SignedNote note = SignedNote.parse(text);
    List<NoteVerifier> trusted = new ArrayList<>(verifiers);
    for (byte[] raw : rawKeys) {
      for (NoteSignature sig : note.signatures()) {
        NoteVerifier candidate = NoteVerifier.of(sig.keyName(), raw);
        if (candidate.keyId() == sig.keyId()) {
          trusted.add(candidate);
        }
      }
    }
    note.verify(trusted);
    return Checkpoint.parse(note.text());
  }
}
