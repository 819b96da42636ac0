package io.hyrelog;

/** Operations an API key may be allowed to perform; see {@link ApiKeyType#scopes()}. */
public enum ApiKeyScope {
  /** Append events (workspace keys only: company keys never ingest). */
  EVENTS_WRITE,
  /** Query and read events and chains within the key's scope. */
  EVENTS_READ,
  /** Create and download exports within the key's scope. */
  EXPORTS,
  /** Create and rotate workspace keys of the company. */
  KEYS_MANAGE,
  /** Evidence bundles and other compliance operations of the company. */
  COMPLIANCE
}
