import type { LlmError } from '@atrium/connectors/llm';
import { channelLabel, chatTurns, observeModelCall } from '../../../platform/metrics';
import type { Generation } from './generate';
import type { AnsweredBy } from './types';

/** A generation that failed on every model of the chain: the last model tried, and how long the chain took. */
export interface FailedGeneration {
  provider: string;
  model: string;
  seconds: number;
}

/** The last attempt the router made (its details carry the whole walk), or "unknown" before any attempt. */
export function failedGeneration(error: LlmError, seconds: number): FailedGeneration {
  const attempts = (error.details?.attempts ?? []) as { provider?: string; model?: string }[];
  const last = attempts.at(-1);
  return { provider: last?.provider ?? 'unknown', model: last?.model ?? 'unknown', seconds };
}

/**
 * Feeds the Prometheus series of a finished turn. Called only after the turn's transaction committed,
 * so a rolled-back turn is never counted; handoffs are counted where they happen (conversations' escalateIn).
 */
export function recordTurnMetrics(turn: { channel: string; answeredBy: AnsweredBy; generation?: Generation; failed?: FailedGeneration }): void {
  chatTurns.inc({ channel: channelLabel(turn.channel), answered_by: turn.answeredBy });
  const { generation, failed } = turn;
  if (generation) {
    observeModelCall({
      provider: generation.provider,
      // Generation.model is "provider:model"; the series label is the bare model, like model_usage_daily.
      model: generation.model.slice(generation.provider.length + 1),
      outcome: 'ok',
      seconds: generation.modelMs / 1000,
      costUsd: generation.costUsd,
      inputTokens: generation.usage.inputTokens,
      outputTokens: generation.usage.outputTokens,
    });
  } else if (failed) {
    observeModelCall({ ...failed, outcome: 'error', costUsd: 0, inputTokens: 0, outputTokens: 0 });
  }
}
