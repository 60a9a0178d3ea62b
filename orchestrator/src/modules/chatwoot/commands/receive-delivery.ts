import { createHash } from 'node:crypto';
import {
  eventAccountId,
  headerValue,
  isAtriumSourceId,
  parseChatwootEvent,
  verifyChatwootSignature,
  type ChatwootEvent,
  type HeaderBag,
} from '@atrium/connectors/chatwoot';
import { AppError } from '../../../platform/errors';
import type { Services } from '../../../platform/services';
import { integrationTenant, loadIntegration, type ChatwootIntegration } from '../integration-store';
import { recordDelivery } from '../delivery-recorder';
import { processDeliveryJob } from '../jobs/process-delivery.job';

/**
 * Inbound webhook (convention 8): verify → record → dedupe → acknowledge, the job's enqueue sent but not awaited.
 * Nothing slow happens here: Chatwoot waits at most WEBHOOK_TIMEOUT (5 s) and treats a failure on a message event
 * as a reason to take the conversation away from the bot (README §1.8). The delivery row is the durable record: if
 * the enqueue is lost (crash, Redis down), the sweeper job re-enqueues deliveries left in `received`.
 */
export interface DeliveryInput {
  integrationId: string;
  rawBody: Buffer | undefined;
  headers: HeaderBag;
  body: unknown;
}

export interface DeliveryAck {
  status: 'accepted' | 'duplicate' | 'ignored';
  delivery_id: string;
}

const MAX_DELIVERY_ID = 200;

function verify(services: Services, integration: ChatwootIntegration, input: DeliveryInput & { rawBody: Buffer }): void {
  const signed = headerValue(input.headers, 'x-chatwoot-signature') !== undefined;
  if (!signed && integration.config.allow_unsigned) return; // explicitly allowed legacy server (< 4.13)
  const secrets = [integration.secrets.bot_secret, integration.secrets.webhook_secret].filter((s): s is string => !!s);
  if (!secrets.length) throw new AppError('INVALID_SIGNATURE', 'This integration has no signing secret and does not allow unsigned deliveries');
  const verdict = verifyChatwootSignature({
    rawBody: input.rawBody,
    headers: input.headers,
    secret: secrets,
    toleranceSeconds: services.config.CHATWOOT_SIGNATURE_TOLERANCE_SECONDS,
  });
  if (!verdict.ok) throw new AppError('INVALID_SIGNATURE', `The Chatwoot signature was rejected (${verdict.reason})`, { details: { reason: verdict.reason } });
}

/**
 * Atrium's own message coming back (Chatwoot sends a bot its own messages, README §1.5). The turn that posted it has
 * mirrored it already, so it is recorded but needs no job: a third of the jobs per bot turn, otherwise.
 * Only `message_created`: a `message_updated` of the bot's message may carry a customer's quick-reply tap.
 */
const ownEcho = (e: ChatwootEvent) =>
  e.event === 'message_created' && e.message_type === 'outgoing' && e.sender?.type === 'agent_bot' && isAtriumSourceId(e.source_id);

export async function receiveDelivery(services: Services, input: DeliveryInput): Promise<DeliveryAck> {
  const tenantId = await integrationTenant(services, input.integrationId);
  if (!tenantId) throw new AppError('NOT_FOUND', 'Chatwoot integration was not found');
  const integration = await loadIntegration(services, tenantId, input.integrationId);
  if (!input.rawBody) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Chatwoot deliveries must be application/json');
  verify(services, integration, { ...input, rawBody: input.rawBody });
  if (integration.status !== 'active') throw new AppError('CONFLICT', 'This Chatwoot integration is disabled');

  const header = headerValue(input.headers, 'x-chatwoot-delivery')?.trim();
  // Chatwoot < 4.13 sends no delivery id: the body (which carries its own timestamps) stands in for one.
  const deliveryId = header && header.length <= MAX_DELIVERY_ID ? header : `sha256:${createHash('sha256').update(input.rawBody).digest('hex')}`;
  const parsed = parseChatwootEvent(input.body);
  if ('invalid' in parsed) throw new AppError('VALIDATION', `The ${parsed.name} delivery does not match Chatwoot's payload: ${parsed.issues.join('; ')}`);
  const eventName = parsed.known ? parsed.event.event : parsed.name || 'unknown';
  // A signed event for another Chatwoot account (a bot attached to foreign inboxes) is recorded but never acted on.
  const relevant = parsed.known && eventAccountId(parsed.event) === integration.config.account_id && !ownEcho(parsed.event);

  // One statement for all deliveries arriving together (delivery-recorder.ts): the row is committed before the 200
  // without holding a pooled connection across BEGIN/scope/INSERT/COMMIT, which made acknowledgements queue for seconds.
  const rowId = await recordDelivery(services, {
    tenantId,
    deliveryId,
    integrationId: integration.id,
    event: eventName,
    payload: input.rawBody.toString('utf8'),
    status: relevant ? 'received' : 'ignored',
  });
  if (!rowId) return { status: 'duplicate', delivery_id: deliveryId };
  if (!relevant) return { status: 'ignored', delivery_id: deliveryId };
  // The committed row is the promise to Chatwoot; the enqueue is not awaited for the 200 (a Redis round trip, and
  // the queue is busiest exactly when deliveries pile up). Lost (a crash, Redis down): the sweeper re-enqueues
  // deliveries left in `received`.
  services.queue
    .enqueue(processDeliveryJob, { tenantId, integrationId: integration.id, deliveryRowId: rowId }, { idempotencyKey: `chatwoot-delivery:${rowId}` })
    .catch((error: unknown) =>
      services.log.warn({ err: error, deliveryRowId: rowId }, 'chatwoot delivery recorded but not enqueued; the sweeper will pick it up'),
    );
  return { status: 'accepted', delivery_id: deliveryId };
}
