import { canonicalJson } from '../audit';

/**
 * Stops tool loops within one chat turn: at most `maxCalls` executions, and the same tool with the same
 * arguments at most once (a model repeating an identical call is looping, not learning anything new).
 */
export interface RunGuard {
  /** null when the call may run; otherwise the refusal the model is told. */
  check(name: string, input: unknown): string | null;
  readonly calls: number;
}

export function createRunGuard(maxCalls: number): RunGuard {
  const seen = new Set<string>();
  let calls = 0;
  return {
    check(name, input) {
      const key = `${name.toLowerCase()}:${canonicalJson(input ?? {})}`;
      if (seen.has(key)) return `"${name}" was already called with exactly these arguments in this turn; use that result instead of calling it again.`;
      if (calls >= maxCalls) return `The limit of ${maxCalls} tool calls per turn is reached; answer with what you have.`;
      seen.add(key);
      calls++;
      return null;
    },
    get calls() {
      return calls;
    },
  };
}
