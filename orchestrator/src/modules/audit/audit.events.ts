import type { Principal } from '../../platform/http/context';

/**
 * Every auditable action, as one union so a typo is a compile error. Modules add their actions here.
 * `data` carries ids and facts, never message content or personal data (those live in their own tables,
 * where data-subject requests can erase them without touching this chain).
 */
export type AuditAction =
  | 'tenant.created'
  | 'tenant.suspended'
  | 'tenant.reactivated'
  | 'config.published'
  | 'config.rolled_back'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'membership.granted'
  | 'membership.updated'
  | 'membership.revoked'
  | 'user.synced'
  | 'knowledge.source.created'
  | 'knowledge.source.updated'
  | 'knowledge.source.deleted'
  | 'knowledge.source.synced'
  | 'knowledge.document.created'
  | 'knowledge.document.indexed'
  | 'knowledge.document.failed'
  | 'knowledge.document.deleted'
  | 'conversation.created'
  | 'conversation.deleted'
  | 'conversation.escalated'
  | 'conversation.handed_off'
  | 'conversation.resumed'
  | 'chat.turn'
  | 'safety.flagged'
  | 'safety.blocked'
  | 'memory.created'
  | 'memory.updated'
  | 'memory.deleted'
  | 'memory.erased'
  | 'memory.consent_changed'
  | 'integration.created'
  | 'integration.updated'
  | 'integration.deleted'
  | 'integration.secrets_rotated'
  | 'tool.created'
  | 'tool.updated'
  | 'tool.deleted'
  | 'tool.executed'
  | 'tool.failed'
  | 'tool.denied'
  | 'approval.requested'
  | 'approval.approved'
  | 'approval.rejected'
  | 'approval.expired'
  | 'approval.cancelled'
  | 'approval.executed'
  | 'approval.failed'
  | 'webhook_endpoint.created'
  | 'webhook_endpoint.deleted'
  | 'audit.exported'
  | 'dsar.requested'
  | 'dsar.exported'
  | 'dsar.archive_downloaded'
  | 'dsar.erased'
  | 'retention.purged'
  | 'eval.run_started'
  | 'eval.run_finished'
  | 'redteam.run';

export type ActorType = 'user' | 'api_key' | 'platform' | 'system' | 'integration';

export interface AuditActor {
  type: ActorType;
  /** Pseudonymous reference: IdP subject, `key:<id>`, `platform`, `system:<job>`, `integration:<id>`. */
  ref: string;
}

export interface AuditEvent {
  action: AuditAction;
  actor: AuditActor;
  resource: { type: string; id?: string | null };
  data?: Record<string, unknown>;
  requestId?: string;
}

export function actorOf(principal: Principal | null | undefined): AuditActor {
  if (!principal) return { type: 'system', ref: 'system' };
  if (principal.kind === 'platform') return { type: 'platform', ref: 'platform' };
  if (principal.kind === 'api_key') return { type: 'api_key', ref: principal.subject };
  return { type: 'user', ref: principal.subject };
}

export const systemActor = (job: string): AuditActor => ({ type: 'system', ref: `system:${job}` });
