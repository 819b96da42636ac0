-- Least privilege for HyreLog's functions. PostgreSQL lets every role (PUBLIC) execute a new
-- function; the purge path must be callable only by the owner and the application role (which
-- V1 granted EXECUTE explicitly, a grant this does not touch), and the trigger functions by no
-- one directly. Roles other than the owner and the application role have no USAGE on the schema
-- either, so this is defense in depth should someone grant it later.
REVOKE ALL ON FUNCTION hyrelog_purge_events(uuid, bigint, bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hyrelog_refuse_event_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION hyrelog_restore_transition() FROM PUBLIC;
REVOKE ALL ON FUNCTION hyrelog_refuse_audit_change() FROM PUBLIC;
