import type { AtriumModule } from '../module';
import { allow } from '../identity/policy';
import { purgeExpiredMemoriesJob } from './jobs/purge-expired-memories';
import { memoryRoutes } from './memory.routes';

export { rememberIn } from './commands/remember';
export { recallMemories } from './commands/recall-memories';
export { memoryAllowed, type MemorySettings } from './memory-policy';
export { detectMemoryRequest } from './detect-memory-request';

const DAY_MS = 24 * 60 * 60 * 1000;

export const memoryModule: AtriumModule = {
  name: 'memory',
  routes: memoryRoutes,
  jobs: [purgeExpiredMemoriesJob],
  // Everyone manages only their own memory (owner = caller), so every tenant role gets the action.
  policies: ['tenant_admin', 'agent', 'approver', 'viewer'].map((role) => allow(role, 'memory:manage')),
  schedules: async (services) => services.queue.schedule(purgeExpiredMemoriesJob, {}, DAY_MS),
};
