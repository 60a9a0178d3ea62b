import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../support/app';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { bootstrap, type BootstrapOptions } from '../../scripts/ops/bootstrap';
import { sampleTools } from '../../n8n/scripts/import-workflows';

/** The compose bootstrap job against a real Atrium (HTTP) and the contract-faithful Chatwoot fake. */
describe('first-run bootstrap', () => {
  let atrium: TestAtrium;
  let server: Server;
  let chatwoot: FakeChatwoot;
  let options: BootstrapOptions;

  beforeAll(async () => {
    // tools bound to n8n need a configured n8n; registration itself never calls it
    atrium = await createTestAtrium({ worker: false, env: { N8N_BASE_URL: 'http://127.0.0.1:9', N8N_WEBHOOK_SECRET: 'bootstrap-test-secret' } });
    chatwoot = await startFakeChatwoot();
    server = atrium.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    options = {
      atriumUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      adminKey: atrium.adminKey,
      tenant: 'demo-bootstrap',
      chatwoot: { url: chatwoot.url, accountId: chatwoot.account.id, adminToken: chatwoot.admin.accessToken, inboxIds: [chatwoot.inbox.id] },
    };
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await chatwoot.close();
    await atrium.close();
  });

  async function state(tenantId: string) {
    return atrium.services.db.withTenant(tenantId, async (tx) => ({
      tools: (await tx.query<{ id: string; name: string }>('SELECT id, name FROM tools ORDER BY name')).rows,
      integrations: (await tx.query<{ id: string; kind: string }>('SELECT id, kind FROM integrations ORDER BY id')).rows,
      bots: chatwoot.state.agentBots.size,
    }));
  }

  it('wires the demo tenant once; a second run changes nothing', async () => {
    const first = await bootstrap(options);
    expect(first.steps).toEqual({ tenant: 'created', workflows: 'skipped', tools: 'created', chatwoot: 'created' });
    const after1 = await state(first.tenantId);
    expect(after1.tools.map((t) => t.name)).toEqual(
      sampleTools()
        .map((t) => t.name)
        .sort(),
    );
    expect(after1.integrations).toHaveLength(1);
    expect(after1.bots).toBe(1);

    const second = await bootstrap(options);
    expect(second).toEqual({ tenantId: first.tenantId, steps: { tenant: 'unchanged', workflows: 'skipped', tools: 'updated', chatwoot: 'unchanged' } });
    expect(await state(first.tenantId)).toEqual(after1);
  }, 60_000);
});
