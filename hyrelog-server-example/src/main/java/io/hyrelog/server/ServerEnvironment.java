package io.hyrelog.server;

import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.config.SigningSettings;
import io.hyrelog.server.config.WebhookSettings;
import io.hyrelog.server.config.WitnessSettings;
import io.hyrelog.server.config.ComplianceExportSettings;
import io.hyrelog.server.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The environment variables the server reads: the one list of known names ({@link
 * ServerConfig} and each settings class declare theirs, this class joins them), secrets read
 * from files ({@code <NAME>_FILE}), and the refusal of unknown {@code HYRELOG_*} variables with
 * the closest known name.
 *
 * <p>{@link #resolve} returns a map that refuses to read a {@code HYRELOG_*} name missing from
 * the list ({@link IllegalStateException}): a setting read but not declared fails every test
 * that reads the configuration, so a new variable cannot be forgotten in the list (and a test
 * holds the list equal to the variables docs/configuration.md documents).
 */
public final class ServerEnvironment {
  /** Appended to a secret variable's name: the variable then names a file holding the value. */
  public static final String FILE_SUFFIX = "_FILE";
  /** Names of the test suites' own variables, never the server's. */
  static final String TEST_PREFIX = "HYRELOG_TEST_";
  private static final String PREFIX = "HYRELOG_";
  /** The largest secret file read (a secret is a line, a URL or a key). */
  static final int MAX_SECRET_FILE_BYTES = 64 * 1024;
  /** Longer names are not compared for a suggestion (and are cut short in messages). */
  private static final int MAX_NAME_CHARS = 200;
  /** Unknown variables named in one message. */
  private static final int MAX_REPORTED = 10;

  private static final List<String> KNOWN = Stream.of(ServerConfig.VARIABLES,
      ArchiveSettings.VARIABLES, SigningSettings.VARIABLES, EvidenceSettings.VARIABLES,
      ComplianceExportSettings.VARIABLES, DatabaseSettings.VARIABLES, LimitSettings.VARIABLES,
      WitnessSettings.VARIABLES, WebhookSettings.VARIABLES)
      .flatMap(List::stream).distinct().toList();
  private static final Set<String> SECRETS = Collections.unmodifiableSet(new LinkedHashSet<>(
      Stream.of(ServerConfig.SECRETS, ArchiveSettings.SECRETS, EvidenceSettings.SECRETS,
          ComplianceExportSettings.SECRETS, WebhookSettings.SECRETS).flatMap(List::stream).toList()));
  private static final Set<String> ACCEPTED;

  static {
    Set<String> known = new LinkedHashSet<>(KNOWN);
    for (String s : SECRETS) {
      if (!known.contains(s)) {
        throw new ExceptionInInitializerError("secret " + s + " is not a known variable");
      }
    }
    for (String s : SECRETS) {
      known.add(s + FILE_SUFFIX);
    }
    ACCEPTED = Collections.unmodifiableSet(known);
  }

  private ServerEnvironment() {}

  /** Every variable the server reads (without the {@code _FILE} variants), in a stable order. */
  public static List<String> known() {
    return KNOWN;
  }

  /** The variables that hold secrets: each may instead come from {@code <NAME>_FILE}. */
  public static Set<String> secrets() {
    return SECRETS;
  }

  /** Every name the server accepts: {@link #known()} and the {@code _FILE} variants. */
  public static Set<String> accepted() {
    return ACCEPTED;
  }

  /**
   * The environment the settings are read from: {@code env} with each {@code <SECRET>_FILE}
   * replaced by {@code <SECRET>} holding the file's content (trailing line breaks removed).
   * Idempotent.
   *
   * @throws ConfigException naming an unknown {@code HYRELOG_*} variable and the closest known
   *     one; naming both variables when a secret and its {@code _FILE} are both set; naming the
   *     variable and the file when it cannot be read (never quoting the file's content)
   */
  public static Map<String, String> resolve(Map<String, String> env) {
    List<String> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith(PREFIX) && !name.startsWith(TEST_PREFIX)
          && !ACCEPTED.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknownMessage(unknown));
    }
    Map<String, String> out = new TreeMap<>(env);
    for (String secret : SECRETS) {
      String fileVariable = secret + FILE_SUFFIX;
      String file = out.remove(fileVariable);
      if (file == null || file.isBlank()) {
        continue;
      }
      String direct = out.get(secret);
      if (direct != null && !direct.isBlank()) {
        throw new ConfigException("both " + secret + " and " + fileVariable + " are set; set"
            + " one of them");
      }
      out.put(secret, readSecret(fileVariable, file.strip()));
    }
    return new Declared(Collections.unmodifiableMap(out));
  }

  private static String readSecret(String variable, String file) {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new ConfigException(variable + " must name a file, got an invalid path");
    }
    String problem = null;
    byte[] bytes = null;
    if (Files.isDirectory(path)) {
      problem = "is a directory, not a file";
    } else {
      try (InputStream in = Files.newInputStream(path)) {
        bytes = in.readNBytes(MAX_SECRET_FILE_BYTES + 1);
        if (bytes.length > MAX_SECRET_FILE_BYTES) {
          problem = "is larger than " + MAX_SECRET_FILE_BYTES + " bytes";
        }
      } catch (NoSuchFileException e) {
        problem = "does not exist";
      } catch (AccessDeniedException e) {
        problem = "is not readable (permission denied)";
      } catch (IOException | SecurityException e) {
        problem = "cannot be read (" + e.getClass().getSimpleName() + ")";
      }
    }
    if (problem == null) {
      try {
        String value = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == '\n' || value.charAt(end - 1) == '\r')) {
          end--;
        }
        value = value.substring(0, end);
        if (!value.isBlank()) {
          return value;
        }
        problem = "is empty";
      } catch (CharacterCodingException e) {
        problem = "is not UTF-8 text";
      }
    }
    throw new ConfigException(variable + ": the file " + path + " " + problem);
  }

  private static String unknownMessage(List<String> unknown) {
    StringBuilder m = new StringBuilder();
    for (String name : unknown.subList(0, Math.min(unknown.size(), MAX_REPORTED))) {
      if (m.length() > 0) {
        m.append('\n');
      }
      String shown = name.length() > MAX_NAME_CHARS ? name.substring(0, MAX_NAME_CHARS) + "…"
          : name;
      m.append("unknown variable ").append(shown);
      String closest = closest(name);
      if (closest != null) {
        m.append("; did you mean ").append(closest).append('?');
      } else {
        m.append("; the server's variables are listed in docs/configuration.md");
      }
    }
    if (unknown.size() > MAX_REPORTED) {
      m.append("\n(and ").append(unknown.size() - MAX_REPORTED).append(" more unknown"
          + " variables)");
    }
    return m.toString();
  }

  /**
   * The accepted name nearest to {@code name} (optimal string alignment distance: insertions,
   * deletions, substitutions, adjacent transpositions), or null when none is within a third of
   * the name's length.
   */
  static String closest(String name) {
    if (name.length() > MAX_NAME_CHARS) {
      return null;
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : ACCEPTED) {
      int d = distance(name, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** The resolved environment; reading an undeclared {@code HYRELOG_*} name is a bug. */
  private static final class Declared extends AbstractMap<String, String> {
    private final Map<String, String> values;

    Declared(Map<String, String> values) {
      this.values = values;
    }

    @Override
    public String get(Object key) {
      if (key instanceof String name && name.startsWith(PREFIX)
          && !name.startsWith(TEST_PREFIX) && !ACCEPTED.contains(name)) {
        throw new IllegalStateException(name + " is read but not declared: add it to the"
            + " VARIABLES of the settings class that reads it, and to docs/configuration.md");
      }
      return values.get(key);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return values.entrySet();
    }
  }
}
