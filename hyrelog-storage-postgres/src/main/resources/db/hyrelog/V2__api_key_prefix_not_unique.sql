-- A key's display prefix holds only 4 characters of its secret, so two keys can share one
-- (likely after a few thousand keys). Keys are identified by their HMAC, which stays unique.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_prefix_key;
CREATE INDEX api_keys_company ON api_keys (company_id, created_at);
