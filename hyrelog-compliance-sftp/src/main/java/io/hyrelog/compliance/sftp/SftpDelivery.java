package io.hyrelog.compliance.sftp;

import io.hyrelog.compliance.export.ExportDelivery;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Delivers over SFTP with Apache MINA SSHD (no external {@code sftp} binary): public-key
 * authentication from a private key file (OpenSSH or PEM; RSA or ECDSA), and strict host-key
 * checking against a {@code known_hosts} file or one pinned public key — an unknown or changed
 * host key is refused, never learned. Writes {@code <name>.part} (mode {@code 0600}), then
 * renames it into place; an existing target is not overwritten.
 *
 * <p>Thread-safe; each delivery opens its own session. {@link #close()} stops the client.
 */
public final class SftpDelivery implements ExportDelivery, AutoCloseable {
  private final String host;
  private final int port;
  private final String user;
  private final String remoteDir;
  private final List<KeyPair> identities;
  private final Duration timeout;
  private final SshClient client;

  private SftpDelivery(Builder b, List<KeyPair> identities, ServerKeyVerifier verifier) {
    this.host = b.host;
    this.port = b.port;
    this.user = b.user;
    this.remoteDir = b.remoteDir;
    this.identities = identities;
    this.timeout = b.timeout;
    this.client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(verifier);
    // No keys from ~/.ssh, no agent, no passwords: only the configured identity.
    client.setKeyIdentityProvider(session -> identities);
    client.setUserAuthFactoriesNames("publickey");
    client.start();
  }

  /**
   * Starts a delivery to a host, on port 22, into the login directory, with a 30-second timeout
   * unless set otherwise. An identity file and exactly one of {@link Builder#knownHosts} or
   * {@link Builder#pinnedHostKey} are required.
   *
   * @param host the SSH server's host name or address; not blank
   * @param user the user to log in as; not blank
   * @return a new builder
   */
  public static Builder builder(String host, String user) {
    return new Builder(host, user);
  }

  @Override
  public String deliver(String objectName, Path file) throws IOException {
    String name = ExportDelivery.requireRelativeName(objectName);
    String target = remoteDir.isEmpty() ? name : remoteDir + "/" + name;
    String tmp = target + ".part";
    try (ClientSession session = client.connect(user, host, port).verify(timeout)
        .getSession()) {
      for (KeyPair kp : identities) {
        session.addPublicKeyIdentity(kp);
      }
      try {
        session.auth().verify(timeout);
      } catch (IOException e) {
        throw new IOException("SFTP login to " + user + "@" + host + ":" + port
            + " failed: " + rootMessage(e) + " (is the host key in the known_hosts file and the"
            + " public key in the server's authorized_keys?)", e);
      }
      try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
        mkdirs(sftp, parent(target));
        if (exists(sftp, target)) {
          throw new IOException("SFTP target " + target + " already exists; it is not"
              + " overwritten");
        }
        if (exists(sftp, tmp)) {
          sftp.remove(tmp);
        }
        try (OutputStream out = sftp.write(tmp, SftpClient.OpenMode.Create,
            SftpClient.OpenMode.Write, SftpClient.OpenMode.Exclusive)) {
          Files.copy(file, out);
        }
        SftpClient.Attributes mode = new SftpClient.Attributes();
        mode.setPermissions(0600);
        sftp.setStat(tmp, mode);
        try {
          sftp.rename(tmp, target);
        } catch (IOException e) {
          sftp.remove(tmp);
          throw e;
        }
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("SFTP ")) {
        throw e;
      }
      throw new IOException("SFTP delivery of " + target + " to " + host + ":" + port
          + " failed: " + rootMessage(e), e);
    }
    return "sftp://" + user + "@" + host + ":" + port + "/" + target;
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "" : path.substring(0, i);
  }

  private static boolean exists(SftpClient sftp, String path) throws IOException {
    try {
      sftp.lstat(path);
      return true;
    } catch (SftpException e) {
      return false;
    }
  }

  private static void mkdirs(SftpClient sftp, String dir) throws IOException {
    if (dir.isEmpty() || exists(sftp, dir)) {
      return;
    }
    mkdirs(sftp, parent(dir));
    try {
      sftp.mkdir(dir);
    } catch (SftpException e) {
      if (!exists(sftp, dir)) {
        throw e;
      }
    }
  }

  private static String rootMessage(Throwable t) {
    String msg = t.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
    }
    return msg == null ? t.getClass().getSimpleName() : msg;
  }

  @Override
  public String describe() {
    return "sftp://" + user + "@" + host + ":" + port + "/" + remoteDir;
  }

  @Override
  public void close() {
    client.stop();
  }

  /** Builds an {@link SftpDelivery}; {@link #build()} loads the key and host-key settings. */
  public static final class Builder {
    private final String host;
    private final String user;
    private int port = 22;
    private String remoteDir = "";
    private Path identityFile;
    private Path knownHosts;
    private String pinnedHostKey;
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(String host, String user) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (user == null || user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      this.host = host;
      this.user = user;
    }

    /**
     * The SSH port (default 22).
     *
     * @param port the port, 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The remote directory (relative to the login directory, or absolute).
     *
     * @param dir the directory; a trailing {@code /} is dropped, {@code ..} is refused
     * @return this builder
     */
    public Builder remoteDirectory(String dir) {
      Objects.requireNonNull(dir, "dir");
      String d = dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1)
          : dir;
      if (d.contains("..")) {
        throw new IllegalArgumentException("remoteDirectory must not contain ..: " + dir);
      }
      this.remoteDir = d;
      return this;
    }

    /**
     * The private key to log in with (unencrypted OpenSSH or PEM file). Required.
     *
     * @param file the private key file; it must be readable when {@link #build()} runs
     * @return this builder
     */
    public Builder identityFile(Path file) {
      this.identityFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Accept only host keys listed for this host and port in a known_hosts file.
     *
     * @param file the {@code known_hosts} file
     * @return this builder
     */
    public Builder knownHosts(Path file) {
      this.knownHosts = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Accept only this host key ({@code "ecdsa-sha2-nistp256 AAAA..."}, as in known_hosts).
     *
     * @param publicKeyLine the host's public key line
     * @return this builder
     */
    public Builder pinnedHostKey(String publicKeyLine) {
      this.pinnedHostKey = Objects.requireNonNull(publicKeyLine, "publicKeyLine");
      return this;
    }

    /**
     * How long connecting, authenticating and each SFTP operation may take (default 30 seconds).
     *
     * @param timeout the timeout; positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Loads the identity and the host-key check and starts the SSH client.
     *
     * @return a delivery; close it to stop the SSH client
     * @throws IllegalArgumentException when the identity file is missing, unreadable or not a
     *     supported key, or when not exactly one of a known_hosts file or a pinned host key is set
     */
    public SftpDelivery build() {
      if (identityFile == null) {
        throw new IllegalArgumentException("an identity (private key) file is required");
      }
      if ((knownHosts == null) == (pinnedHostKey == null)) {
        throw new IllegalArgumentException("give exactly one of a known_hosts file or a"
            + " pinned host key (strict host-key checking; unknown hosts are refused)");
      }
      if (!Files.isReadable(identityFile)) {
        throw new IllegalArgumentException("identity file " + identityFile
            + " does not exist or is not readable");
      }
      List<KeyPair> ids = new ArrayList<>();
      try {
        new FileKeyPairProvider(identityFile).loadKeys(null).forEach(ids::add);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cannot load the identity file " + identityFile
            + " (an unencrypted RSA or ECDSA private key in OpenSSH or PEM format): "
            + e.getClass().getSimpleName(), e);
      }
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("identity file " + identityFile
            + " holds no private key");
      }
      ServerKeyVerifier verifier;
      if (knownHosts != null) {
        if (!Files.isReadable(knownHosts)) {
          throw new IllegalArgumentException("known_hosts file " + knownHosts
              + " does not exist or is not readable");
        }
        // Unknown hosts go to the delegate, which rejects; a changed key is rejected by
        // KnownHostsServerKeyVerifier itself (no modified-key acceptor is set); nothing is
        // ever written back to the file.
        verifier = new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE,
            knownHosts);
      } else {
        PublicKey pinned;
        try {
          pinned = PublicKeyEntry.parsePublicKeyEntry(pinnedHostKey.strip())
              .resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          throw new IllegalArgumentException("the pinned host key is not a public key line"
              + " such as \"ecdsa-sha2-nistp256 AAAA...\"", e);
        }
        verifier = new RequiredServerKeyVerifier(pinned);
      }
      return new SftpDelivery(this, List.copyOf(ids), verifier);
    }
  }
}
