package io.hyrelog.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys that sign checkpoints and snapshots.
 *
 * @param keyFile {@code HYRELOG_SIGNING_KEY_FILE}: the active Ed25519 private key (PKCS#8 PEM);
 *     empty means, in embedded mode, {@code signing-key.pem} in the data directory (generated on
 *     first start) and, with external databases, no signing (those routes and the snapshot job
 *     answer 503)
 * @param keyName {@code HYRELOG_SIGNING_KEY_NAME}: the key name on signature lines and the
 *     namespace of checkpoint origins; default the host of {@code HYRELOG_PUBLIC_URL}, else
 *     {@code hyrelog.local}
 * @param retiredKeys {@code HYRELOG_VERIFICATION_KEY_FILES}: public keys (PEM) of retired keys,
 *     still published and accepted; each entry {@code PATH} (under the active key's name) or
 *     {@code NAME=PATH}
 */
public record SigningSettings(Optional<Path> keyFile, String keyName,
    List<RetiredKey> retiredKeys) {
  /** The variables read here; see {@link ServerEnvironment}. */
  public static final List<String> VARIABLES = List.of("HYRELOG_SIGNING_KEY_FILE",
      "HYRELOG_SIGNING_KEY_NAME", "HYRELOG_VERIFICATION_KEY_FILES");
  /** The default key name without a public URL. */
  public static final String DEFAULT_NAME = "hyrelog.local";

  public SigningSettings {
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(keyName, "keyName");
    if (!keyName.matches("[A-Za-z0-9._:/-]{1,128}")) {
      throw new ConfigException("HYRELOG_SIGNING_KEY_NAME must be 1-128 characters of A-Z a-z"
          + " 0-9 . _ : / - (a host name such as audit.example.com), got '" + keyName + "'");
    }
    retiredKeys = List.copyOf(retiredKeys);
  }

  /** A retired verification key: its name and public key file. */
  public record RetiredKey(String name, Path file) {
    public RetiredKey {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(file, "file");
    }
  }

  public static SigningSettings fromEnv(Map<String, String> env) {
    Optional<Path> file = get(env, "HYRELOG_SIGNING_KEY_FILE").map(Path::of);
    String name = get(env, "HYRELOG_SIGNING_KEY_NAME")
        .or(() -> get(env, "HYRELOG_PUBLIC_URL").map(SigningSettings::host))
        .orElse(DEFAULT_NAME);
    List<RetiredKey> retired = new ArrayList<>();
    get(env, "HYRELOG_VERIFICATION_KEY_FILES").ifPresent(list -> {
      for (String entry : list.split(",")) {
        String e = entry.strip();
        if (e.isEmpty()) {
          continue;
        }
        int eq = e.indexOf('=');
        String n = eq < 0 ? name : e.substring(0, eq).strip();
        String p = eq < 0 ? e : e.substring(eq + 1).strip();
        if (n.isEmpty() || p.isEmpty()) {
          throw new ConfigException("HYRELOG_VERIFICATION_KEY_FILES holds comma-separated"
              + " PATH or NAME=PATH entries of public key PEM files, got '" + e + "'");
        }
        retired.add(new RetiredKey(n, Path.of(p)));
      }
    });
    return new SigningSettings(file, name, retired);
  }

  private static String host(String url) {
    try {
      String h = URI.create(url).getHost();
      return h == null || h.isEmpty() ? DEFAULT_NAME : h;
    } catch (IllegalArgumentException e) {
      return DEFAULT_NAME;
    }
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
