import { describe, expect, it } from 'vitest';
import { modules } from '../registry';
import { SHELL_ACTIONS } from './commands/describe-me';

describe('abilities reported by /v1/me', () => {
  it('cover every permission a route checks, so the shell can show exactly what the API allows', () => {
    const permissions = new Set(modules.flatMap((m) => m.routes.map((r) => r.permission)).filter((p): p is string => !!p));
    const missing = [...permissions].filter((p) => !(SHELL_ACTIONS as readonly string[]).includes(p));
    expect(missing).toEqual([]);
  });
});
