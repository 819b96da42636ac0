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
 * @param workspaceId the workspace of a workspace key; {@code null} for a company key
 * @param prefix the displayable start of the key ({@link ApiKeyToken#displayPrefix()})
 * @param hmac HMAC-SHA256 of the key's text under the server's key secret
 * @param ipAllowlist the client addresses the key may be used from; empty allows any
 * @param expiresAt when the key stops working, or {@code null}
 * @param revokedAt when the key was revoked (or rotated away), or {@code null}
 * @param rotatedFrom the key this one replaced, or {@code null}
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

  /** Whether the key is neither revoked nor expired at {@code now}. */
  public boolean isActive(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  /** Whether a request from {@code client} may use this key. */
  public boolean allows(InetAddress client) {
    return ipAllowlist.isEmpty() || ipAllowlist.stream().anyMatch(r -> r.contains(client));
  }

  /** The key with its revocation time set. */
  public ApiKey revoked(Instant when) {
    return new ApiKey(id, companyId, workspaceId, type, prefix, hmac, ipAllowlist, expiresAt,
        when, rotatedFrom, createdAt);
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + ", " + type + ", " + prefix + "…]";
  }
}
