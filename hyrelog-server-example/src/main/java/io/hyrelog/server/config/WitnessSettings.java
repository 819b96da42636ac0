package io.hyrelog.server.config;

import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.witness.CosignatureVerifier;
import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusedException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The C2SP tlog-witnesses the server submits its signed checkpoints to.
 *
 * @param witnesses {@code HYRELOG_WITNESS_URLS}: a comma-separated list of {@code <verifier
 *     key>=<base URL>} entries, at most {@value #MAX_WITNESSES}; empty for none
 * @param allowPrivateNetworks {@code HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS}: allow http and
 *     loopback or private addresses (tests, development); default false
 */
public record WitnessSettings(List<Witness> witnesses, boolean allowPrivateNetworks) {
  /** The variables read here; see {@link io.hyrelog.server.ServerEnvironment}. */
  public static final List<String> VARIABLES = List.of("HYRELOG_WITNESS_URLS",
      "HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS");
  /** The most witnesses a server submits to. */
  public static final int MAX_WITNESSES = 16;
  private static final int MAX_ENTRY_CHARS = 2048;

  /**
   * One witness: its cosignature verifier key and the base URL of its C2SP endpoints.
   *
   * @param verifier the witness's cosignature key
   * @param baseUrl the base URL, ending in {@code /}
   */
  public record Witness(CosignatureVerifier verifier, URI baseUrl) {
    public Witness {
      Objects.requireNonNull(verifier, "verifier");
      Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** {@code <base URL>add-checkpoint}. */
    public URI addCheckpoint() {
      return URI.create(baseUrl + "add-checkpoint");
    }

    /** The witness's key label, {@code <name>+<8 hex key id>}: how records name it. */
    public String label() {
      return verifier.name() + "+" + String.format("%08x", verifier.keyId());
    }

    /** The witness's key name (the metrics' tag). */
    public String name() {
      return verifier.name();
    }

    @Override
    public String toString() {
      return label() + "=" + baseUrl;
    }
  }

  public WitnessSettings {
    witnesses = List.copyOf(witnesses);
    if (witnesses.size() > MAX_WITNESSES) {
      throw new ConfigException("HYRELOG_WITNESS_URLS holds at most " + MAX_WITNESSES
          + " witnesses, got " + witnesses.size());
    }
  }

  /** No witnesses. */
  public static WitnessSettings none() {
    return new WitnessSettings(List.of(), false);
  }

  /**
   * Reads the settings.
   *
   * @throws ConfigException naming the entry (1-based) and what is wrong with it; key bytes
   *     and URLs are never repeated
   */
  public static WitnessSettings fromEnv(Map<String, String> env) {
    String allow = get(env, "HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS", "false");
    if (!allow.equals("true") && !allow.equals("false")) {
      throw new ConfigException("HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS must be true or false");
    }
    boolean allowPrivate = allow.equals("true");
    String list = get(env, "HYRELOG_WITNESS_URLS", "");
    List<Witness> out = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    String[] entries = list.isEmpty() ? new String[0] : list.split(",", -1);
    if (entries.length > MAX_WITNESSES) {
      throw new ConfigException("HYRELOG_WITNESS_URLS holds at most " + MAX_WITNESSES
          + " witnesses, got " + entries.length + " entries");
    }
    for (int i = 0; i < entries.length; i++) {
      Witness w = entry(i + 1, entries[i].strip(), allowPrivate);
      if (!labels.add(w.label())) {
        throw new ConfigException(at(i + 1) + "witness key " + w.label()
            + " is listed twice");
      }
      out.add(w);
    }
    return new WitnessSettings(out, allowPrivate);
  }

  private static Witness entry(int n, String e, boolean allowPrivate) {
    if (e.isEmpty()) {
      throw new ConfigException(at(n) + "is empty (entries are separated by single commas)");
    }
    if (e.length() > MAX_ENTRY_CHARS) {
      throw new ConfigException(at(n) + "is longer than " + MAX_ENTRY_CHARS + " characters");
    }
    // <name>+<key id>+<base64 of 33 bytes, which has no padding>=<URL>: the first '=' after
    // the second '+' ends the key.
    int first = e.indexOf('+');
    int second = first < 0 ? -1 : e.indexOf('+', first + 1);
    int eq = second < 0 ? -1 : e.indexOf('=', second + 1);
    if (eq < 0) {
      throw new ConfigException(at(n) + "is not <verifier key>=<base URL> (a verifier key has"
          + " the form <name>+<key id>+<base64 key>)");
    }
    CosignatureVerifier verifier;
    try {
      verifier = CosignatureVerifier.parse(e.substring(0, eq));
    } catch (HyrelogException x) {
      throw new ConfigException(at(n) + "has an unusable verifier key: " + x.getMessage());
    }
    URI url;
    try {
      url = new URI(e.substring(eq + 1).strip());
    } catch (URISyntaxException x) {
      throw new ConfigException(at(n) + "has a base URL that is not a valid URI (at index "
          + x.getIndex() + ")");
    }
    String problem = problem(url, allowPrivate);
    if (problem != null) {
      throw new ConfigException(at(n) + "(witness " + verifier.name() + "): " + problem);
    }
    return new Witness(verifier, url);
  }

  /**
   * Checks a witness base URL: the outbound policy every server request to a URL someone
   * configured goes through ({@link OutboundPolicy#checkUrl}: https only, no credentials, no
   * loopback, private, link-local, reserved or oddly spelled address, no local names), then the
   * witness's own form (a base URL ending in {@code /}, no query).
   *
   * @return null when it is acceptable, else why not (never repeating the URL)
   */
  static String problem(URI url, boolean allowPrivate) {
    try {
      OutboundPolicy.builder().allowPrivateNetworks(allowPrivate).build().checkUrl(url);
    } catch (OutboundRefusedException e) {
      return e.refusal() + ": " + e.getMessage() + (allowPrivate ? ""
          : " (plain http and this network's addresses only with"
              + " HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS=true)");
    }
    if (url.getRawQuery() != null) {
      return "the URL must not have a query";
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    if (!path.endsWith("/")) {
      return "the base URL must end with '/' (the endpoint is <base URL>add-checkpoint)";
    }
    return null;
  }

  private static String at(int n) {
    return "HYRELOG_WITNESS_URLS entry " + n + " ";
  }

  private static String get(Map<String, String> env, String name, String dflt) {
    String v = env.get(name);
    return v == null || v.isBlank() ? dflt : v.strip();
  }
}
