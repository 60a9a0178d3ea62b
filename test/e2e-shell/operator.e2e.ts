import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { keycloakAdmin } from '../support/keycloak';
import { adminApi, launchBrowser, newSession, screenshot, signIn, stack } from './browser';

// An operator's daily work that console.e2e.ts does not cover: watching a conversation, filtering and exporting the
// audit trail, the frame by keyboard and on a phone, and a session that outlives its access token.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function indexedDocument(title: string, text: string): Promise<void> {
  const created = await adminApi<{ id: string }>('/v1/knowledge/documents', { method: 'POST', tenant: 'acme', body: { title, text } });
  expect(created.status).toBe(202);
  await expect
    .poll(async () => (await adminApi<{ status: string }>(`/v1/knowledge/documents/${created.body.id}`, { tenant: 'acme' })).body.status, {
      timeout: 60_000,
      interval: 500,
    })
    .toBe('indexed');
}

describe("an operator's daily work", () => {
  it('watches a conversation: the flagged question, the cited answer, and the handoff arriving live', async () => {
    await indexedDocument('Shipping policy', '# Shipping\n\nOrders ship within two business days of payment. Express orders ship the same day.\n');
    const question = 'How many business days until my order ships? Write to me at jane.doe@example.com';
    const turn = await adminApi<{ conversation_id: string }>('/v1/chat/completions', {
      method: 'POST',
      tenant: 'acme',
      body: { model: 'atrium', messages: [{ role: 'user', content: question }] },
    });
    expect(turn.status).toBe(200);
    const id = turn.body.conversation_id;

    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', `/conversations/${id}`);
    const transcript = page.getByTestId('transcript');
    await transcript.getByText('How many business days until my order ships').first().waitFor();
    await expect(transcript.getByTestId('safety-flags').first().textContent()).resolves.toMatch(/pii · redact/); // the customer's message
    await expect(transcript.getByTestId('citations').first().textContent()).resolves.toMatch(/Shipping policy/);
    await transcript.getByText('assistant answering').waitFor();

    // A colleague (here: the API) hands the conversation to a human; the open transcript follows without a reload.
    const escalated = await adminApi(`/v1/conversations/${id}/escalate`, { method: 'POST', tenant: 'acme', body: { reason: 'Customer asked for a person' } });
    expect(escalated.status).toBe(200);
    await transcript.getByText('handed off to a human').waitFor({ timeout: 15_000 });
    await screenshot(page, 'conversation-transcript');
    await context.close();
  });

  it('filters the audit trail by action and exports exactly what the filter shows', async () => {
    expect((await adminApi('/v1/conversations', { method: 'POST', tenant: 'acme', body: { title: `Audit filter ${Date.now()}` } })).status).toBe(201);
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/audit');
    const actions = page.getByTestId('audit-entries').locator('tbody tr td:nth-child(4)');
    await actions.first().waitFor();
    expect((await actions.allTextContents()).some((a) => !a.startsWith('conversation.'))).toBe(true);

    await page.getByLabel('Action (e.g. tool.*)').fill('conversation.*');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The table empties while the filtered page loads; an empty list must not count as "all match".
    await expect
      .poll(async () => {
        const shown = await actions.allTextContents();
        return shown.length > 0 && shown.every((a) => a.startsWith('conversation.'));
      })
      .toBe(true);
    expect(await actions.allTextContents()).toContain('conversation.created');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toMatch(/^# chain_verification ok=true /); // the export states whether the chain verified
    const csv = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, comments: '#' });
    expect(csv.data.length).toBeGreaterThan(0);
    expect(csv.data.filter((row) => !row.action?.startsWith('conversation.'))).toEqual([]);
    await screenshot(page, 'audit-filtered');
    await context.close();
  });
});

describe('the frame', () => {
  it('reaches a module from the keyboard alone', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, 'alice', '/activity');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    const focused = () => page.evaluate(`document.activeElement?.closest('nav[aria-label="Modules"]') ? document.activeElement.textContent : null`);
    for (let i = 0; i < 30 && (await focused()) !== 'Approvals'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Approvals');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/approvals');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Approvals');
    await context.close();
  });

  it('folds the sidebar into a menu on a phone-sized screen', async () => {
    const { context, page } = await newSession(browser, { width: 390, height: 844 });
    await signIn(page, 'alice', '/activity');
    const link = page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Approvals', exact: true });
    const onScreen = async () => ((await link.boundingBox())?.x ?? -1) >= 0;
    await expect(onScreen()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Open menu' }).click();
    await expect.poll(onScreen).toBe(true);
    await screenshot(page, 'phone-menu');
    await link.click();
    await page.waitForURL('**/approvals');
    await expect.poll(onScreen).toBe(false); // choosing a module closes the menu
    await context.close();
  });
});

describe('session', () => {
  it('outlives the access token: pages and API calls refresh it without a trip to the login page', { timeout: 180_000 }, async () => {
    const lifespan = 40; // seconds; the console refreshes 30 s before expiry, so the token is "fresh" for 10 s
    // The realm is shared by the whole run: the client's own lifetime is set for this test and removed after it ('' unsets it).
    const setLifespan = async (value: string) => {
      const admin = await keycloakAdmin(stack().keycloak); // a fresh login each time: the admin token outlives neither wait
      const [client] = await admin.client.clients.find({ clientId: 'atrium-shell' });
      await admin.client.clients.update({ id: client!.id! }, { ...client, attributes: { ...client!.attributes, 'access.token.lifespan': value } });
      return client!.attributes?.['access.token.lifespan'] ?? '';
    };
    const original = await setLifespan(String(lifespan));
    try {
      const { context, page } = await newSession(browser);
      await signIn(page, 'alice', '/activity');
      const idpVisits: string[] = [];
      page.on('request', (request) => void (request.url().startsWith(stack().issuer) && idpVisits.push(request.url())));

      await page.waitForTimeout((lifespan + 1) * 1000); // the access token has now expired
      await page.goto('/approvals');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Approvals');
      expect(idpVisits).toEqual([]);

      await page.goto('about:blank'); // nothing in the background refreshes meanwhile
      const session = async () => (await context.cookies()).find((c) => c.name === 'atrium_session')?.value;
      const before = await session();
      await page.waitForTimeout((lifespan + 1) * 1000);
      expect((await page.request.get('/api/atrium/v1/me')).status()).toBe(200);
      expect(await session()).not.toBe(before);
      await context.close();
    } finally {
      await setLifespan(original);
    }
  });
});

/** Plays Chatwoot: frames the Dashboard App and answers its request for context, as Chatwoot's dashboard does. */
const chatwootStandIn = (panelUrl: string, conversationId: number) => `<!doctype html>
<title>Chatwoot (stand-in)</title>
<iframe src="${panelUrl}" style="width: 420px; height: 640px; border: 1px solid #ccc"></iframe>
<script>
  addEventListener('message', (e) => {
    if (e.data !== 'chatwoot-dashboard-app:fetch-info') return;
    e.source.postMessage(JSON.stringify({ event: 'appContext', data: { conversation: { id: ${conversationId} } } }), '*');
  });
</script>`;

describe('Chatwoot Dashboard App', () => {
  it('shows an agent, inside the Chatwoot frame, why the assistant handed the conversation over', async () => {
    const { integrationId, conversationId } = stack().chatwoot;
    const panelApi = `/v1/integrations/chatwoot/${integrationId}/conversations/${conversationId}/panel`;
    await expect
      .poll(async () => (await adminApi<{ handoff: { reason: string } | null }>(panelApi, { tenant: 'acme' })).body.handoff?.reason, { timeout: 30_000 })
      .toBe('customer_request');

    const { context, page } = await newSession(browser);
    await signIn(page, 'bob');
    // The stand-in lives on the console's own site, as the README asks of a deployment (the session cookie is SameSite=Lax).
    const host = `${stack().shellUrl}/chatwoot-stand-in`;
    await page.route(host, (route) =>
      route.fulfill({ contentType: 'text/html', body: chatwootStandIn(`/chatwoot/panel?integration=${integrationId}`, conversationId) }),
    );
    await page.goto(host);
    const panel = page.frameLocator('iframe').getByTestId('chatwoot-panel');
    await panel.getByText('The customer asked for a person').first().waitFor();
    await panel.getByText('with a human').waitFor();
    await screenshot(page, 'chatwoot-panel');
    await context.close();
  });
});
