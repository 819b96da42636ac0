package io.hyrelog;

import java.util.EnumSet;
import java.util.Set;

/**
 * The two kinds of API key. A workspace key ingests and reads its own workspace; a company key
 * reads and exports across the company's workspaces and manages keys, but never ingests.
 */
public enum ApiKeyType {
  /** A key of one workspace: writes and reads its events and exports them. */
  WORKSPACE("ws", EnumSet.of(ApiKeyScope.EVENTS_WRITE, ApiKeyScope.EVENTS_READ,
      ApiKeyScope.EXPORTS)),
  /**
   * A key of a company: reads and exports across its workspaces and manages keys; never ingests.
   */
  COMPANY("co", EnumSet.of(ApiKeyScope.EVENTS_READ, ApiKeyScope.EXPORTS,
      ApiKeyScope.KEYS_MANAGE, ApiKeyScope.COMPLIANCE));

  private final String code;
  private final Set<ApiKeyScope> scopes;

  ApiKeyType(String code, EnumSet<ApiKeyScope> scopes) {
    this.code = code;
    this.scopes = java.util.Collections.unmodifiableSet(scopes);
  }

  /**
   * The code used in key prefixes ({@code hlk_us_ws_…}, {@code hlk_eu_co_…}).
   *
   * @return {@code ws} or {@code co}
   */
  public String code() {
    return code;
  }

  /**
   * What a key of this type may do.
   *
   * @return the scopes, unmodifiable
   */
  public Set<ApiKeyScope> scopes() {
    return scopes;
  }

  /**
   * Whether a key of this type may do {@code scope}.
   *
   * @param scope a scope
   * @return true when keys of this type have {@code scope}
   */
  public boolean allows(ApiKeyScope scope) {
    return scopes.contains(scope);
  }
}
