-- The Chatwoot acknowledgement path in one database round trip, with group commit. Chatwoot waits at most 5 s for
-- the 200 and opens a conversation to humans when a message delivery fails, so the ack must not queue behind the
-- connection pool (BEGIN / set tenant / INSERT / COMMIT held a pooled connection across four round trips), and
-- deliveries that arrive together (under load, many per event-loop turn) are recorded by one statement, so the cost
-- per acknowledgement falls exactly when the API is busiest.
-- SECURITY INVOKER on purpose: it runs as atrium_app, so row-level security applies to the INSERT exactly as in a
-- withTenant transaction; the tenant is set transaction-locally and the caller's value restored. A delivery id
-- repeated within one batch is inserted once (ON CONFLICT DO NOTHING also covers rows of the same statement).

CREATE OR REPLACE FUNCTION atrium_chatwoot_record_deliveries(
  p_tenant uuid, p_delivery_ids text[], p_integrations uuid[], p_events text[], p_payloads jsonb[], p_statuses text[]
) RETURNS TABLE (delivery_id text, id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
#variable_conflict use_column
DECLARE
  previous text := current_setting('app.tenant_id', true);
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
    INSERT INTO webhook_deliveries AS w (tenant_id, source, delivery_id, integration_id, event, payload, status)
    SELECT p_tenant, 'chatwoot', d.delivery_id, d.integration_id, d.event, d.payload, d.status
      FROM unnest(p_delivery_ids, p_integrations, p_events, p_payloads, p_statuses) AS d (delivery_id, integration_id, event, payload, status)
    ON CONFLICT (tenant_id, source, delivery_id) DO NOTHING
    RETURNING w.delivery_id, w.id;
  PERFORM set_config('app.tenant_id', coalesce(previous, ''), true);
END
$$;
REVOKE ALL ON FUNCTION atrium_chatwoot_record_deliveries(uuid, text[], uuid[], text[], jsonb[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_chatwoot_record_deliveries(uuid, text[], uuid[], text[], jsonb[], text[]) TO atrium_app;
