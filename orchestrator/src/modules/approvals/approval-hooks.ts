import type { Services } from '../../platform/services';
import type { ApprovalView } from './approvals.schema';

/**
 * In-process hooks on approval outcomes, registered per Services instance (never a module-level singleton,
 * so isolated test instances do not hear each other). The tools module runs approved tool calls from here;
 * the Chatwoot module posts the conversation notice to Chatwoot from here. Listeners run after commit, and a
 * failing listener is logged, never undoes the decision.
 */
export type ApprovalOutcome = 'submitted' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'executed' | 'failed';

export interface ApprovalOutcomeEvent {
  tenantId: string;
  outcome: ApprovalOutcome;
  approval: ApprovalView;
  /** The assistant message written into the conversation for the customer, if any. */
  notice?: { conversationId: string; messageId: string; content: string };
}

export type ApprovalListener = (event: ApprovalOutcomeEvent, services: Services) => void | Promise<void>;

const listeners = new WeakMap<Services, ApprovalListener[]>();

export function onApprovalOutcome(services: Services, listener: ApprovalListener): () => void {
  const list = listeners.get(services) ?? [];
  list.push(listener);
  listeners.set(services, list);
  return () => list.splice(list.indexOf(listener) >>> 0, 1);
}

export async function notifyApprovalOutcome(services: Services, event: ApprovalOutcomeEvent): Promise<void> {
  services.bus.publish({ tenantId: event.tenantId, type: 'approval', data: { outcome: event.outcome, approval: { ...event.approval, abilities: [] } } });
  for (const listener of listeners.get(services) ?? []) {
    try {
      await listener(event, services);
    } catch (error) {
      services.log.error({ err: error, approvalId: event.approval.id, outcome: event.outcome }, 'approval listener failed');
    }
  }
}
