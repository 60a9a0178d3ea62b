-- The Chatwoot acknowledgement path in one database round trip. Chatwoot waits at most 5 s for the 200 and opens a
-- conversation to humans when a message delivery fails, so the ack must not queue behind the connection pool:
-- BEGIN / set tenant / INSERT / COMMIT held a pooled connection across four round trips (and, in a busy process,
-- four event-loop turns). This function does the same in one statement.
-- SECURITY INVOKER on purpose: it runs as atrium_app, so row-level security applies to the INSERT exactly as in a
-- withTenant transaction; the tenant is set transaction-locally and the caller's previous value restored, so the
-- function never widens or leaks a scope, whether called on its own or inside a transaction.
CREATE OR REPLACE FUNCTION atrium_chatwoot_record_delivery(
  p_tenant uuid, p_delivery_id text, p_integration uuid, p_event text, p_payload jsonb, p_status text
) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
DECLARE
  previous text := current_setting('app.tenant_id', true);
  row_id uuid;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  INSERT INTO webhook_deliveries (tenant_id, source, delivery_id, integration_id, event, payload, status)
  VALUES (p_tenant, 'chatwoot', p_delivery_id, p_integration, p_event, p_payload, p_status)
  ON CONFLICT (tenant_id, source, delivery_id) DO NOTHING
  RETURNING id INTO row_id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
  RETURN row_id;
END
$$;
REVOKE ALL ON FUNCTION atrium_chatwoot_record_delivery(uuid, text, uuid, text, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_chatwoot_record_delivery(uuid, text, uuid, text, jsonb, text) TO atrium_app;
