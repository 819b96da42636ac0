package io.hyrelog.server.internal.signing;

import io.hyrelog.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.PemNoteSigner;
import io.hyrelog.server.ServerConfig;
import io.hyrelog.server.config.SigningSettings;
import io.hyrelog.server.internal.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSigningTest {
  @TempDir Path dir;

  private ServerConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("HYRELOG_DATA_DIR", dir.toString());
    return ServerConfig.fromEnv(env);
  }

  private ServerConfig external(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("HYRELOG_DATABASE_URL", "postgresql://localhost/x");
    return config(env);
  }

  @Test
  void load_embedded_generatesOnceThenReuses() throws Exception {
    ServerSigning first = load(config(Map.of()));
    Path file = dir.resolve(ServerSigning.EMBEDDED_KEY_FILE);
    assertThat(file).exists();
    String pem = Files.readString(file);
    ServerSigning second = load(config(Map.of()));
    assertThat(second.require().active().verifier())
        .isEqualTo(first.require().active().verifier());
    assertThat(Files.readString(file)).isEqualTo(pem);
    assertThat(first.toString()).doesNotContain(pem.split("\n")[1]);
  }

  @Test
  void settings_defaultNameIsThePublicUrlHost() {
    assertThat(config(Map.of()).signing().keyName()).isEqualTo(SigningSettings.DEFAULT_NAME);
    assertThat(config(Map.of("HYRELOG_PUBLIC_URL", "https://audit.example.com:8443/x"))
        .signing().keyName()).isEqualTo("audit.example.com");
    assertThat(config(Map.of("HYRELOG_PUBLIC_URL", "https://a.example",
        "HYRELOG_SIGNING_KEY_NAME", "logs.example")).signing().keyName())
        .isEqualTo("logs.example");
    assertThatThrownBy(() -> config(Map.of("HYRELOG_SIGNING_KEY_NAME", "two words")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_SIGNING_KEY_NAME");
  }

  @Test
  void load_retiredKeysWithAndWithoutNames() {
    PemNoteSigner active = Ed25519Keys.writeNewPrivateKey(dir.resolve("a.key.pem"), "n",
        new SecureRandom());
    PemNoteSigner old = Ed25519Keys.writeNewPrivateKey(dir.resolve("o.key.pem"), "old-name",
        new SecureRandom());
    Ed25519Keys.writePublicKey(dir.resolve("o.pub.pem"), old.verifier());
    ServerSigning s = load(external(Map.of(
        "HYRELOG_SIGNING_KEY_FILE", dir.resolve("a.key.pem").toString(),
        "HYRELOG_SIGNING_KEY_NAME", "n",
        "HYRELOG_VERIFICATION_KEY_FILES", " old-name=" + dir.resolve("o.pub.pem") + " , "
            + dir.resolve("o.pub.pem"))));
    assertThat(s.require().verifiers()).hasSize(3);
    assertThat(s.require().verifiers().get(0)).isEqualTo(active.verifier());
    assertThat(s.require().verifiers().get(1)).isEqualTo(old.verifier());
    assertThat(s.require().verifiers().get(2).name()).isEqualTo("n");
  }

  @Test
  void load_unusableFiles_refuseTheStartNamingTheVariable() throws Exception {
    Files.writeString(dir.resolve("bad.pem"), "not a key\n");
    assertThatThrownBy(() -> load(external(Map.of(
        "HYRELOG_SIGNING_KEY_FILE", dir.resolve("bad.pem").toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_SIGNING_KEY_FILE").hasMessageContaining("not a PEM");
    PemNoteSigner k = Ed25519Keys.writeNewPrivateKey(dir.resolve("k.pem"), "n",
        new SecureRandom());
    assertThatThrownBy(() -> load(external(Map.of(
        "HYRELOG_SIGNING_KEY_FILE", dir.resolve("k.pem").toString(),
        "HYRELOG_VERIFICATION_KEY_FILES", dir.resolve("k.pem").toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_VERIFICATION_KEY_FILES")
        .hasMessageContaining("private key");
    assertThat(k.toString()).contains("<masked>");
  }

  @Test
  void load_externalWithoutKey_startsUnsigned_requireAnswers503() {
    ServerSigning s = load(external(Map.of()));
    assertThat(s.keys()).isEmpty();
    assertThatThrownBy(s::require).isInstanceOf(ApiException.class)
        .hasMessageContaining("HYRELOG_SIGNING_KEY_FILE");
    assertThat(dir.resolve(ServerSigning.EMBEDDED_KEY_FILE)).doesNotExist();
  }

  /** Loads as the composition root does: the data directory only when embedded. */
  private static ServerSigning load(ServerConfig c) {
    return ServerSigning.load(c.signing(), c.embedded() ? Optional.of(c.dataDir())
        : Optional.empty());
  }
}
