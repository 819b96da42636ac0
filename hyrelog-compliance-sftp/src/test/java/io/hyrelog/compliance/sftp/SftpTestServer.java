package io.hyrelog.compliance.sftp;

import io.hyrelog.testkit.SeededRandom;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server (Apache MINA SSHD) on a free loopback port with a temporary root, one
 * host key and one authorized client key; key pairs come from a seeded random source.
 */
final class SftpTestServer implements AutoCloseable {
  final SshServer server;
  final Path root;
  final KeyPair hostKey;
  final KeyPair clientKey;

  private SftpTestServer(SshServer server, Path root, KeyPair hostKey, KeyPair clientKey) {
    this.server = server;
    this.root = root;
    this.hostKey = hostKey;
    this.clientKey = clientKey;
  }

  static KeyPair ecKey(long seed) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), SeededRandom.secure(seed));
    return g.generateKeyPair();
  }

  static SftpTestServer start(Path root, KeyPair hostKey, KeyPair clientKey)
      throws IOException {
    SshServer s = SshServer.setUpDefaultServer();
    s.setHost("127.0.0.1");
    s.setPort(0);
    s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    s.setPublickeyAuthenticator((user, key, session) -> user.equals("exports")
        && KeyUtils.compareKeys(key, clientKey.getPublic()));
    s.setPasswordAuthenticator(null);
    s.setKeyboardInteractiveAuthenticator(null);
    s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    s.setFileSystemFactory(new VirtualFileSystemFactory(root));
    s.start();
    return new SftpTestServer(s, root, hostKey, clientKey);
  }

  int port() {
    return server.getPort();
  }

  static String publicKeyLine(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  String knownHostsLine(PublicKey key) {
    return "[127.0.0.1]:" + port() + " " + publicKeyLine(key) + "\n";
  }

  static Path writePrivateKey(KeyPair kp, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "hyrelog-test", null, out);
    }
    return file;
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
