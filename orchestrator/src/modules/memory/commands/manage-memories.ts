import { notFound } from '../../../platform/errors';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { activeTenantConfig } from '../../tenants';
import { memoryAllowed } from '../memory-policy';
import { activeMemories, consentOf, deleteAllMemories, deleteMemoryRow, updateMemoryContent, upsertConsent, type MemoryRow } from '../memory-store';
import { rememberIn } from './remember';

/**
 * The user-facing memory commands. Every one is scoped to the caller's own memories (owner = the
 * caller, see conversations/access): no role lets anyone read or change another user's memory.
 */

export async function listMemories({ ctx, ownerRef }: { ctx: TenantContext; ownerRef: string }) {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const { config } = await activeTenantConfig(tx, ctx.tenant.id);
    const consent = await consentOf(tx, ctx.tenant.id, ownerRef);
    const allowed = await memoryAllowed(tx, ctx.tenant.id, ownerRef, config.memory);
    return { consent, allowed, settings: config.memory, items: await activeMemories(tx, ctx.tenant.id, ownerRef, 500) };
  });
}

/** Adds a memory the user typed in themselves (needs consent like any other). */
export async function addMemory({ ctx, ownerRef, content }: { ctx: TenantContext; ownerRef: string; content: string }): Promise<MemoryRow | null> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const { config } = await activeTenantConfig(tx, ctx.tenant.id);
    return rememberIn(tx, ctx, { ownerRef, content, source: 'api', settings: config.memory });
  });
}

export async function updateMemory({ ctx, ownerRef, id, content }: { ctx: TenantContext; ownerRef: string; id: string; content: string }): Promise<MemoryRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const row = await updateMemoryContent(tx, ctx.tenant.id, ownerRef, id, content);
    if (!row) throw notFound('Memory');
    await recordAudit(tx, ctx.tenant.id, {
      action: 'memory.updated',
      actor: actorOf(ctx.principal),
      resource: { type: 'memory', id },
      requestId: ctx.requestId,
    });
    return row;
  });
}

export async function deleteMemory({ ctx, ownerRef, id }: { ctx: TenantContext; ownerRef: string; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    if (!(await deleteMemoryRow(tx, ctx.tenant.id, ownerRef, id))) throw notFound('Memory');
    await recordAudit(tx, ctx.tenant.id, {
      action: 'memory.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'memory', id },
      requestId: ctx.requestId,
    });
  });
}

/** Right to erasure: every memory of the caller goes, and consent falls back to "not given". */
export async function eraseMemories({ ctx, ownerRef }: { ctx: TenantContext; ownerRef: string }): Promise<{ deleted: number }> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const deleted = await deleteAllMemories(tx, ctx.tenant.id, ownerRef);
    await tx.query('DELETE FROM memory_consents WHERE tenant_id = $1 AND owner_ref = $2', [ctx.tenant.id, ownerRef]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'memory.erased',
      actor: actorOf(ctx.principal),
      resource: { type: 'memory' },
      data: { deleted },
      requestId: ctx.requestId,
    });
    return { deleted };
  });
}

export async function setMemoryConsent({ ctx, ownerRef, granted }: { ctx: TenantContext; ownerRef: string; granted: boolean }) {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const consent = await upsertConsent(tx, ctx.tenant.id, ownerRef, granted);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'memory.consent_changed',
      actor: actorOf(ctx.principal),
      resource: { type: 'memory_consent' },
      data: { granted },
      requestId: ctx.requestId,
    });
    return consent;
  });
}
