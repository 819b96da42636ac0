package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.compliance.witness.CosignatureVerifier;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.config.WitnessSettings;
import io.hyrelog.testkit.SeededKeys;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code HYRELOG_WITNESS_URLS}: strict parsing with errors that name the entry and never repeat
 * key bytes or URLs, the bound on witnesses, and the outbound address rules.
 */
class WitnessSettingsTest {
  private static final CosignatureVerifier W1 = Cosigner.of(SeededKeys.signer(
      "witness.example/w1", 1)).verifier();
  private static final CosignatureVerifier W2 = Cosigner.of(SeededKeys.signer(
      "witness.example/w2", 2)).verifier();

  private static WitnessSettings read(String urls, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("HYRELOG_WITNESS_URLS", urls);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return WitnessSettings.fromEnv(env);
  }

  private static void refused(String urls, String... expected) {
    assertThatThrownBy(() -> read(urls)).isInstanceOf(ConfigException.class)
        .satisfies(e -> {
          for (String s : expected) {
            assertThat(e.getMessage()).contains(s);
          }
          String key = W1.verifierKey();
          assertThat(e.getMessage()).as("never repeats key bytes")
              .doesNotContain(key.substring(key.lastIndexOf('+') + 1));
        });
  }

  @Test
  void fromEnv_unset_noWitnesses() {
    WitnessSettings s = WitnessSettings.fromEnv(Map.of());
    assertThat(s.witnesses()).isEmpty();
    assertThat(s.allowPrivateNetworks()).isFalse();
  }

  @Test
  void fromEnv_twoEntries_keysAndEndpoints() {
    WitnessSettings s = read(W1.verifierKey() + "=https://w1.witness-log.net/, " + W2.verifierKey()
        + "=https://witness.audit-log.org/tlog/");
    assertThat(s.witnesses()).hasSize(2);
    assertThat(s.witnesses().get(0).verifier()).isEqualTo(W1);
    assertThat(s.witnesses().get(0).addCheckpoint())
        .isEqualTo(URI.create("https://w1.witness-log.net/add-checkpoint"));
    assertThat(s.witnesses().get(1).addCheckpoint())
        .isEqualTo(URI.create("https://witness.audit-log.org/tlog/add-checkpoint"));
    assertThat(s.witnesses().get(1).label()).isEqualTo("witness.example/w2+"
        + String.format("%08x", W2.keyId()));
  }

  @Test
  void fromEnv_malformedEntries_nameTheEntry() {
    String ok = W1.verifierKey() + "=https://w1.witness-log.net/";
    refused(ok + ",", "entry 2", "empty");
    refused("https://w1.witness-log.net/", "entry 1", "<verifier key>=<base URL>");
    refused(ok + "," + W1.verifierKey() + "=https://other.witness-log.net/", "entry 2", "twice");
    String wrongId = W1.verifierKey().replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+");
    refused(wrongId + "=https://w1.witness-log.net/", "entry 1", "key id");
    String truncated = W1.verifierKey().substring(0, W1.verifierKey().length() - 4);
    refused(truncated + "=https://w1.witness-log.net/", "entry 1", "verifier key");
    refused(W1.verifierKey() + "=https://w1.witness-log.net", "entry 1", "end with '/'");
    refused(W1.verifierKey() + "=https://user:pass@w1.witness-log.net/", "entry 1", "credentials");
    refused(W1.verifierKey() + "=https://w1.witness-log.net/?a=b", "entry 1", "query");
    refused(W1.verifierKey() + "=https://w1 witness-log.net/", "entry 1", "not a valid URI");
    assertThatThrownBy(() -> read(W1.verifierKey() + "=https://user:secret-pw@w1.witness-log.net/"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-pw"));
  }

  @Test
  void fromEnv_moreThan16_refused() {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      entries.add(Cosigner.of(SeededKeys.signer("w" + i, 10 + i)).verifier().verifierKey()
          + "=https://w" + i + ".witness-log.net/");
    }
    refused(String.join(",", entries), "at most 16");
    assertThat(read(String.join(",", entries.subList(0, 16))).witnesses()).hasSize(16);
  }

  @Test
  void fromEnv_privateOrPlainAddresses_refusedUnlessAllowed() {
    for (String url : List.of("http://w1.witness-log.net/", "https://127.0.0.1/", "https://localhost/",
        "https://10.1.2.3/", "https://192.168.0.5:8443/", "https://169.254.169.254/",
        "https://[::1]/", "https://[fd00::1]/", "https://100.64.0.1/", "https://0.0.0.0/",
        "https://[::ffff:127.0.0.1]/")) {
      refused(W1.verifierKey() + "=" + url, "entry 1", "witness.example/w1");
    }
    WitnessSettings dev = read(W1.verifierKey() + "=http://127.0.0.1:8081/",
        "HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS", "true");
    assertThat(dev.allowPrivateNetworks()).isTrue();
    assertThat(dev.witnesses().get(0).addCheckpoint())
        .isEqualTo(URI.create("http://127.0.0.1:8081/add-checkpoint"));
    assertThat(read(W1.verifierKey() + "=https://93.184.215.14/").witnesses()).hasSize(1);
    assertThatThrownBy(() -> read("", "HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS", "yes"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("true or false");
  }

  @Test
  void fromEnv_reservedNamesAndOddSpellings_refusedWithThePolicysCode() {
    for (String url : List.of("https://w1.example/", "https://witness.internal/",
        "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/",
        "https://127.1/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/",
        "https://[fd00:ec2::254]/")) {
      refused(W1.verifierKey() + "=" + url, "entry 1", "witness.example/w1");
    }
    assertThatThrownBy(() -> read(W1.verifierKey() + "=https://2130706433/"))
        .hasMessageContaining("HOST_NOT_ALLOWED");
  }

  @Test
  void serverConfig_readsTheWitnesses() {
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_WITNESS_URLS",
        W1.verifierKey() + "=https://w1.witness-log.net/"));
    assertThat(c.witness().witnesses()).extracting(WitnessSettings.Witness::verifier)
        .containsExactly(W1);
  }
}
