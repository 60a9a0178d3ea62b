import { sendDelivery, type AttemptFn, type DeliveryOptions, type DeliveryRecord, type DeliveryTarget } from './deliveries';
import { BOT_EVENTS } from './events';
import type { ChatwootState, Conversation } from './state';

/**
 * Who receives which event (README §1.5 `agent_bots_for`, §4 account webhooks) and the bot-failure rule of §1.8.
 * Delivery is asynchronous, like Chatwoot's jobs; `settle()` waits for everything in flight.
 */
export interface DispatcherOptions {
  timeoutMs: number;
  botRetryDelayMs: number;
  /** the transport for delivery attempts (sender-thread.ts); this thread's senders unless given */
  attempt?: AttemptFn;
  /** called when a bot delivery of a message event finally fails (README §1.8 failure handling) */
  onBotFailure: (conversation: Conversation) => void;
}

export class Dispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<DeliveryRecord>>();
  /** when false, events are built but not sent (tests that drive deliveries by hand) */
  enabled = true;

  constructor(
    private readonly state: ChatwootState,
    private readonly options: DispatcherOptions,
  ) {}

  botTargets(c: Conversation, event: string): DeliveryTarget[] {
    const ids = new Set<number>();
    if (event !== 'webwidget_triggered' && c.assigneeBotId !== null) ids.add(c.assigneeBotId);
    const inboxBot = this.state.activeInboxBot(c.inboxId);
    if (inboxBot) ids.add(inboxBot.id);
    return [...ids]
      .map((id) => this.state.agentBots.get(id))
      .filter((b) => b !== undefined && b.outgoingUrl !== '')
      .map((b) => ({ kind: 'agent_bot' as const, url: b!.outgoingUrl, secret: b!.secret || null, ownerId: b!.id }));
  }

  webhookTargets(accountId: number, event: string): DeliveryTarget[] {
    return [...this.state.webhooks.values()]
      .filter((w) => w.accountId === accountId && w.subscriptions.includes(event))
      .map((w) => ({ kind: 'account_webhook' as const, url: w.url, secret: w.secret || null, ownerId: w.id }));
  }

  /** Sends `payload` to the conversation's bots (bot events only) and the account's subscribed webhooks. */
  emit(c: Conversation, event: string, payload: Record<string, unknown>, only?: 'bots' | 'webhooks'): void {
    const botEvent = (BOT_EVENTS as readonly string[]).includes(event);
    const targets = [
      ...(botEvent && only !== 'webhooks' ? this.botTargets(c, event) : []),
      ...(only !== 'bots' ? this.webhookTargets(c.accountId, event) : []),
    ];
    for (const target of targets) this.track(this.deliver(target, event, payload, {}, c));
  }

  /** A single delivery to one target, with test-chosen tampering (unsigned, bad signature, stale, replay). */
  async send(target: DeliveryTarget, event: string, payload: unknown, options: DeliveryOptions = {}): Promise<DeliveryRecord> {
    return this.track(this.deliver(target, event, payload, options));
  }

  private async deliver(target: DeliveryTarget, event: string, payload: unknown, options: DeliveryOptions, c?: Conversation): Promise<DeliveryRecord> {
    if (!this.enabled) {
      const record: DeliveryRecord = { deliveryId: '', event, target, body: JSON.stringify(payload), headers: {}, attempts: [], delivered: false };
      this.deliveries.push(record);
      return record;
    }
    const record = await sendDelivery(target, event, payload, {
      ...options,
      timeoutMs: this.options.timeoutMs,
      retryDelayMs: this.options.botRetryDelayMs,
      now: this.state.now,
      ...(this.options.attempt ? { attempt: this.options.attempt } : {}),
    });
    this.deliveries.push(record);
    const messageEvent = event === 'message_created' || event === 'message_updated';
    if (!record.delivered && target.kind === 'agent_bot' && messageEvent && c) this.options.onBotFailure(c);
    return record;
  }

  private track(p: Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Resolves once no delivery is in flight (deliveries may trigger further deliveries). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
