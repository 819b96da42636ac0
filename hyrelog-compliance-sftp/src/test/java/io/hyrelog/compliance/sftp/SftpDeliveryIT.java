package io.hyrelog.compliance.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.testkit.SeededContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftpDeliveryIT {
  @TempDir Path tmp;
  SftpTestServer server;
  Path identity;
  Path file;

  @BeforeEach
  void start() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("sftp-root"));
    server = SftpTestServer.start(root, SftpTestServer.ecKey(1), SftpTestServer.ecKey(2));
    identity = SftpTestServer.writePrivateKey(server.clientKey, tmp.resolve("id_ecdsa"));
    file = tmp.resolve("export.enc");
    try (InputStream in = new SeededContent(5, 70_000).stream()) {
      Files.copy(in, file);
    }
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  SftpDelivery.Builder builder() {
    return SftpDelivery.builder("127.0.0.1", "exports").port(server.port())
        .identityFile(identity).remoteDirectory("inbound");
  }

  Path knownHosts(String content) throws IOException {
    return Files.writeString(tmp.resolve("known_hosts"), content);
  }

  @Test
  void deliver_knownHost_writesTheFileAtomicallyWithMode0600() throws Exception {
    Path kh = knownHosts("# test\n" + server.knownHostsLine(server.hostKey.getPublic()));
    try (SftpDelivery d = builder().knownHosts(kh).build()) {
      String where = d.deliver("compliance-exports/c1/20260301T020000Z-audit_events.jsonl.enc",
          file);
      assertThat(where).isEqualTo("sftp://exports@127.0.0.1:" + server.port()
          + "/inbound/compliance-exports/c1/20260301T020000Z-audit_events.jsonl.enc");
    }
    Path got = server.root.resolve(
        "inbound/compliance-exports/c1/20260301T020000Z-audit_events.jsonl.enc");
    assertThat(Files.readAllBytes(got)).isEqualTo(Files.readAllBytes(file));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(got)))
        .isEqualTo("rw-------");
    try (var listing = Files.list(got.getParent())) {
      assertThat(listing).hasSize(1);
    }
    assertThat(Files.readString(kh)).doesNotContain("\n\n");
  }

  @Test
  void deliver_existingTarget_isNotOverwritten() throws Exception {
    try (SftpDelivery d = builder().pinnedHostKey(SftpTestServer.publicKeyLine(
        server.hostKey.getPublic())).build()) {
      d.deliver("a/x.enc", file);
      Files.writeString(file, "other");
      assertThatThrownBy(() -> d.deliver("a/x.enc", file)).isInstanceOf(IOException.class)
          .hasMessageContaining("already exists");
    }
    assertThat(Files.size(server.root.resolve("inbound/a/x.enc"))).isEqualTo(70_000);
  }

  @Test
  void deliver_unknownHost_isRefused() throws Exception {
    KeyPair other = SftpTestServer.ecKey(3);
    Path kh = knownHosts("[127.0.0.1]:" + (server.port() + 1) + " "
        + SftpTestServer.publicKeyLine(server.hostKey.getPublic()) + "\n");
    try (SftpDelivery d = builder().knownHosts(kh).build()) {
      assertThatThrownBy(() -> d.deliver("x.enc", file)).isInstanceOf(IOException.class)
          .hasMessageContaining("SFTP");
    }
    String before = Files.readString(kh);
    assertThat(Files.readString(kh)).isEqualTo(before);
    assertThat(other).isNotNull();
    assertThat(server.root.resolve("inbound")).doesNotExist();
  }

  @Test
  void deliver_changedHostKey_isRefused() throws Exception {
    KeyPair old = SftpTestServer.ecKey(3);
    String line = server.knownHostsLine(old.getPublic());
    Path kh = knownHosts(line);
    try (SftpDelivery d = builder().knownHosts(kh).build()) {
      assertThatThrownBy(() -> d.deliver("x.enc", file)).isInstanceOf(IOException.class);
    }
    assertThat(Files.readString(kh)).isEqualTo(line);
    assertThat(server.root.resolve("inbound")).doesNotExist();
  }

  @Test
  void deliver_pinnedKeyMismatch_isRefused() throws Exception {
    try (SftpDelivery d = builder().pinnedHostKey(SftpTestServer.publicKeyLine(
        SftpTestServer.ecKey(3).getPublic())).build()) {
      assertThatThrownBy(() -> d.deliver("x.enc", file)).isInstanceOf(IOException.class);
    }
    assertThat(server.root.resolve("inbound")).doesNotExist();
  }

  @Test
  void deliver_unauthorizedClientKey_failsLogin() throws Exception {
    Path wrong = SftpTestServer.writePrivateKey(SftpTestServer.ecKey(4), tmp.resolve("other"));
    try (SftpDelivery d = builder().identityFile(wrong).pinnedHostKey(
        SftpTestServer.publicKeyLine(server.hostKey.getPublic())).build()) {
      assertThatThrownBy(() -> d.deliver("x.enc", file)).isInstanceOf(IOException.class)
          .hasMessageContaining("SFTP login to exports@127.0.0.1");
    }
  }

  @Test
  void build_badSettings_areRejected() throws Exception {
    assertThatThrownBy(() -> builder().build()).hasMessageContaining("exactly one of");
    assertThatThrownBy(() -> builder().identityFile(tmp.resolve("none"))
        .pinnedHostKey("x").build()).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> builder().pinnedHostKey("not a key").build())
        .hasMessageContaining("pinned host key is not a public key line");
    Path junk = Files.writeString(tmp.resolve("junk"), "hello");
    assertThatThrownBy(() -> builder().identityFile(junk).pinnedHostKey("x").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
