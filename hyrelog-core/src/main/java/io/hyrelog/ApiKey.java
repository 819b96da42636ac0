package io.hyrelog;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored API key: everything about a key except its secret, of which only an HMAC is kept
 * (see {@link ApiKeyToken}).
 *
 * @param id the key's id
 * @param companyId the company the key belongs to
 * @param workspaceId the workspace of a workspace key; {@code null} for a company key
 * @param type a workspace or a company key
 * @param prefix the displayable start of the key ({@link ApiKeyToken#displayPrefix()})
 * @param hmac HMAC-SHA256 of the key's text under the server's key secret
 * @param ipAllowlist the client addresses the key may be used from; empty allows any
 * @param expiresAt when the key stops working, or {@code null}
 * @param revokedAt when the key was revoked (or rotated away), or {@code null}
 * @param rotatedFrom the key this one replaced, or {@code null}
 * @param createdAt when the key was created
 */
public record ApiKey(
    UUID id,
    UUID companyId,
    UUID workspaceId,
    ApiKeyType type,
    String prefix,
    Digest hmac,
    List<IpRange> ipAllowlist,
    Instant expiresAt,
    Instant revokedAt,
    UUID rotatedFrom,
    Instant createdAt) {

  /**
   * Validates the key and copies the allowlist.
   *
   * @param id the key's id
   * @param companyId the company the key belongs to
   * @param workspaceId the workspace of a workspace key; {@code null} for a company key
   * @param type a workspace or a company key
   * @param prefix the displayable start of the key ({@link ApiKeyToken#displayPrefix()})
   * @param hmac HMAC-SHA256 of the key's text under the server's key secret
   * @param ipAllowlist the client addresses the key may be used from; empty allows any
   * @param expiresAt when the key stops working, or {@code null}
   * @param revokedAt when the key was revoked (or rotated away), or {@code null}
   * @param rotatedFrom the key this one replaced, or {@code null}
   * @param createdAt when the key was created
   * @throws IllegalArgumentException when a workspace id is set for a company key or missing
   *     for a workspace key, or another value is invalid
   */
  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(hmac, "hmac");
    Objects.requireNonNull(createdAt, "createdAt");
    ipAllowlist = List.copyOf(ipAllowlist);
    if ((type == ApiKeyType.WORKSPACE) != (workspaceId != null)) {
      throw new IllegalArgumentException(
          "a workspace key has a workspace id and a company key has none");
    }
  }

  /**
   * Whether the key is neither revoked nor expired at {@code now}.
   *
   * @param now the instant of the request
   * @return true when the key may be used at {@code now}
   */
  public boolean isActive(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  /**
   * Whether a request from {@code client} may use this key.
   *
   * @param client the request's source address
   * @return true when the allowlist is empty or a range holds {@code client}
   */
  public boolean allows(InetAddress client) {
    return ipAllowlist.isEmpty() || ipAllowlist.stream().anyMatch(r -> r.contains(client));
  }

  /**
   * The key with its revocation time set.
   *
   * @param when the revocation time
   * @return a copy of this key, revoked at {@code when}
   */
  public ApiKey revoked(Instant when) {
    return new ApiKey(id, companyId, workspaceId, type, prefix, hmac, ipAllowlist, expiresAt,
        when, rotatedFrom, createdAt);
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + ", " + type + ", " + prefix + "…]";
  }
}
