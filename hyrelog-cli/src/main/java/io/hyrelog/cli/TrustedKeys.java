package io.hyrelog.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.InvalidKeyFileException;
import io.hyrelog.integrity.NoteVerifier;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Keys given on the command line for one role ({@code --public-key}, {@code --signer-key},
 * {@code --countersigner-key}), each one named, since the name decides which log a key
 * vouches for and which signature lines it checks:
 *
 * <ul>
 *   <li>a file of signed-note verifier keys ({@code name+keyid+base64}, one per line, {@code #}
 *       comments);
 *   <li>the JSON of the server's {@code GET /v1/signing-keys} saved to a file (every key of its
 *       {@code data} array, by its {@code verifierKey});
 *   <li>one verifier key given inline;
 *   <li>{@code NAME=FILE.pem}: an Ed25519 public key in PEM under the key name {@code NAME}.
 * </ul>
 *
 * <p>A bare PEM file is refused: a PEM key carries no name, and taking the name from whatever a
 * signature line says would let any key vouch for any log.
 */
final class TrustedKeys {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrustedKeys() {}

  /**
   * The keys of {@code specs}, each at most once.
   *
   * @param option the option they were given with, for messages
   * @throws VerifyCommand.UsageException naming the option and the key when one is unusable
   */
  static List<NoteVerifier> load(String option, List<String> specs) {
    LinkedHashSet<NoteVerifier> out = new LinkedHashSet<>();
    for (String spec : specs) {
      out.addAll(one(option, spec));
    }
    return List.copyOf(out);
  }

  private static List<NoteVerifier> one(String option, String spec) {
    Path file = path(spec);
    if (file != null && Files.isRegularFile(file)) {
      String text = read(file);
      if (isPem(text)) {
        throw new VerifyCommand.UsageException(option + " " + spec + " is a PEM public key,"
            + " which carries no key name: give it as " + option + " NAME=" + spec + " (NAME:"
            + " the key name on the signature lines, e.g. the server's HYRELOG_SIGNING_KEY_NAME)");
      }
      if (text.stripLeading().startsWith("{")) {
        return signingKeysJson(option, file, text);
      }
      return verifierKeys(option, file, text);
    }
    try {
      return List.of(NoteVerifier.parse(spec.strip()));
    } catch (HyrelogException notInline) {
      // not a verifier key: a NAME=FILE.pem or a missing file
    }
    int eq = spec.indexOf('=');
    if (eq > 0) {
      String name = spec.substring(0, eq);
      Path pem = path(spec.substring(eq + 1));
      if (pem == null || !Files.isRegularFile(pem)) {
        throw new VerifyCommand.UsageException(option + " " + spec + ": no such file: "
            + spec.substring(eq + 1));
      }
      String text = read(pem);
      if (!isPem(text)) {
        throw new VerifyCommand.UsageException(option + " " + spec + ": NAME=FILE takes an"
            + " Ed25519 public key in PEM; give a file of verifier keys without NAME=");
      }
      try {
        return List.of(Ed25519Keys.parseVerifier(name, text, pem.toString()));
      } catch (InvalidKeyFileException e) {
        throw new VerifyCommand.UsageException(option + ": " + e.getMessage());
      }
    }
    throw new VerifyCommand.UsageException(option + " " + spec + ": no such file, and not a"
        + " verifier key (name+keyid+base64) or NAME=FILE.pem");
  }

  private static List<NoteVerifier> verifierKeys(String option, Path file, String text) {
    List<NoteVerifier> keys = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      try {
        keys.add(NoteVerifier.parse(l));
      } catch (HyrelogException e) {
        throw new VerifyCommand.UsageException(option + " " + file + " line " + n + " is not a"
            + " verifier key (name+keyid+base64): " + e.getMessage());
      }
    }
    if (keys.isEmpty()) {
      throw new VerifyCommand.UsageException(option + " " + file + " holds no verifier key");
    }
    return keys;
  }

  /** The keys of a saved {@code GET /v1/signing-keys} answer: {@code {"data":[{"verifierKey"}]}}. */
  private static List<NoteVerifier> signingKeysJson(String option, Path file, String text) {
    JsonNode data;
    try {
      data = JSON.readTree(text).path("data");
    } catch (JsonProcessingException e) {
      throw new VerifyCommand.UsageException(option + " " + file + " is not valid JSON: "
          + e.getOriginalMessage());
    }
    if (!data.isArray() || data.isEmpty()) {
      throw new VerifyCommand.UsageException(option + " " + file + " is JSON without a"
          + " non-empty \"data\" array: save the answer of GET /v1/signing-keys as it is");
    }
    List<NoteVerifier> keys = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonNode key = data.get(i).path("verifierKey");
      if (!key.isTextual()) {
        throw new VerifyCommand.UsageException(option + " " + file + ": /data/" + i
            + "/verifierKey is missing or not a string");
      }
      try {
        keys.add(NoteVerifier.parse(key.asText()));
      } catch (HyrelogException e) {
        throw new VerifyCommand.UsageException(option + " " + file + ": /data/" + i
            + "/verifierKey is not a verifier key: " + e.getMessage());
      }
    }
    return keys;
  }

  private static boolean isPem(String text) {
    return text.contains("-----BEGIN ");
  }

  private static Path path(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String read(Path file) {
    return InputFiles.text(file, 1 << 20, "key file");
  }

}
