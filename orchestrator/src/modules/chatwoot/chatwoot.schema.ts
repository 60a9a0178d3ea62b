import { z } from 'zod';
import { ABILITIES_DESCRIPTION } from '../../platform/http/abilities';

/** Request, response and stored-JSON schemas of the Chatwoot bridge. */

const positiveId = z.number().int().positive();

export const connectBody = z
  .strictObject({
    name: z.string().min(1).max(100).default('Chatwoot').describe('Label shown in Atrium.'),
    base_url: z.string().url().max(500).describe('Chatwoot base URL, e.g. https://chat.example.com'),
    account_id: positiveId.describe('Chatwoot account id the integration serves.'),
    bot_token: z.string().min(8).max(200).optional().describe("An existing agent bot's access token."),
    bot_secret: z.string().min(8).max(200).optional().describe("That bot's signing secret (Chatwoot ≥ 4.13). Omit only with allow_unsigned."),
    admin_token: z
      .string()
      .min(8)
      .max(200)
      .optional()
      .describe('An administrator user token: Atrium then creates its own agent bot, attaches it, and can provision agents.'),
    allow_unsigned: z.boolean().default(false).describe('Accept unsigned deliveries from Chatwoot servers older than 4.13. Off by default.'),
    inbox_ids: z.array(positiveId).max(100).default([]).describe('Inboxes the bot is attached to (needs admin_token).'),
    subscribe_account_webhook: z
      .boolean()
      .default(true)
      .describe('With admin_token: register an account webhook so conversations, messages and status changes sync into Atrium.'),
    provision_agents: z.boolean().default(false).describe('With admin_token: provision tenant users with the agent role as Chatwoot agents.'),
  })
  .refine((b) => b.bot_token || b.admin_token, { message: 'send bot_token (an existing bot) or admin_token (Atrium creates the bot)', path: ['bot_token'] })
  .refine((b) => b.admin_token || b.bot_secret || b.allow_unsigned, {
    message: 'bot_secret is required to verify deliveries (or set allow_unsigned for Chatwoot < 4.13)',
    path: ['bot_secret'],
  });
export type ConnectBody = z.infer<typeof connectBody>;

export const integrationIdParams = z.object({ id: z.uuid() });
export const eventsParams = z.object({ integrationId: z.uuid() });
export const panelParams = z.object({ id: z.uuid(), conversationId: z.coerce.number().int().positive() });

export const integrationResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['active', 'disabled', 'error']),
  base_url: z.string(),
  account_id: z.number().int(),
  agent_bot_id: z.number().int().nullable(),
  inbox_ids: z.array(z.number().int()),
  allow_unsigned: z.boolean(),
  account_webhook: z.boolean(),
  provision_agents: z.boolean(),
  webhook_url: z.string(),
  dashboard_app_url: z.string(),
  created_at: z.string(),
  abilities: z.array(z.enum(['disconnect', 'sync_agents'])).describe(ABILITIES_DESCRIPTION),
});
export const connectResponse = integrationResponse.pick({ id: true, webhook_url: true, agent_bot_id: true, dashboard_app_url: true });
/** Where the tenant's human agents answer, for the console's Inbox: any reader of conversations may know it. */
export const accountsResponse = z.object({
  items: z.array(integrationResponse.pick({ id: true, name: true, status: true, base_url: true, account_id: true, inbox_ids: true, abilities: true })),
});

export const deliveryAck = z.object({
  status: z.enum(['accepted', 'duplicate', 'ignored']),
  delivery_id: z.string(),
});

/** `integrations.config` for kind "chatwoot" (non-secret). */
export const storedConfig = z.object({
  base_url: z.string(),
  account_id: z.number().int(),
  allow_unsigned: z.boolean().default(false),
  inbox_ids: z.array(z.number().int()).default([]),
  provision_agents: z.boolean().default(false),
});
export type StoredConfig = z.infer<typeof storedConfig>;

/** `integrations.external_ids`: what Atrium created in Chatwoot, so disconnecting can undo it. */
export const storedExternalIds = z.object({
  agent_bot_id: z.number().int().nullable().default(null),
  created_bot: z.boolean().default(false),
  webhook_id: z.number().int().nullable().default(null),
  dashboard_app_id: z.number().int().nullable().default(null),
});
export type StoredExternalIds = z.infer<typeof storedExternalIds>;

/** Sealed with the SecretBox into `integrations.secrets_sealed`; never leaves the process. */
export const storedSecrets = z.object({
  bot_token: z.string(),
  bot_secret: z.string().nullable(),
  webhook_secret: z.string().nullable().default(null),
  admin_token: z.string().nullable().default(null),
});
export type StoredSecrets = z.infer<typeof storedSecrets>;

export const citationSchema = z.object({
  title: z.string(),
  url: z.string().nullable().optional(),
  snippet: z.string().optional(),
  source_id: z.string().optional(),
  /** the [n] marker the answer text uses for this source */
  index: z.number().int().optional(),
});
export type Citation = z.infer<typeof citationSchema>;

export const HANDOFF_REASONS = ['customer_request', 'topic_policy', 'safety', 'no_answer', 'tool_approval', 'pipeline_failure', 'delivery_failure'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** `chatwoot_conversations.handoff`: what the agent sees in the private note and the dashboard panel. */
export const storedHandoff = z.object({
  reason: z.enum(HANDOFF_REASONS),
  detail: z.string().optional(),
  summary: z.string(),
  tried: z.array(z.string()).default([]),
  citations: z.array(citationSchema).default([]),
  suggested_replies: z.array(z.string()).default([]),
  at: z.string(),
});
export type StoredHandoff = z.infer<typeof storedHandoff>;

export const panelResponse = z.object({
  integration_id: z.uuid(),
  conversation: z.object({
    chatwoot_id: z.number().int(),
    atrium_id: z.uuid().nullable(),
    status: z.enum(['open', 'resolved', 'pending', 'snoozed']).nullable(),
    owner: z.enum(['bot', 'human']).nullable(),
  }),
  handoff: z
    .object({ reason: z.enum(HANDOFF_REASONS), detail: z.string().nullable(), summary: z.string(), tried: z.array(z.string()), at: z.string() })
    .nullable(),
  citations: z.array(citationSchema),
  suggested_replies: z.array(z.string()),
  pending_approvals: z.array(z.object({ id: z.string(), summary: z.string(), created_at: z.string().optional() })),
  recent_bot_replies: z.array(z.object({ content: z.string(), created_at: z.string() })),
});
export type PanelResponse = z.infer<typeof panelResponse>;

export const agentSyncResponse = z.object({ created: z.number().int(), removed: z.number().int(), unchanged: z.number().int(), failed: z.number().int() });
