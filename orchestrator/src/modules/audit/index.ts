import type { AtriumModule } from '../module';
import { auditPolicies } from './audit.policy';
import { auditRoutes } from './audit.routes';

export { auditAppend, auditedTransaction, recordAudit, recordAudits, type PreparedAudit } from './record-audit';
export { verifyAuditChain, type ChainVerification } from './verify-chain';
export { actorOf, systemActor, type AuditAction, type AuditActor, type AuditEvent } from './audit.events';
export { canonicalJson, rowHash, GENESIS_HASH } from './hash-chain';

export const auditModule: AtriumModule = { name: 'audit', routes: auditRoutes, jobs: [], policies: auditPolicies };
