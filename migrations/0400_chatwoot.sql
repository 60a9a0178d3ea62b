-- Chatwoot bridge (issue 6). Conversations and messages are mirrored into the foundation's `conversations`
-- (channel 'chatwoot') and `messages` tables; these tables hold only what the bridge itself needs.
-- PG15 subset (runs on PostgreSQL 15 and PGlite).

-- One row per Chatwoot conversation (display id) seen through an integration: who owns it (bot/human),
-- the last applied Chatwoot state, the bot's reply cursor, the handoff context and the turn lease.
CREATE TABLE chatwoot_conversations (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  integration_id uuid NOT NULL,
  chatwoot_conversation_id bigint NOT NULL,
  conversation_id uuid NOT NULL,
  inbox_id bigint,
  contact_id bigint,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('open', 'resolved', 'pending', 'snoozed')),
  owner text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'human')),
  -- Chatwoot's conversation `updated_at` (float seconds) of the newest applied event: older events never win
  state_version double precision NOT NULL DEFAULT 0,
  handoff jsonb,
  lease_token uuid,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, chatwoot_conversation_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chatwoot_conversations_by_conversation ON chatwoot_conversations (tenant_id, conversation_id);
CALL atrium_tenant_table('chatwoot_conversations');

-- Chatwoot message id → mirrored Atrium message; the primary key makes the mirror idempotent. `handled`
-- marks customer messages the bot answered, handed off or left to humans: per message, not a cursor, because
-- Chatwoot delivers concurrently and an older message may arrive after a newer one was answered.
CREATE TABLE chatwoot_messages (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  integration_id uuid NOT NULL,
  chatwoot_message_id bigint NOT NULL,
  chatwoot_conversation_id bigint NOT NULL,
  message_id uuid,
  author text NOT NULL CHECK (author IN ('customer', 'agent', 'bot', 'private_note', 'system')),
  handled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, chatwoot_message_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chatwoot_messages_by_conversation ON chatwoot_messages (tenant_id, integration_id, chatwoot_conversation_id, chatwoot_message_id);
CREATE INDEX chatwoot_messages_unanswered ON chatwoot_messages (tenant_id, integration_id, chatwoot_conversation_id)
  WHERE author = 'customer' AND NOT handled;
CALL atrium_tenant_table('chatwoot_messages');

-- What the bot sent for a customer message (keyed by the newest customer message it answers). Survives
-- worker restarts: a repeated turn reuses the idempotency key, so Chatwoot never gets the reply twice.
CREATE TABLE chatwoot_replies (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  integration_id uuid NOT NULL,
  inbound_message_id bigint NOT NULL,
  chatwoot_conversation_id bigint NOT NULL,
  idempotency_key text NOT NULL,
  kind text NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'handoff')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted', 'handed_off', 'failed')),
  chatwoot_message_id bigint,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, inbound_message_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);
CALL atrium_tenant_table('chatwoot_replies');

-- Chatwoot agents Atrium provisioned from Keycloak (agent role). Only these are ever removed again:
-- agents created by hand in Chatwoot are never touched (sync is downward only).
CREATE TABLE chatwoot_agents (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  integration_id uuid NOT NULL,
  user_id uuid NOT NULL,
  email text NOT NULL,
  chatwoot_agent_id bigint,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed', 'failed')),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, integration_id, user_id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);
CALL atrium_tenant_table('chatwoot_agents');

-- The delivery sweeper re-enqueues deliveries that were recorded but never picked up (a crash between
-- commit and enqueue); it must find them without scanning every tenant's whole history.
CREATE INDEX webhook_deliveries_chatwoot_stuck ON webhook_deliveries (tenant_id, received_at)
  WHERE status = 'received' AND source = 'chatwoot';
