package io.hyrelog.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Webhook delivery settings.
 *
 * @param secretEncryptionKey {@code HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY}: the AES-256 key (64
 *     hex characters) that seals the endpoints' signing secrets at rest; empty means, in
 *     embedded mode, the one generated into the data directory's {@code secrets.json}, and with
 *     external databases a refused start
 * @param allowPrivateNetworks {@code HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS}: allow plain http
 *     and loopback or private targets (development, tests); default false
 */
public record WebhookSettings(Optional<String> secretEncryptionKey,
    boolean allowPrivateNetworks) {
  /** The variable of the sealing key. */
  public static final String KEY_VARIABLE = "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY";
  /** The variables read here; see {@link io.hyrelog.server.ServerEnvironment}. */
  public static final List<String> VARIABLES = List.of(KEY_VARIABLE,
      "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS");
  /** Those of {@link #VARIABLES} that hold secrets. */
  public static final List<String> SECRETS = List.of(KEY_VARIABLE);

  public WebhookSettings {
    Objects.requireNonNull(secretEncryptionKey, "secretEncryptionKey");
    secretEncryptionKey.ifPresent(WebhookSettings::requireKey);
  }

  /** Refuses anything but 64 hex characters; the message gives only the length. */
  private static void requireKey(String hex) {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new ConfigException(KEY_VARIABLE + " must be 64 hex characters (32 bytes; generate"
          + " one with `openssl rand -hex 32`), got " + hex.length() + " characters"
          + (hex.length() == 64 ? " that are not all hex" : ""));
    }
  }

  @Override
  public String toString() {
    return "WebhookSettings[secretEncryptionKey=" + (secretEncryptionKey.isPresent()
        ? "<masked>" : "<none>") + ", allowPrivateNetworks=" + allowPrivateNetworks + "]";
  }

  /** Reads the settings. */
  public static WebhookSettings fromEnv(Map<String, String> env) {
    String allow = get(env, "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS").orElse("false")
        .toLowerCase(Locale.ROOT);
    if (!allow.equals("true") && !allow.equals("false")) {
      throw new ConfigException("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false");
    }
    return new WebhookSettings(get(env, KEY_VARIABLE), allow.equals("true"));
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
