import type { AtriumModule } from '../module';
import { pendingApprovalsForConversation } from '../approvals';
import { setPendingApprovalsLookup } from './commands/get-panel';
import { chatwootPolicies } from './chatwoot.policy';
import { chatwootRoutes } from './chatwoot.routes';
import { approvalNoticeJob, forwardApprovalNotices } from './jobs/approval-notice.job';
import { botTurnJob } from './jobs/bot-turn.job';
import { processDeliveryJob } from './jobs/process-delivery.job';
import { SWEEP_EVERY_MS, sweepJob } from './jobs/sweep.job';
import { syncAgentsJob } from './jobs/sync-agents.job';

/**
 * Chatwoot bridge (issue 6): Atrium as a Chatwoot Agent Bot — signed inbound events, webhook-driven sync,
 * bot turns with cited answers, clean handoff to humans, agents provisioned from Keycloak, and the data behind
 * the Dashboard App panel.
 */
export { setTurnEngine, type TurnEngine, type TurnInput, type TurnOutcome } from './turn-engine';
export { setPendingApprovalsLookup, type PendingApproval, type PendingApprovalsLookup } from './commands/get-panel';
export { sweepChatwoot } from './jobs/sweep.job';
export { runBotTurn } from './commands/run-bot-turn';
export { activeAdminClient } from './integration-store';

export const chatwootModule: AtriumModule = {
  name: 'chatwoot',
  routes: chatwootRoutes,
  jobs: [processDeliveryJob, botTurnJob, sweepJob, syncAgentsJob, approvalNoticeJob],
  policies: chatwootPolicies,
  init: (services) => {
    setPendingApprovalsLookup(services, pendingApprovalsForConversation);
    // what a customer is told about their approval request also reaches them in Chatwoot (issue 7)
    forwardApprovalNotices(services);
  },
  schedules: async (services) => {
    await services.queue.schedule(sweepJob, {}, SWEEP_EVERY_MS);
    await services.queue.schedule(syncAgentsJob, {}, services.config.KEYCLOAK_SYNC_INTERVAL_SECONDS * 1000);
  },
};
