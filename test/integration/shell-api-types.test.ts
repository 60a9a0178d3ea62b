import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../shell/scripts/api-types';

// The console's compile-time contracts (shell/lib/api/schemas.ts) are checked against openapi.d.ts; they prove
// nothing if that file lags the routes. Regenerate with `npm run api-types -w shell`.
describe("the console's generated API types", () => {
  it("match the orchestrator's current route table", async () => {
    const { source, paths } = await renderApiTypes();
    expect(paths).toBeGreaterThan(50);
    expect(readFileSync(API_TYPES_FILE, 'utf8') === source, 'shell/lib/api/openapi.d.ts is stale: run npm run api-types -w shell').toBe(true);
  });
});
