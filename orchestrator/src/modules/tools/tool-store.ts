import type { Queryable } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { TOOL_COLUMNS, type ToolRow } from './tools.presenter';

/** Tool look-ups inside the caller's tenant transaction (RLS scopes them; tenant_id keeps the index used). */
export async function findToolById(tx: Queryable, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<ToolRow | null> {
  const r = await tx.query<ToolRow>(`SELECT ${TOOL_COLUMNS} FROM tools WHERE tenant_id = $1 AND id = $2${options.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return r.rows[0] ?? null;
}

export async function findToolByName(tx: Queryable, tenantId: string, name: string): Promise<ToolRow | null> {
  const r = await tx.query<ToolRow>(`SELECT ${TOOL_COLUMNS} FROM tools WHERE tenant_id = $1 AND lower(name) = lower($2)`, [tenantId, name]);
  return r.rows[0] ?? null;
}

export async function getTool(tx: Queryable, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<ToolRow> {
  const tool = await findToolById(tx, tenantId, id, options);
  if (!tool) throw new AppError('NOT_FOUND', 'Tool was not found');
  return tool;
}

export async function listTools(tx: Queryable, tenantId: string, options: { enabledOnly?: boolean } = {}): Promise<ToolRow[]> {
  const r = await tx.query<ToolRow>(`SELECT ${TOOL_COLUMNS} FROM tools WHERE tenant_id = $1${options.enabledOnly ? ' AND enabled' : ''} ORDER BY lower(name)`, [
    tenantId,
  ]);
  return r.rows;
}
