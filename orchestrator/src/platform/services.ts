import type { Config } from './config';
import type { Db } from './db';
import type { JobQueue } from './queue';
import type { Logger } from './logger';
import type { EventBus } from './bus';
import type { SecretBox } from './crypto';
import type { Principal, RequestContext, TenantRef } from './http/context';

/** Authorization as the platform sees it; implemented by the identity module's policy engine. */
export interface Authorizer {
  can(principal: Principal, action: string, tenant: TenantRef | null, resource?: Record<string, unknown>): boolean;
  abilities(principal: Principal, actions: readonly string[], tenant: TenantRef | null, resource?: Record<string, unknown>): string[];
  /** Every concrete action the API checks: what GET /v1/me reports abilities for. */
  reportedActions(): readonly string[];
}

/**
 * What every command and job receives: created once at boot (main) or per test, never imported as
 * module-level singletons, so tests can run many isolated instances in one process.
 */
export interface Services {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
  bus: EventBus;
  secrets: SecretBox;
  authz: Authorizer;
  /** Per-caller and per-tenant request budgets (identity module); closed with the services. */
  rateLimits: { consume(ctx: RequestContext): Promise<void>; close(): Promise<void> };
}
