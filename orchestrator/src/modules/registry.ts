import type { AtriumModule } from './module';
import { activityModule } from './activity';
import { auditModule } from './audit';
import { chatModule } from './chat';
import { conversationsModule } from './conversations';
import { memoryModule } from './memory';
import { chatwootModule } from './chatwoot';
import { governanceModule } from './governance';
import { evalsModule } from './evals';
import { identityModule } from './identity';
import { knowledgeModule } from './knowledge';
import { approvalsModule } from './approvals';
import { toolsModule } from './tools';
import { webhooksModule } from './webhooks';
import { tenantsModule } from './tenants';
import { safetyModule } from './safety';

/**
 * Every capability the process runs. Adding a module = one import and one entry; the platform
 * derives routes, OpenAPI, jobs and policies from this list.
 */
export const modules: readonly AtriumModule[] = [
  identityModule,
  tenantsModule,
  knowledgeModule,
  auditModule,
  activityModule,
  conversationsModule,
  chatModule,
  safetyModule,
  memoryModule,
  governanceModule,
  evalsModule,
  webhooksModule,
  approvalsModule,
  chatwootModule,
  toolsModule,
];
