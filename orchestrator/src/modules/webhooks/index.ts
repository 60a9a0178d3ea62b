import type { AtriumModule } from '../module';
import { allow } from '../identity/policy';
import { webhookRoutes } from './webhooks.routes';
import { deliverWebhookJob } from './jobs/deliver-webhook.job';
import { dispatchWebhooksJob } from './jobs/dispatch-webhooks.job';

export { emitWebhookEvent, webhookOutboxPart } from './emit-webhook-event';
export { WEBHOOK_EVENTS, type WebhookEventType } from './webhooks.schema';

export const webhooksModule: AtriumModule = {
  name: 'webhooks',
  routes: webhookRoutes,
  jobs: [dispatchWebhooksJob, deliverWebhookJob],
  policies: [allow('tenant_admin', 'webhooks:manage')],
  schedules: (services) => services.queue.schedule(dispatchWebhooksJob, {}, services.config.WEBHOOK_DISPATCH_INTERVAL_MS),
};
