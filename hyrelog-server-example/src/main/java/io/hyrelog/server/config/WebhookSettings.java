package io.hyrelog.server.config;

import java.time.Duration;
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
 * @param lease {@code HYRELOG_WEBHOOK_LEASE_SECONDS}: how long a claimed delivery is the
 *     claiming process's, {@value #MIN_LEASE_SECONDS}..{@value #MAX_LEASE_SECONDS} s, default
 *     {@value #DEFAULT_LEASE_SECONDS}; the deliveries in flight in a process that died are sent
 *     again once it ends
 */
public record WebhookSettings(Optional<String> secretEncryptionKey,
    boolean allowPrivateNetworks, Duration lease) {
  /** The variable of the sealing key. */
  public static final String KEY_VARIABLE = "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY";
  /** The variable of the lease. */
  public static final String LEASE_VARIABLE = "HYRELOG_WEBHOOK_LEASE_SECONDS";
  /**
   * The shortest lease: above the webhook transport's deadline for a whole exchange (15 s, with
   * room for signing and recording), so a lease never ends while its attempt still runs and
   * another process never sends the same attempt meanwhile.
   */
  public static final int MIN_LEASE_SECONDS = 20;
  /** The longest lease (an hour). */
  public static final int MAX_LEASE_SECONDS = 3600;
  /** The default lease. */
  public static final int DEFAULT_LEASE_SECONDS = 60;
  /** The variables read here; see {@link io.hyrelog.server.ServerEnvironment}. */
  public static final List<String> VARIABLES = List.of(KEY_VARIABLE,
      "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", LEASE_VARIABLE);
  /** Those of {@link #VARIABLES} that hold secrets. */
  public static final List<String> SECRETS = List.of(KEY_VARIABLE);

  public WebhookSettings {
    Objects.requireNonNull(secretEncryptionKey, "secretEncryptionKey");
    secretEncryptionKey.ifPresent(WebhookSettings::requireKey);
    Objects.requireNonNull(lease, "lease");
    if (lease.compareTo(Duration.ofSeconds(MIN_LEASE_SECONDS)) < 0
        || lease.compareTo(Duration.ofSeconds(MAX_LEASE_SECONDS)) > 0) {
      throw new IllegalArgumentException("lease must be " + MIN_LEASE_SECONDS + ".."
          + MAX_LEASE_SECONDS + " s, got " + lease);
    }
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
        ? "<masked>" : "<none>") + ", allowPrivateNetworks=" + allowPrivateNetworks
        + ", lease=" + lease + "]";
  }

  /** Reads the settings. */
  public static WebhookSettings fromEnv(Map<String, String> env) {
    String allow = get(env, "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS").orElse("false")
        .toLowerCase(Locale.ROOT);
    if (!allow.equals("true") && !allow.equals("false")) {
      throw new ConfigException("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false");
    }
    return new WebhookSettings(get(env, KEY_VARIABLE), allow.equals("true"),
        Duration.ofSeconds(leaseSeconds(env)));
  }

  private static int leaseSeconds(Map<String, String> env) {
    Optional<String> v = get(env, LEASE_VARIABLE);
    if (v.isEmpty()) {
      return DEFAULT_LEASE_SECONDS;
    }
    int n;
    try {
      n = Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < MIN_LEASE_SECONDS || n > MAX_LEASE_SECONDS) {
      throw new ConfigException(LEASE_VARIABLE + " must be an integer in " + MIN_LEASE_SECONDS
          + ".." + MAX_LEASE_SECONDS + " (seconds), got " + (v.get().length() <= 20
          ? "'" + v.get() + "'" : v.get().length() + " characters") + ": a lease must outlast"
          + " a delivery attempt (the transport gives up after 15 s), or another server process"
          + " would send the same attempt again while the first is still running");
    }
    return n;
  }

  private static Optional<String> get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
