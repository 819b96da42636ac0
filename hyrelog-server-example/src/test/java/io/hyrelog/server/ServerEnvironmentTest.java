package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.hyrelog.DataRegion;
import io.hyrelog.server.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerEnvironmentTest {
  private static final String SECRET = "s3cr3t-0123456789abcdef";

  @TempDir
  Path dir;

  @Test
  void resolve_misspelledVariable_refusedNamingTheClosestKnownOne() {
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_DATABSE_URL",
        "jdbc:postgresql://db/hyrelog")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown variable HYRELOG_DATABSE_URL; did you mean HYRELOG_DATABASE_URL?");
  }

  @Test
  void resolve_transposedLetters_suggestTheIntendedVariable() {
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_INTERNAL_TOKNE", "x")))
        .hasMessage("unknown variable HYRELOG_INTERNAL_TOKNE; did you mean"
            + " HYRELOG_INTERNAL_TOKEN?");
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_API_KEY_SECRET_FIEL",
        "/x"))).hasMessageEndingWith("did you mean HYRELOG_API_KEY_SECRET_FILE?");
  }

  @Test
  void resolve_unrelatedName_pointsToTheDocumentationAndNeverEchoesTheValue() {
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_ZZZZZZZZZZZZZZZZZZ",
        SECRET)))
        .hasMessageContaining("unknown variable HYRELOG_ZZZZZZZZZZZZZZZZZZ")
        .hasMessageContaining("docs/configuration.md")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void resolve_severalUnknown_namesEachOnItsOwnLine() {
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_PORT", "1",
        "HYRELOG_HOSTT", "h"))).hasMessage(
            "unknown variable HYRELOG_HOSTT; did you mean HYRELOG_HOST?\n"
            + "unknown variable HYRELOG_PORT; did you mean HYRELOG_HOST?");
  }

  @Test
  void resolve_testSuiteAndForeignVariables_ignored() {
    Map<String, String> env = ServerEnvironment.resolve(Map.of("HYRELOG_TEST_S3_ENDPOINT",
        "http://x", "PATH", "/bin", "HYRELOGX", "1"));
    assertThat(env).containsEntry("PATH", "/bin");
  }

  @Test
  void resolve_secretFile_readsTheValueWithoutTrailingLineBreaks() throws IOException {
    Path f = Files.writeString(dir.resolve("api-key-secret"), SECRET + "\r\n\n");
    Map<String, String> env = ServerEnvironment.resolve(Map.of("HYRELOG_API_KEY_SECRET_FILE",
        f.toString()));
    assertThat(env).containsEntry("HYRELOG_API_KEY_SECRET", SECRET)
        .doesNotContainKey("HYRELOG_API_KEY_SECRET_FILE");
    assertThat(ServerEnvironment.resolve(env)).isEqualTo(env);
  }

  @Test
  void fromEnv_secretsFromFiles_configureTheServer() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("HYRELOG_DATABASE_URL_EU_FILE", Files.writeString(dir.resolve("db"),
        "postgres://app:pa%24%24@db:5432/audit\n").toString());
    env.put("HYRELOG_INTERNAL_TOKEN_FILE", Files.writeString(dir.resolve("t"), SECRET)
        .toString());
    env.put("HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY_FILE", Files.writeString(
        dir.resolve("s3"), "compliance-secret").toString());
    env.put("HYRELOG_COMPLIANCE_S3_ACCESS_KEY_ID", "AKIAEXAMPLE");
    ServerConfig c = ServerConfig.fromEnv(env);
    assertThat(c.databaseUrls()).containsEntry(DataRegion.EU,
        "jdbc:postgresql://db:5432/audit?user=app&password=pa%24%24");
    assertThat(c.internalToken()).contains(SECRET);
    assertThat(c.complianceExport().s3SecretAccessKey()).contains("compliance-secret");
  }

  @Test
  void resolve_secretAndItsFileBothSet_refusedNamingBoth() throws IOException {
    Path f = Files.writeString(dir.resolve("token"), SECRET);
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_INTERNAL_TOKEN", SECRET,
        "HYRELOG_INTERNAL_TOKEN_FILE", f.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_INTERNAL_TOKEN and HYRELOG_INTERNAL_TOKEN_FILE")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void resolve_missingFile_refusedNamingVariableAndPath() {
    Path f = dir.resolve("absent");
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of("HYRELOG_DASHBOARD_TOKEN_FILE",
        f.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HYRELOG_DASHBOARD_TOKEN_FILE: the file " + f + " does not exist");
  }

  @Test
  void resolve_unusableFiles_refusedWithoutQuotingTheContent() throws IOException {
    byte[] notUtf8 = (SECRET + "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
    Path latin1 = Files.write(dir.resolve("latin1"), notUtf8);
    Path large = Files.writeString(dir.resolve("large"), SECRET.repeat(
        ServerEnvironment.MAX_SECRET_FILE_BYTES / SECRET.length() + 1));
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Map<Path, String> problems = Map.of(latin1, "is not UTF-8 text", large,
        "is larger than 65536 bytes", empty, "is empty", dir, "is a directory, not a file");
    problems.forEach((file, problem) -> assertThatThrownBy(() -> ServerEnvironment.resolve(
        Map.of("HYRELOG_EVIDENCE_MASTER_KEY_FILE", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HYRELOG_EVIDENCE_MASTER_KEY_FILE: the file " + file + " " + problem)
        .hasMessageNotContaining(SECRET));
  }

  @Test
  void resolve_unreadableFile_refusedWithoutQuotingTheContent() throws IOException {
    Path f = Files.writeString(dir.resolve("locked"), SECRET);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(f), "root reads any file: nothing to test as root");
    assertThatThrownBy(() -> ServerEnvironment.resolve(Map.of(
        "HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY_FILE", f.toString())))
        .hasMessageContaining("HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY_FILE")
        .hasMessageContaining("permission denied")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void resolvedMap_readOfAnUndeclaredVariable_isABug() {
    Map<String, String> env = ServerEnvironment.resolve(Map.of());
    assertThat(env.get("HYRELOG_HOST")).isNull();
    assertThatThrownBy(() -> env.get("HYRELOG_NEW_SETTING"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HYRELOG_NEW_SETTING is read but not declared");
  }

  @Test
  void defaults_readEveryVariableThroughTheDeclaredList() {
    // Every settings class reads all of its variables on each start: an undeclared one fails here.
    assertThat(ServerConfig.fromEnv(Map.of()).embedded()).isTrue();
  }

  @Test
  void known_isExactlyWhatDocsConfigurationDocuments() throws IOException {
    // Fenced blocks are examples (a misspelled variable among them), not documentation.
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"))
        .replaceAll("(?s)```.*?```", "");
    // Whole names only: `HYRELOG_ARCHIVE_S3_*` and `HYRELOG_DATABASE_URL*` name families.
    // SEED_PLAN_TIER is the one unprefixed variable besides PORT (the seed system's name).
    Matcher m = Pattern.compile("\\b(PORT|SEED_PLAN_TIER|HYRELOG_[A-Z0-9_]*[A-Z0-9])\\b(?![*_])")
        .matcher(doc);
    Set<String> documented = new TreeSet<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    documented.removeIf(n -> n.startsWith(ServerEnvironment.TEST_PREFIX));
    assertThat(documented).as("variables docs/configuration.md names")
        .containsExactlyInAnyOrderElementsOf(ServerEnvironment.accepted());
  }

  @Test
  void distance_countsEditsAndAdjacentTranspositions() {
    assertThat(ServerEnvironment.distance("HYRELOG_HOST", "HYRELOG_HOST")).isZero();
    assertThat(ServerEnvironment.distance("HYRELOG_HSOT", "HYRELOG_HOST")).isEqualTo(1);
    assertThat(ServerEnvironment.distance("HYRELOG_HOS", "HYRELOG_HOST")).isEqualTo(1);
    assertThat(ServerEnvironment.distance("HYRELOG_PORT", "HYRELOG_HOST")).isEqualTo(2);
    assertThat(ServerEnvironment.distance("", "ABC")).isEqualTo(3);
  }
}
