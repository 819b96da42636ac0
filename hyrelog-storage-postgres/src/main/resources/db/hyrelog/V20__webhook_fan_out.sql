-- Webhook fan-out off the append path (io.hyrelog.spi.WebhookStore, "Fan-out").
--
-- Until now the append statement wrote one webhook_deliveries row per created event and
-- matching enabled endpoint (V12's transactional outbox): 10 endpoints meant 10 rows inside
-- every append, and ingest with webhooks on ran at about half the rate of ingest without. Now
-- the chain itself is the outbox: an event is durable in its chain when its append commits,
-- and a chain's events commit in seq order (the head row's lock), so each endpoint only needs
-- its position, the seq up to which its deliveries exist. The dispatchers create the rows in
-- batches (PostgresWebhookStore.fanOut), each endpoint under its row lock, and move the
-- position in the same statement; UNIQUE (endpoint_id, seq) refuses any second row.
--
-- Existing endpoints start at their chain's head: the old outbox already wrote the rows of
-- every event before it (disabled endpoints got none, and resume at the head when enabled).
ALTER TABLE webhook_endpoints ADD COLUMN fanned_seq bigint;
UPDATE webhook_endpoints w SET fanned_seq = COALESCE((SELECT h.seq FROM chain_heads h
  WHERE h.workspace_id = w.workspace_id), 0);
ALTER TABLE webhook_endpoints ALTER COLUMN fanned_seq SET NOT NULL,
  ADD CONSTRAINT webhook_endpoints_fanned_seq CHECK (fanned_seq >= 0);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT UPDATE (fanned_seq) ON webhook_endpoints TO %I', '${appRole}');
  END IF;
END $$;
