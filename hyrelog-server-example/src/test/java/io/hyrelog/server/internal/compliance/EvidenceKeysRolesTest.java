package io.hyrelog.server.internal.compliance;

import io.hyrelog.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.server.ServerConfig;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.testkit.SeededKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server refuses at start a countersign key that is one of its own signing keys. */
class EvidenceKeysRolesTest {
  private static final Ed25519NoteSigner SERVER = SeededKeys.signer("audit.example.com", 1);
  private static final Ed25519NoteSigner RETIRED = SeededKeys.signer("audit.example.com", 5);
  private static final Ed25519NoteSigner ALICE = SeededKeys.signer("alice.compliance", 2);

  @TempDir Path data;

  private Evidence start(String countersignKeys) {
    ServerConfig config = ServerConfig.fromEnv(Map.of("HYRELOG_DATA_DIR", data.toString(),
        "HYRELOG_EVIDENCE_COUNTERSIGN_KEYS", countersignKeys));
    ServerSigning signing = ServerSigning.of(SigningKeys.of(SERVER, List.of(
        RETIRED.verifier())), "audit.example.com");
    return Evidence.create(config.evidence(), Optional.of(config.dataDir()), Clock.systemUTC(),
        Map.of(), signing, Optional.empty());
  }

  @Test
  void create_countersignKeyIsTheSigningKey_refusedNamingTheVariable() {
    assertThatThrownBy(() -> start(ALICE.verifier().verifierKey() + ","
        + SERVER.verifier().verifierKey()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_EVIDENCE_COUNTERSIGN_KEYS")
        .hasMessageContaining("audit.example.com+");
  }

  @Test
  void create_countersignKeyIsARetiredSigningKeyUnderAnotherName_refused() {
    String renamed = NoteVerifier.of("not-the-server", RETIRED.verifier().rawPublicKey())
        .verifierKey();
    assertThatThrownBy(() -> start(renamed))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not-the-server+");
  }

  @Test
  void create_otherCountersignKeys_starts() {
    assertThat(start(ALICE.verifier().verifierKey()).signerVerifier())
        .isEqualTo(SERVER.verifier());
  }
}
