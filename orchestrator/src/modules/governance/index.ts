import type { AtriumModule } from '../module';
import { bindQueueMetrics } from '../../platform/metrics';
import { governancePolicies } from './governance.policy';
import { governanceRoutes } from './governance.routes';
import { dsarJob } from './jobs/dsar.job';
import { PARTITIONS_EVERY_MS, maintainPartitionsJob } from './jobs/partitions.job';
import { RETENTION_SWEEP_EVERY_MS, retentionSweepJob, retentionTenantJob } from './jobs/retention.job';

export { purgeExpiredData } from './commands/purge-expired-data';
export { usageReport } from './commands/usage-report';
export { rotateSecrets, type RotationReport } from './commands/rotate-secrets';
export { maintainPartitions, type PartitionOutcome } from './commands/maintain-partitions';

export const governanceModule: AtriumModule = {
  name: 'governance',
  routes: governanceRoutes,
  jobs: [dsarJob, retentionSweepJob, retentionTenantJob, maintainPartitionsJob],
  policies: governancePolicies,
  // Operations: the queue gauges read this process's queue on every scrape.
  init: (services) => bindQueueMetrics(services.queue),
  schedules: async (services) => {
    await services.queue.schedule(retentionSweepJob, {}, RETENTION_SWEEP_EVERY_MS);
    await services.queue.schedule(maintainPartitionsJob, {}, PARTITIONS_EVERY_MS);
    // at start too: a schedule's first run is one interval away, and a month may have begun meanwhile
    await services.queue.enqueue(maintainPartitionsJob, {}, { idempotencyKey: `partitions:${new Date().toISOString().slice(0, 10)}` });
  },
};
