import type { TurnEvent } from './types';

/**
 * Runs an answer ahead of its consumer: the model call starts while the turn's first transaction is
 * still writing, and what it yields waits here until the turn has stored the message and sent the
 * `conversation` event. Never drained (the write failed, a human took the conversation): the caller
 * aborts the model call through its signal and drops what was buffered.
 *
 * It runs ahead only to the model's first text: the rest of the answer is pulled once `stored` settles.
 * Nothing of it may leave before that anyway, and guarding and buffering a whole answer (one that arrives
 * in a few packets is processed in one go) would only take the event loop from the write being waited for.
 */
export interface EarlyAnswer<R> {
  /** The buffered events, then the live ones; returns (or throws) what the answer did. */
  drain(): AsyncGenerator<TurnEvent, R>;
}

export function startEarly<R>(answer: AsyncGenerator<TurnEvent, R>, stored: Promise<unknown>): EarlyAnswer<R> {
  const buffered: TurnEvent[] = [];
  let finished = null as { reply: R } | { error: unknown } | null;
  let wake = null as (() => void) | null;
  void (async () => {
    try {
      let ranAhead = true;
      for (;;) {
        const step = await answer.next();
        if (step.done) {
          finished = { reply: step.value };
          break;
        }
        buffered.push(step.value);
        wake?.();
        if (ranAhead && (step.value.type === 'delta' || step.value.type === 'tool_call')) {
          ranAhead = false;
          await stored.catch(() => undefined); // a failed write is the caller's to report; it aborts the model
        }
      }
    } catch (error) {
      finished = { error };
    }
    wake?.();
  })();
  return {
    async *drain() {
      for (;;) {
        while (buffered.length) yield buffered.shift()!;
        const outcome = finished;
        if (outcome) {
          if ('error' in outcome) throw outcome.error;
          return outcome.reply;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
  };
}
