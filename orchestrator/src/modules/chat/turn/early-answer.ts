import type { TurnEvent } from './types';

/**
 * Runs an answer ahead of its consumer: the model call starts while the turn's first transaction is
 * still writing, and what it yields waits here until the turn has stored the message and sent the
 * `conversation` event. Never drained (the write failed, a human took the conversation): the caller
 * aborts the model call through its signal and drops what was buffered.
 */
export interface EarlyAnswer<R> {
  /** The buffered events, then the live ones; returns (or throws) what the answer did. */
  drain(): AsyncGenerator<TurnEvent, R>;
}

export function startEarly<R>(answer: AsyncGenerator<TurnEvent, R>): EarlyAnswer<R> {
  const buffered: TurnEvent[] = [];
  let finished = null as { reply: R } | { error: unknown } | null;
  let wake = null as (() => void) | null;
  void (async () => {
    try {
      for (;;) {
        const step = await answer.next();
        if (step.done) {
          finished = { reply: step.value };
          break;
        }
        buffered.push(step.value);
        wake?.();
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
