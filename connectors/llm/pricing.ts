import { z } from 'zod';

export const priceSchema = z.object({
  inputPerMTok: z.number().min(0),
  outputPerMTok: z.number().min(0).default(0),
});
export type Price = z.output<typeof priceSchema>;

/**
 * List prices in USD per million tokens (public price pages, late 2025). They drift, which is why
 * the router merges `prices` from config over this table; anything unlisted costs `null`, never a
 * guess. Keys match a model name exactly or as a prefix of a dated snapshot ("gpt-4o-2024-08-06").
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze({
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'text-embedding-3-small': { inputPerMTok: 0.02, outputPerMTok: 0 },
  'text-embedding-3-large': { inputPerMTok: 0.13, outputPerMTok: 0 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
});

export class PriceTable {
  private readonly entries: [string, Price][];

  constructor(overrides: Record<string, Price> = {}) {
    // Longest key first so "gpt-4o-mini" wins over "gpt-4o" for "gpt-4o-mini-2024-07-18".
    this.entries = Object.entries({ ...DEFAULT_PRICES, ...overrides }).sort((a, b) => b[0].length - a[0].length);
  }

  /** Looks up "provider:model" first (Azure deployments have arbitrary names), then the model name. */
  find(provider: string, model: string): Price | undefined {
    for (const key of [`${provider}:${model}`, model]) {
      const exact = this.entries.find(([name]) => name === key);
      if (exact) return exact[1];
    }
    return this.entries.find(([name]) => model.startsWith(`${name}-`))?.[1];
  }

  cost(provider: string, model: string, inputTokens: number, outputTokens: number): number | null {
    const price = this.find(provider, model);
    if (!price) return null;
    const usd = (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
    return Math.round(usd * 1e8) / 1e8;
  }
}
