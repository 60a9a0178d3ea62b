import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startToolEndpoint } from '../fakes/tools/endpoint';
import { adminApi, launchBrowser, newSession, screenshot, signIn, stack } from './browser';

// Modules console.e2e.ts only opens: the Inbox as Chatwoot or Atrium's list, Usage against the API's numbers, a tool's test run.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('inbox', () => {
  it("shows Chatwoot as the Inbox of a tenant that connected it, and Atrium's own list for one that did not", async () => {
    const title = `Globex inbox question ${Date.now()}`;
    expect((await adminApi('/v1/conversations', { method: 'POST', tenant: 'globex', body: { title, channel: 'web' } })).status).toBe(201);
    const { context, page } = await newSession(browser);
    await signIn(page, 'max', '/inbox'); // acme first: it is connected to the stack's (fake) Chatwoot
    await expect(page.getByTestId('tenant-switcher').inputValue()).resolves.toBe('acme');
    const { baseUrl, accountId } = stack().chatwoot;
    await expect(page.getByTitle('Chatwoot inbox').getAttribute('src')).resolves.toBe(`${baseUrl}/app/accounts/${accountId}/dashboard`);
    await page.getByText('Loading Chatwoot…').waitFor({ state: 'detached' }); // the wrapper saw the frame load
    await expect(page.getByTestId('conversation-list').count()).resolves.toBe(0);
    await screenshot(page, 'inbox-chatwoot');
    await page.getByTestId('tenant-switcher').selectOption('globex');
    await page.getByTestId('conversation-list').getByText(title).waitFor();
    await expect(page.getByTitle('Chatwoot inbox').count()).resolves.toBe(0);
    await screenshot(page, 'inbox-atrium');
    await context.close();
  });
});

describe('usage', () => {
  it('shows the usage the API reports for the tenant: its totals as numbers and a per-day chart', async () => {
    for (const content of ['Do you ship to Norway?', 'Can I pay by invoice?']) {
      const turn = await adminApi('/v1/chat/completions', { method: 'POST', tenant: 'acme', body: { model: 'atrium', messages: [{ role: 'user', content }] } });
      expect(turn.status).toBe(200);
    }
    const { context, page } = await newSession(browser);
    const answered = page.waitForResponse((r) => r.url().includes('/api/atrium/v1/admin/usage'), { timeout: 60_000 });
    await signIn(page, 'alice', '/usage');
    const response = await answered;
    type Totals = { totals: { conversations: number; messages: number } };
    const { totals } = (await response.json()) as Totals;
    // The same window asked of the API directly: the page showed acme's numbers, the two turns above included.
    const direct = await adminApi<Totals>(`/v1/admin/usage${new URL(response.url()).search}`, { tenant: 'acme' });
    expect(direct.body.totals).toMatchObject(totals);
    expect(totals.conversations).toBeGreaterThanOrEqual(2);
    expect(totals.messages).toBeGreaterThanOrEqual(4);
    const compact = new Intl.NumberFormat('en', { notation: 'compact' });
    const shown = (label: string) => page.getByTestId('usage-totals').locator(`dt:text-is("${label}") + dd`).textContent();
    await expect(shown('Conversations')).resolves.toBe(compact.format(totals.conversations));
    await expect(shown('Messages')).resolves.toBe(compact.format(totals.messages));
    await expect.poll(() => page.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await screenshot(page, 'usage-totals');
    await context.close();
  });
});

describe('tools', () => {
  it('runs a registered HTTP tool from the Tools module and shows what the endpoint answered', async () => {
    const endpoint = await startToolEndpoint({ order: 'A-1001', status: 'shipped', carrier: 'Parcelio' });
    try {
      const name = `lookup_order_${Date.now()}`;
      const tool = await adminApi('/v1/tools', {
        method: 'POST',
        tenant: 'acme',
        body: {
          name,
          description: 'Looks up where an order is.',
          input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
          risk: 'read',
          binding: { kind: 'http', url: endpoint.url },
        },
      });
      expect(tool.status).toBe(201);
      const { context, page } = await newSession(browser);
      await signIn(page, 'alice', '/tools');
      await page.getByTestId('tool-list').getByText(name).click();
      await page.getByLabel('Test input (JSON)').fill('{ "order_id": "A-1001" }');
      await page.getByRole('button', { name: 'Test run' }).click();
      const outcome = page.getByTestId('tool-outcome');
      await outcome.getByText('succeeded', { exact: true }).waitFor();
      await expect(outcome.locator('pre').textContent()).resolves.toContain('"carrier": "Parcelio"');
      expect(endpoint.calls.map((call) => call.input)).toEqual([{ order_id: 'A-1001' }]);
      await screenshot(page, 'tools-test-run');
      await context.close();
    } finally {
      await endpoint.close();
    }
  });
});
