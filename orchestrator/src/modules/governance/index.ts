import type { AtriumModule } from '../module';
import { bindQueueMetrics } from '../../platform/metrics';
import { governancePolicies } from './governance.policy';
import { governanceRoutes } from './governance.routes';
import { dsarJob } from './jobs/dsar.job';
import { RETENTION_SWEEP_EVERY_MS, retentionSweepJob, retentionTenantJob } from './jobs/retention.job';

export { purgeExpiredData } from './commands/purge-expired-data';
export { usageReport } from './commands/usage-report';
export { rotateSecrets, type RotationReport } from './commands/rotate-secrets';

export const governanceModule: AtriumModule = {
  name: 'governance',
  routes: governanceRoutes,
  jobs: [dsarJob, retentionSweepJob, retentionTenantJob],
  policies: governancePolicies,
  // Operations: the queue gauges read this process's queue on every scrape.
  init: (services) => bindQueueMetrics(services.queue),
  schedules: (services) => services.queue.schedule(retentionSweepJob, {}, RETENTION_SWEEP_EVERY_MS),
};
