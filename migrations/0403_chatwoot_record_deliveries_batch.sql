-- Group commit for the Chatwoot acknowledgement path: deliveries that arrive together (under load, many per event-loop
-- turn) are recorded by one statement instead of one round trip each, so the cost per acknowledgement falls exactly
-- when the API is busiest. Same guarantees as 0402's single-row function, which this replaces: SECURITY INVOKER (RLS
-- applies as atrium_app), tenant set transaction-locally and the caller's value restored; a delivery id repeated
-- within one batch is inserted once (ON CONFLICT DO NOTHING also covers rows of the same statement).
DROP FUNCTION IF EXISTS atrium_chatwoot_record_delivery(uuid, text, uuid, text, jsonb, text);

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
